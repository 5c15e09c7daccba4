import TesselIR
import TesselNumerics

extension Interpreter {
  /// Lowers every instruction's views to flat arena offsets and precomputes its counters.
  ///
  /// Also returns, per dynamic loop, the lowered view of its bound and the slot of its stop.
  static func compile(
    _ kernel: Kernel, offsets: [Int], onChip: [Bool], deltaSlot: Int, bindSlots: [Int], runtime: RuntimeSlots
  ) -> ([CompiledInstruction], [Int: (FlatView, Int)]) {
    let slots: (IndexVar) -> Int = { $0.index }
    let runtimeVariables = runtimeVariables(kernel)
    func flat(_ v: View, _ runtimeSlots: [Int] = []) -> FlatView {
      let t = kernel[v.tensor]
      let ts = t.strides
      var base = offsets[v.tensor.index]
      var terms: [Int: Int] = [:]
      for (k, e) in v.start.enumerated() {
        base += e.constant * ts[k]
        for term in e.terms { terms[term.variable.index, default: 0] += term.coefficient * ts[k] }
      }
      // Runtime offsets: each value, read into its slot before the instruction, moves the view.
      for (r, slot) in zip(v.runtimeOffsets, runtimeSlots) {
        terms[slot, default: 0] += zip(r.steps, ts).reduce(0) { $0 + $1.0 * $1.1 }
      }
      // On-chip tensors live in the current worker's region.
      if onChip[v.tensor.index] { terms[deltaSlot, default: 0] += 1 }
      // A tensor the caller may lend its own memory for is found through its binding slot.
      if bindSlots[v.tensor.index] >= 0 { terms[bindSlots[v.tensor.index], default: 0] += 1 }
      var strides = v.dims.map { d in zip(d.steps, ts).reduce(0) { $0 + $1.0 * $1.1 } }
      if strides.isEmpty { strides = [0] }
      return FlatView(
        tensor: v.tensor.index, base: base,
        terms: terms.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map { (slot: $0.key, coef: $0.value) },
        strides: strides)
    }
    func bytes(_ v: View) -> Int { v.elementCount * kernel[v.tensor].dtype.byteSize }

    var dynamicLoops: [Int: (FlatView, Int)] = [:]
    for (pc, inst) in kernel.instructions.enumerated() {
      if case .loopBegin(let l) = inst.operation, let bound = l.dynamic, let slot = runtime.loopStops[pc] {
        dynamicLoops[pc] = (flat(bound.view), slot)
      }
    }
    let program = kernel.instructions.enumerated().map { pc, inst in
      let op = inst.operation
      var views: [FlatView] = []
      // Lanes: the destination, the operands read in order, then a second destination.
      let operands = op.operands.filter { $0.role != .runtimeOffset }
      let slotsOf = pc < runtime.offsets.count ? runtime.offsets[pc] : []
      let order =
        operands.indices.filter { operands[$0].role == .destination || operands[$0].role == .accumulator }
        + operands.indices.filter { !operands[$0].role.isWritten }
        + operands.indices.filter { operands[$0].role == .reduceDestination }
      let lanes = order.map { operands[$0] }
      views = order.map { flat(operands[$0].view, $0 < slotsOf.count ? slotsOf[$0] : []) }
      var counts = op.iterationShape
      if counts.isEmpty { counts = [1] }
      var mask = inst.mask.flatMap { FlatCondition.normalized($0, slots: slots) }
      // Give every iteration space at least two dimensions (partition and free) so that a row's
      // outer index is its partition.
      if counts.count == 1 {
        counts.append(1)
        for i in views.indices { views[i].strides.append(0) }
        for i in mask.indices { mask[i].coefficients.append(0) }
      }
      var covers = false
      if let d = op.destination, inst.mask.isEmpty {
        covers = View.coversWhole(d, shape: kernel[d.tensor].shape)
      }
      // Lanes of the row walk: the views in order, with [P, 1] operands broadcast along the free
      // dimensions of the iteration space.
      let rank = counts.count
      let laneStrides: [[Int]] = views.prefix(4).map { fv in
        if fv.strides.count == rank { return fv.strides }
        var s = Array(repeating: 0, count: rank)
        s[0] = fv.strides.first ?? 0
        return s
      }
      var laneStridesFixed = laneStrides
      // Per-partition operands ([P, 1] columns, an activation's reduce result) in an iteration
      // space of the same rank broadcast too.
      for (lane, use) in lanes.prefix(laneStridesFixed.count).enumerated()
      where use.role == .perPartition || use.role == .reduceDestination {
        laneStridesFixed[lane] = [laneStridesFixed[lane][0]] + Array(repeating: 0, count: rank - 1)
      }
      // Integer arithmetic names the partition of a failing element: its rows stay partitions.
      let integerArithmetic = kernel.computesInIntegers(inst)
      var merge = !integerArithmetic
      switch op {
      case .iota, .affineSelect, .activation, .tensorScalarReduce, .tensorTensorScan, .bnStats, .bnAggr, .indirectDMA:
        // (An indirect DMA's rows are its partitions: each moves by its own index.)
        merge = false
      default: break
      }
      let rows = RowIterator(counts: counts, viewStrides: laneStridesFixed, merge: merge && mask.isEmpty)
      // The walk an unmasked instruction would take, for executions whose mask keeps everything.
      let unmaskedRows = mask.isEmpty ? nil : RowIterator(counts: counts, viewStrides: laneStridesFixed, merge: merge)
      let elements = counts.reduce(1, *)
      var flops = elements
      if case .matmul(let m) = op { flops = 2 * m.dst.elementCount * m.stationary.partitionCount * m.rowsPerPartition }
      if case .matmulMX(let m) = op { flops = 2 * m.dst.elementCount * m.stationary.partitionCount * 4 }
      if op.payload == nil || op.groups.contains(.dataMovement) { flops = 0 }
      let b = op.sources.map { bytes($0.view) }.reduce(0, +) + op.destinations.map(bytes).reduce(0, +)
      var facts = InstructionFacts()
      if let d = op.destination {
        facts.destination = d.tensor.index
        facts.destinationIsPSUM = kernel[d.tensor].space == .psum
        facts.coversIfUnmasked = View.coversWhole(d, shape: kernel[d.tensor].shape)
      }
      if let rd = operands.first(where: { $0.role == .reduceDestination }) {
        facts.reduceDestination = rd.view.tensor.index
      }
      if case .indirectDMA(let p) = op, p.side == .destination {
        // A scatter's elements are known only from its indices: it writes no view the generic
        // write bookkeeping could follow, so the destination keeps its never-written flags.
        facts.destination = -1
      }
      if case .matmul = op { facts.isMatmul = true }
      if case .matmulMX = op { facts.isMatmul = true }
      if case .bitcast = op { facts.isBitcast = true }
      facts.sourceTensors = op.sources.map(\.view.tensor.index)
      facts.integerArithmetic = integerArithmetic
      if (op.payload as? any AccumulatingOperation)?.accumulation == .add,
        let acc = op.operands.first(where: { $0.role == .accumulator })
      {
        facts.addsInto = acc.view.tensor.index
      }
      if !inst.mask.isEmpty || !op.contractionMask.isEmpty {
        facts.probes = probes(op, counts: counts)
        // A masked matmul's operands are bounds-checked at run time (the verifier leaves them).
        if inst.mask.predicatesWholeInstruction || facts.isMatmul { facts.probes += Self.wholeReadProbes(op, kernel) }
      }
      for (i, use) in operands.enumerated() where use.view.isPositionedAtRunTime(runtimeVariables) {
        let v = use.view
        for (r, slot) in zip(v.runtimeOffsets, i < slotsOf.count ? slotsOf[i] : []) {
          facts.runtimeLoads.append(RuntimeLoad(slot: slot, source: flat(r.source), name: use.name + ".scalar_offset"))
        }
        let t = kernel[v.tensor]
        for kd in 0..<t.shape.count {
          var lo = 0
          var hi = 0
          for d in v.dims {
            let e = d.steps[kd] * (d.count - 1)
            lo += Swift.min(0, e)
            hi += Swift.max(0, e)
          }
          var terms = v.start[kd].terms.map { (slot: $0.variable.index, coef: $0.coefficient) }
          for (r, slot) in zip(v.runtimeOffsets, i < slotsOf.count ? slotsOf[i] : []) where r.steps[kd] != 0 {
            terms.append((slot: slot, coef: r.steps[kd]))
          }
          facts.runtimeProbes.append(
            RuntimeProbe(
              probe: BoundsProbe(size: t.shape[kd], constant: v.start[kd].constant, terms: terms, lo: lo, hi: hi),
              tensor: t.name, dimension: kd))
        }
      }
      var destinationRows: RowIterator?
      var destinationMaskedRows: RowIterator?
      if let d = op.destination, let fv = views.first {
        destinationRows = RowIterator(counts: d.shape.isEmpty ? [1] : d.shape, viewStrides: [fv.strides], merge: true)
        if !mask.isEmpty && fv.strides.count == counts.count {
          destinationMaskedRows = RowIterator(counts: counts, viewStrides: [fv.strides], merge: false)
        }
      }
      return CompiledInstruction(
        instruction: inst, counts: counts, views: views, mask: mask, rows: rows, unmaskedRows: unmaskedRows,
        destinationRows: destinationRows, destinationMaskedRows: destinationMaskedRows, coversDestination: covers,
        elements: elements, bytes: b, flops: flops, facts: facts, lanes: lanes,
        contraction: op.contractionMask.flatMap { FlatCondition.normalized($0, slots: slots) })
    }
    return (program, dynamicLoops)

    /// The conservative bounds probes of a masked instruction (see `checkMaskedBounds`).
    func probes(_ op: Operation, counts: [Int]) -> [BoundsProbe] {
      // The views `checkMaskedBounds` checks, over the same index ranges.
      var views: [View] = []
      if let d = op.destination, op.iteratesOverDestination { views.append(d) }
      if op.sourcesWalkIterationSpace { views += op.sources.map(\.view) }
      let rank = counts.count
      var out: [BoundsProbe] = []
      for v in views where v.dims.count == rank || (v.dims.count == 1 && rank == 2) {
        let t = kernel[v.tensor]
        for kd in 0..<t.shape.count {
          var lo = 0
          var hi = 0
          for d in 0..<rank where d < v.dims.count {
            // The indices `checkMaskedBounds` walks: a dimension shorter than the iteration
            // space (a `[P, 1]` operand) stays at its last index.
            let last =
              d < rank - 1 ? Swift.min(counts[d], v.dims[d].count) - 1 : (v.dims[d].count > 1 ? counts[d] - 1 : 0)
            let e = v.dims[d].steps[kd] * Swift.max(0, last)
            lo += Swift.min(0, e)
            hi += Swift.max(0, e)
          }
          let s = v.start[kd]
          out.append(
            BoundsProbe(
              size: t.shape[kd], constant: s.constant,
              terms: s.terms.map { (slot: $0.variable.index, coef: $0.coefficient) },
              lo: lo, hi: hi))
        }
      }
      return out
    }
  }

