extension KernelBuilder {
  /// Makes every `affine_range` loop whose iterations are not provably independent
  /// (``Kernel/iterationsIndependent(loopAt:)``) a sequential loop.
  ///
  /// A front end that rolls traced iterations of an `nl.affine_range` into `affine_range` loops
  /// (``rollIterations(_:name:affine:location:)``) calls it once its trace is complete, since a
  /// tile of the loop read after it, which decides, is only known then. The iterations of a
  /// sequential loop run in program order, which is the meaning of the traced code.
  public mutating func sequentializeDependentAffineLoops() {
    var dependent: [Int] = []
    for (pc, inst) in kernel.instructions.enumerated() {
      if case .loopBegin(let l) = inst.operation, l.kind == .affine, !kernel.iterationsIndependent(loopAt: pc) {
        dependent.append(pc)
      }
    }
    guard !dependent.isEmpty else { return }
    note(.instructions(kernel.instructions))
    for pc in dependent {
      guard case .loopBegin(var l) = kernel.instructions[pc].operation else { continue }
      l.kind = .sequential
      kernel.instructions[pc].operation = .loopBegin(l)
    }
  }
}

extension Kernel {
  /// Whether the iterations of the loop whose `loopBegin` is at `begin` provably touch disjoint
  /// memory, so that they may run in any order or at once with the results of program order.
  ///
  /// The test is conservative (a "no" may be a false alarm; a "yes" is a proof):
  /// - every on-chip tensor the body writes, and its storage, is declared in the body (each
  ///   iteration has its own tiles), and no instruction after the loop touches a tensor declared
  ///   in it;
  /// - no HBM tensor is declared in the body, no loop in it runs a bound read at run time, and
  ///   no write to HBM has an element position known only at run time;
  /// - for each HBM storage the body writes, every access to it in the body (reads included)
  ///   moves by the same step per iteration, and the accesses of one iteration fit in a window
  ///   narrower than that step, along one dimension of the storage or over its flat elements.
  ///   Two different iterations then touch no common element. Other loop variables (of loops
  ///   inside the body or around it) count with their whole range.
  ///
  /// A front end that traced a loop's iterations one by one keeps the loop it rolled from
  /// `nl.affine_range` an `affine_range` loop, which the interpreter runs in parallel, only when
  /// this holds (``KernelBuilder/sequentializeDependentAffineLoops()``).
  public func iterationsIndependent(loopAt begin: Int) -> Bool {
    guard instructions.indices.contains(begin), case .loopBegin(let loop) = instructions[begin].operation,
      loop.dynamic == nil, loop.end < instructions.count
    else { return false }
    let body = (begin + 1)..<loop.end
    func declaredInside(_ t: TensorID) -> Bool {
      tensors[t.index].enclosingLoop.map { $0 >= begin && $0 < loop.end } ?? false
    }
    // Ranges of the other loop variables: loops around `begin` and inside the body.
    var ranges: [IndexVar: ClosedRange<Int>] = [:]
    for pc in instructions.indices where pc != begin {
      guard case .loopBegin(let l) = instructions[pc].operation else { continue }
      let encloses = pc < begin && l.end > loop.end
      let inside = body.contains(pc)
      guard encloses || inside else { continue }
      if l.dynamic != nil { return false }
      guard l.tripCount > 0 else { continue }
      let last = l.start + (l.tripCount - 1) * l.step
      ranges[l.variable] = Swift.min(l.start, last)...Swift.max(l.start, last)
    }
    for t in tensors.indices where declaredInside(TensorID(t)) && !tensors[t].space.isOnChip { return false }
    for inst in instructions[(loop.end + 1)...] {
      for use in inst.operation.operands
      where declaredInside(use.view.tensor) || declaredInside(memoryOwner(of: use.view.tensor)) {
        return false
      }
    }
    var accesses: [TensorID: [FootprintAccess]] = [:]
    var writtenHBM: Set<TensorID> = []
    for pc in body {
      let op = instructions[pc].operation
      if case .loopBegin = op { continue }
      if case .loopEnd = op { continue }
      for use in op.operands {
        let owner = memoryOwner(of: use.view.tensor)
        let written = use.role.isWritten
        if tensors[owner.index].space.isOnChip {
          if written && !(declaredInside(use.view.tensor) && declaredInside(owner)) { return false }
          continue
        }
        let indirect = use.name == op.indexedOperand || !use.view.runtimeOffsets.isEmpty
        if written {
          if indirect { return false }
          writtenHBM.insert(owner)
        }
        accesses[owner, default: []].append(FootprintAccess(view: use.view, indirect: indirect))
      }
    }
    for owner in writtenHBM {
      guard let list = accesses[owner], list.allSatisfy({ !$0.indirect }),
        disjointAcrossIterations(list.map(\.view), owner: owner, loopVariable: loop.variable, ranges: ranges)
      else { return false }
    }
    return true
  }