  /// The outermost `affine_range` loops whose iterations can run on separate workers: every
  /// on-chip tensor they write is declared inside them, and no HBM scratch tensor is.
  ///
  /// Affine
  /// loops nested perfectly inside such a loop (nothing but the inner loop in its body) join its
  /// iteration space, so that work is handed out in finer units, unless the outer loop declares
  /// a tile that must start each iteration never-written (`fresh`, by loop begin index): such a
  /// tile lives across the inner loop's iterations, which must then stay in one unit.
  ///
  /// Every unit starts from the state before the loop: each tile declared in the loop is either
  /// made fresh at the start of its declaring loop's iterations or written whole before any
  /// read (``definedBeforeUse(_:onChip:)``), so no unit can see what another left in it.
  static func parallelLoops(_ kernel: Kernel, onChip: [Bool], fresh: [[Int]]) -> [Int: ParallelLoop] {
    var result: [Int: ParallelLoop] = [:]
    let insts = kernel.instructions
    var pc = 0
    while pc < insts.count {
      guard case .loopBegin(let l) = insts[pc].operation else {
        pc += 1
        continue
      }
      defer { pc = l.end + 1 }
      guard l.kind == .affine else { continue }
      let range = pc...l.end
      func inside(_ t: Int) -> Bool { kernel.tensors[t].enclosingLoop.map { range.contains($0) } ?? false }
      var ok = true
      for i in (pc + 1)..<l.end {
        for d in insts[i].operation.destinations {
          let t = d.tensor.index
          if onChip[t] ? !inside(t) : inside(t) { ok = false }
        }
      }
      guard ok else { continue }
      var nest = [(begin: pc, loop: l)]
      while let last = nest.last, fresh[last.begin].isEmpty, last.begin + 1 < insts.count,
        case .loopBegin(let inner) = insts[last.begin + 1].operation,
        inner.kind == .affine, inner.end + 1 == last.loop.end
      {
        nest.append((last.begin + 1, inner))
      }
      if nest.map(\.loop.tripCount).reduce(1, *) >= 2 {
        result[pc] = ParallelLoop(nest: nest)
      }
    }
    return result
  }

  /// The on-chip tensors declared before a parallel loop that the loop may read: those whose
  /// memory (their own, or their alias's or bitcast base's) is live somewhere in the loop
  /// (`live`: the allocator's live intervals, by memory owner).
  static func loopInputs(
    _ plan: ParallelLoop, _ kernel: Kernel, onChip: [Bool], live: [TensorID: ClosedRange<Int>]
  ) -> [Int] {
    guard let outermost = plan.nest.first else { return [] }
    let range = outermost.begin...outermost.loop.end
    return onChip.indices.filter { t in
      guard onChip[t], !(kernel.tensors[t].enclosingLoop.map { range.contains($0) } ?? false) else { return false }
      return live[kernel.memoryOwner(of: TensorID(t))].map { $0.overlaps(range) } ?? false
    }
  }

  /// The loops open at each instruction (their begin indices, outermost first); a loop's own
  /// markers are outside it.
  static func openLoops(_ kernel: Kernel) -> [[Int]] {
    let insts = kernel.instructions
    var openAt = Array(repeating: [Int](), count: insts.count)
    var open: [Int] = []
    for i in insts.indices {
      if case .loopEnd = insts[i].operation, !open.isEmpty { open.removeLast() }
      openAt[i] = open
      if case .loopBegin = insts[i].operation { open.append(i) }
    }
    return openAt
  }