  /// One operand access of a loop body to an HBM storage.
  private struct FootprintAccess {
    var view: View
    /// Whether its element positions depend on values read at run time.
    var indirect: Bool
  }

  /// An access's bounds along some coordinates of its storage, as affine functions of the loop
  /// variable: `low + step · v ... high + step · v`.
  private struct Window {
    var low: [Int]
    var high: [Int]
    var step: [Int]
  }

  /// Whether the accesses of two different iterations can share no element of `owner`.
  private func disjointAcrossIterations(
    _ views: [View], owner: TensorID, loopVariable v: IndexVar, ranges: [IndexVar: ClosedRange<Int>]
  ) -> Bool {
    let direct = views.allSatisfy { $0.tensor == owner && tensors[owner.index].alias == nil }
    var windows: [Window] = []
    for view in views {
      guard let w = window(of: view, flat: !direct, loopVariable: v, ranges: ranges) else { return false }
      windows.append(w)
    }
    guard let first = windows.first, windows.allSatisfy({ $0.step == first.step }) else { return false }
    // One coordinate along which the iterations move further than the accesses of one
    // iteration spread.
    for d in first.step.indices where first.step[d] != 0 {
      guard let low = windows.map({ $0.low[d] }).min(), let high = windows.map({ $0.high[d] }).max() else { continue }
      if high - low < Swift.abs(first.step[d]) { return true }
    }
    return false
  }

  /// The window of `view` per dimension of its tensor (or over the flat elements of its storage,
  /// with `flat`); nil when a variable other than `v` has no known range, on overflow, or for a
  /// bitcast view.
  private func window(of view: View, flat: Bool, loopVariable v: IndexVar, ranges: [IndexVar: ClosedRange<Int>])
    -> Window?
  {
    let decl = tensors[view.tensor.index]
    guard decl.bitcast == nil, view.start.count == decl.shape.count else { return nil }
    var low: [Int] = []
    var high: [Int] = []
    var step: [Int] = []
    for d in view.start.indices {
      let e = view.start[d]
      var lo = e.constant
      var hi = e.constant
      var s = 0
      for term in e.terms {
        if term.variable == v {
          s = s.addingReportingOverflow(term.coefficient).partialValue
          continue
        }
        guard let r = ranges[term.variable] else { return nil }
        let (a, o1) = term.coefficient.multipliedReportingOverflow(by: r.lowerBound)
        let (b, o2) = term.coefficient.multipliedReportingOverflow(by: r.upperBound)
        guard !o1, !o2 else { return nil }
        lo += Swift.min(a, b)
        hi += Swift.max(a, b)
      }
      for dim in view.dims where dim.count > 1 {
        let (reach, o) = dim.steps[d].multipliedReportingOverflow(by: dim.count - 1)
        guard !o else { return nil }
        if reach < 0 { lo += reach } else { hi += reach }
      }
      low.append(lo)
      high.append(hi)
      step.append(s)
    }
    guard flat else { return Window(low: low, high: high, step: step) }
    // Row-major element numbers of the tensor, then the alias's offset in its base.
    var stride = 1
    var flatLow = decl.alias?.offset ?? 0
    var flatHigh = flatLow
    var flatStep = 0
    for d in decl.shape.indices.reversed() {
      let (l, o1) = low[d].multipliedReportingOverflow(by: stride)
      let (h, o2) = high[d].multipliedReportingOverflow(by: stride)
      let (s, o3) = step[d].multipliedReportingOverflow(by: stride)
      guard !o1, !o2, !o3 else { return nil }
      flatLow += Swift.min(l, h)
      flatHigh += Swift.max(l, h)
      flatStep += s
      let (next, o4) = stride.multipliedReportingOverflow(by: decl.shape[d])
      guard !o4 else { return nil }
      stride = next
    }
    return Window(low: [flatLow], high: [flatHigh], step: [flatStep])
  }
}