  /// Whether `view`, with the variables of `loops` (begin indices, outermost first) running over
  /// their ranges, writes every element of its tensor exactly once; if so, the index of the last
  /// instruction of the sweep (the outermost loop's end, or nil for no loops).
  static func coverage(_ view: View, sweptOver loops: [Int], kernel: Kernel) -> Int?? {
    var extended = view
    let rank = kernel[view.tensor].shape.count
    for begin in loops {
      guard case .loopBegin(let l) = kernel.instructions[begin].operation, l.tripCount > 0 else { return nil }
      var steps = Array(repeating: 0, count: rank)
      for k in 0..<rank {
        var start = AffineExpr(constant: extended.start[k].constant)
        for term in extended.start[k].terms {
          if term.variable == l.variable {
            steps[k] = term.coefficient * l.step
            start = start + AffineExpr(constant: term.coefficient * l.start)
          } else {
            start = start + AffineExpr(term.variable) * term.coefficient
          }
        }
        extended.start[k] = start
      }
      extended.dims.append(View.Dim(count: l.tripCount, steps: steps))
    }
    guard View.coversWhole(extended, shape: kernel[view.tensor].shape) else { return nil }
    guard let outermost = loops.first, case .loopBegin(let l) = kernel.instructions[outermost].operation else {
      return .some(nil)
    }
    return .some(l.end)
  }
}

/// An outermost `affine_range` loop that runs on several workers.
struct ParallelLoop: Sendable {
  /// The loop and the affine loops perfectly nested in it, outermost first: one unit of work is
  /// one iteration of the innermost body, at one index of every loop of the nest.
  var nest: [(begin: Int, loop: Loop)]
  /// The on-chip tensors declared before the loop whose memory the loop may read.
  ///
  /// Their live intervals meet the loop; each worker starts with a copy of them. Tiles dead at
  /// the loop are left out, since no unit reads them.
  var inputs: [Int] = []
}

extension View {
  /// Whether the view writes every element of a tensor of `shape` exactly once (any order).
  static func coversWhole(_ v: View, shape: [Int]) -> Bool {
    guard v.elementCount == shape.reduce(1, *), v.start.allSatisfy({ $0 == AffineExpr() }) else { return false }
    // Each tensor dimension must be walked by exactly one view dimension with step 1 and full count
    // (any permutation of dimensions), ignoring size-1 dimensions on either side.
    var walked = Array(repeating: false, count: shape.count)
    for d in v.dims where d.count > 1 {
      let nz = d.steps.indices.filter { d.steps[$0] != 0 }
      guard nz.count == 1, let k = nz.first, d.steps[k] == 1, d.count == shape[k], !walked[k] else { return false }
      walked[k] = true
    }
    return shape.indices.allSatisfy { walked[$0] || shape[$0] == 1 }
  }
}
