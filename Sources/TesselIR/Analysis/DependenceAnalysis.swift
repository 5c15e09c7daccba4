/// A static check for NKI's "Unexpected output dependencies": accesses that different iterations
/// of an `affine_range` loop, or different SPMD program instances, make to the same element.
///
/// For every `affine_range` loop and every pair of accesses in its body (nested loops included)
/// to one tensor, at least one of them a write, the analysis asks whether two *different*
/// iterations can touch the same element. Views are affine, so the question is a small integer
/// linear system: per tensor dimension `start_A + Σ step·i = start_B + Σ step·i'`, the loop
/// variable's two values differ, variables of enclosing loops and program ids are shared, those of
/// nested loops and the view's own indices are free on each side, and masks bound the indices.
/// ``LinearSystem`` decides it exactly for the patterns kernels use (tiles `x[i*128 + p, ...]`,
/// strided and ragged tiles) and yields the iterations and an element for the message.
///
/// Associative accumulation stays legal: `nc_matmul` into PSUM with accumulation `.add` or `.auto`
/// (`res_psum += nisa.nc_matmul(...)`), and `tensor_tensor(dst: X, a: X, b: _, op:)` with
/// `op` one of add, multiply, maximum, minimum (`acc += ...`), including the traced form
/// `tmp = tensor_tensor(X, b); X = tensor_copy(tmp)`. Tiles declared inside the loop belong to
/// one iteration and are never shared.
///
/// With a launch grid of more than one instance, writes to `hbm`/`shared_hbm` tensors by two
/// different program instances are checked the same way (`private_hbm` is per instance).
///
/// ```swift
/// try DependenceAnalysis().check(kernel)          // throws the first DependenceError
/// let all = DependenceAnalysis().diagnose(kernel) // every conflicting pair, once
/// ```
///
/// When a question is too large for the solver's budget the analysis stays silent: it reports
/// only conflicts it can exhibit.
public struct DependenceAnalysis: Sendable {
  /// Search nodes the solver may spend on one question before it gives up (and stays silent).
  public var budget: Int
  /// The most pairs of accesses one call examines; the rest are skipped (so that a kernel with
  /// thousands of unrolled accesses cannot make the check run for minutes).
  public var pairLimit: Int

  /// Creates an analysis with the default limits.
  public init() {
    self.init(budget: 20_000)
  }

  /// Creates an analysis with a given solver budget per question and pair limit.
  public init(budget: Int, pairLimit: Int = 20_000) {
    self.budget = budget
    self.pairLimit = pairLimit
  }

  /// Checks a kernel and throws its first dependence in program order (loops outermost first,
  /// then SPMD instances).
  ///
  /// Call it on a verified kernel (after ``Verifier/verify(_:)``); on other kernels it does not
  /// trap, but it may miss dependences.
  ///
  /// - Parameter kernel: the kernel to check.
  /// - Throws: ``DependenceError`` for the first pair of accesses that two iterations or two
  ///   program instances make to one element.
  public func check(_ kernel: Kernel) throws(DependenceError) {
    if let e = diagnose(kernel, limit: 1).first { throw e }
  }

  /// Returns every dependence of a kernel, one per pair of accesses, in program order.
  ///
  /// A pair that conflicts in several nested loops is reported once, for the outermost loop.
  ///
  /// - Parameters:
  ///   - kernel: the kernel to check.
  ///   - limit: stop after this many dependences.
  /// - Complexity: one small integer problem per candidate pair of accesses in each
  ///   `affine_range` body (and per pair of HBM writes when the grid has several instances);
  ///   pairs whose bounding boxes are disjoint are skipped, and at most ``pairLimit`` are solved.
  public func diagnose(_ kernel: Kernel, limit: Int = .max) -> [DependenceError] {
    guard limit > 0 else { return [] }
    let structure = LoopStructure(kernel)
    let accesses = collectAccesses(kernel, structure)
    var found: [DependenceError] = []
    var seen = Set<PairKey>()
    var examined = 0

    for begin in structure.order {
      guard let info = structure.loops[begin], info.loop.kind == .affine, let trips = Self.safeTripCount(info.loop),
        trips >= 2
      else { continue }
      let body = accesses.filter { $0.instruction > begin && $0.instruction < info.end }
      let shared = Set(structure.enclosing[begin].compactMap { structure.loops[$0]?.loop.variable })
      for (a, b) in candidatePairs(
        body, kernel: kernel,
        isPrivate: { t in
          guard let d = kernel.tensors[safe: t.index]?.enclosingLoop else { return false }
          return d >= begin && d < info.end
        })
      {
        let key = PairKey(a: a.key, b: b.key)
        if seen.contains(key) || !a.box.overlaps(b.box) { continue }
        examined += 1
        if examined > pairLimit { return found }
        if let e = loopConflict(a, b, loop: info.loop, loopBegin: begin, shared: shared, kernel, structure) {
          seen.insert(key)
          found.append(e)
          if found.count >= limit { return found }
        }
      }
    }

    if kernel.grid.count > 0 && kernel.grid.allSatisfy({ $0 >= 1 }) && kernel.grid.contains(where: { $0 >= 2 }) {
      let writes = accesses.filter { acc in
        guard acc.kind != .read, let t = kernel.tensors[safe: acc.view.tensor.index] else { return false }
        return t.space == .hbm || t.space == .sharedHBM
      }
      for (a, b) in candidatePairs(writes, kernel: kernel, isPrivate: { _ in false }) where a.box.overlaps(b.box) {
        examined += 1
        if examined > pairLimit { return found }
        if let e = spmdConflict(a, b, kernel, structure) {
          found.append(e)
          if found.count >= limit { return found }
        }
      }
    }
    return found
  }

  // MARK: - Accesses

  /// One operand access of one instruction.
  struct Access {
    var instruction: Int
    var position: Int
    var operand: String
    var view: View
    var kind: DependenceError.AccessKind
    var mask: [AffineCondition]
    /// Every element the access can touch lies in this box (masks ignored).
    var box: Box
    var key: AccessKey { AccessKey(instruction: instruction, position: position) }
  }

  /// Inclusive index bounds per tensor dimension; nil when unknown (overlaps everything).
  struct Box {
    var bounds: [ClosedRange<Int>]?

    /// Whether two boxes can share an element.
    func overlaps(_ other: Box) -> Bool {
      guard let a = bounds, let b = other.bounds, a.count == b.count else { return true }
      return zip(a, b).allSatisfy { $0.overlaps($1) }
    }
  }

  /// The bounding box of a view over the value ranges of every index variable (unknown on overflow).
  func box(of v: View, _ kernel: Kernel, _ structure: LoopStructure) -> Box {
    func mul(_ x: Int, _ y: Int) -> Int? {
      let (r, o) = x.multipliedReportingOverflow(by: y)
      return o ? nil : r
    }
    func add(_ x: Int, _ y: Int) -> Int? {
      let (r, o) = x.addingReportingOverflow(y)
      return o ? nil : r
    }
    var out: [ClosedRange<Int>] = []
    for (k, e) in v.start.enumerated() {
      var lo: Int? = e.constant
      var hi: Int? = e.constant
      for t in e.terms {
        guard let r = range(of: t.variable, kernel, structure), r.lo <= r.hi,
          let first = mul(r.scale, r.lo).flatMap({ add(r.offset, $0) }),
          let last = mul(r.scale, r.hi).flatMap({ add(r.offset, $0) }),
          let a = mul(t.coefficient, first), let b = mul(t.coefficient, last)
        else { return Box(bounds: nil) }
        lo = lo.flatMap { add($0, Swift.min(a, b)) }
        hi = hi.flatMap { add($0, Swift.max(a, b)) }
      }
      for d in v.dims {
        guard k < d.steps.count, d.count >= 1, let s = mul(d.steps[k], d.count - 1) else { return Box(bounds: nil) }
        lo = lo.flatMap { add($0, Swift.min(0, s)) }
        hi = hi.flatMap { add($0, Swift.max(0, s)) }
      }
      guard let l = lo, let h = hi, l <= h else { return Box(bounds: nil) }
      out.append(l...h)
    }
    return Box(bounds: out)
  }

  /// Identifies one access: its instruction and its position among the instruction's operands.
  struct AccessKey: Hashable {
    var instruction: Int
    var position: Int
  }

  /// Identifies a pair of accesses.
  struct PairKey: Hashable {
    var a: AccessKey
    var b: AccessKey
  }

  /// Every read and write of every instruction, in program order, with accumulations marked.
  func collectAccesses(_ kernel: Kernel, _ structure: LoopStructure) -> [Access] {
    let fused = tracedAccumulations(kernel)
    var out: [Access] = []
    for (pc, inst) in kernel.instructions.enumerated() {
      let op = inst.operation
      if case .loopBegin = op { continue }
      if case .loopEnd = op { continue }
      let shape = op.iterationShape
      func masked(_ v: View) -> [AffineCondition] {
        // Tensor-engine operands do not walk the iteration space: a mask selects only outputs.
        guard op.sourcesWalkIterationSpace || op.destinations.contains(v) else { return [] }
        return v.shape == shape ? inst.mask.filter { $0.coefficients.count == v.dims.count } : []
      }
      var accumulated: (view: View, op: ALUOp)?
      switch op {
      case .matmul(let m) where m.accumulation != .overwrite:
        accumulated = (m.dst, .add)
      case .tensorTensor(let t) where Self.associative.contains(t.op) && (t.dst == t.a || t.dst == t.b):
        accumulated = (t.dst, t.op)
      default:
        break
      }
      var position = 0
      func add(_ operand: String, _ v: View, _ kind: DependenceError.AccessKind) {
        // No conflict with elements known only at run time can be exhibited: left out.
        defer { position += 1 }
        if operand == op.indexedOperand { return }
        out.append(
          Access(
            instruction: pc, position: position, operand: operand, view: v, kind: kind, mask: masked(v),
            box: box(of: v, kernel, structure)))
      }
      var skippedSelfRead = false
      for (name, v) in op.sources {
        if let acc = accumulated, v == acc.view, !skippedSelfRead {
          skippedSelfRead = true
          continue
        }
        if let alu = fused.reads[pc], v == alu.view {
          add(name, v, .accumulate(alu.op))
        } else {
          add(name, v, .read)
        }
      }
      for (i, w) in op.operands.filter(\.role.isWritten).enumerated() {
        let name = w.name
        let v = w.view
        if i == 0, let acc = accumulated {
          add(name, v, .accumulate(acc.op))
        } else if i == 0, let alu = fused.writes[pc] {
          add(name, v, .accumulate(alu))
        } else {
          add(name, v, .write)
        }
      }
    }
    return out
  }

  /// ALU operators whose repeated application is order-independent.
  static let associative: Set<ALUOp> = [.add, .multiply, .maximum, .minimum]

  /// The traced `X = X op b` idiom: `tmp = tensor_tensor(X, b, op)` followed, at the next use of
  /// `tmp`, by `X = tensor_copy(tmp)`.
  ///
  /// Returns the read and the write to mark as accumulations.
  func tracedAccumulations(_ kernel: Kernel) -> (reads: [Int: (view: View, op: ALUOp)], writes: [Int: ALUOp]) {
    var reads: [Int: (view: View, op: ALUOp)] = [:]
    var writes: [Int: ALUOp] = [:]
    let insts = kernel.instructions
    for (p, inst) in insts.enumerated() {
      guard case .tensorTensor(let tt) = inst.operation, Self.associative.contains(tt.op),
        tt.dst.tensor != tt.a.tensor, tt.dst.tensor != tt.b.tensor, inst.mask.isEmpty
      else { continue }
      let tmp = tt.dst
      let a = tt.a
      let b = tt.b
      let alu = tt.op
      // The next instruction that touches tmp's tensor (a tracer emits it right away).
      var q = p + 1
      while q < insts.count && q <= p + 16 {
        let o = insts[q].operation
        if (o.sources.map(\.view) + o.destinations).contains(where: { $0.tensor == tmp.tensor }) { break }
        q += 1
      }
      guard q < insts.count, q <= p + 16, case .tensorCopy(let copy) = insts[q].operation, copy.src == tmp,
        insts[q].mask.isEmpty
      else { continue }
      for x in [a, b] where x == copy.dst {
        reads[p] = (x, alu)
        writes[q] = alu
        break
      }
    }
    return (reads, writes)
  }

  /// Pairs `(a, b)`, `a` not after `b` in program order, on one shared tensor, that could conflict.
  func candidatePairs(
    _ list: [Access], kernel: Kernel, isPrivate: (TensorID) -> Bool
  ) -> [(Access, Access)] {
    var byTensor: [TensorID: [Access]] = [:]
    var tensors: [TensorID] = []
    for a in list where !isPrivate(a.view.tensor) {
      if byTensor[a.view.tensor] == nil { tensors.append(a.view.tensor) }
      byTensor[a.view.tensor, default: []].append(a)
    }
    var pairs: [(Access, Access)] = []
    for t in tensors {
      let xs = byTensor[t] ?? []
      for i in xs.indices {
        for j in i..<xs.count {
          let a = xs[i]
          let b = xs[j]
          if a.kind == .read && b.kind == .read { continue }
          if case .accumulate(let x) = a.kind, case .accumulate(let y) = b.kind, x == y { continue }
          pairs.append((a, b))
        }
      }
    }
    return pairs
  }

  // MARK: - Questions

  /// How a side's index variable maps to a solver variable: value = offset + scale·z.
  struct Ref {
    var variable: Int
    var offset: Int
    var scale: Int
  }

  /// Builds the constraints `A touches e` ∧ `B touches e` over per-side and shared variables.
  struct Problem {
    var system = LinearSystem()
    var overflow = false
    var refs: [[IndexVar: Ref]] = [[:], [:]]
    var viewIndices: [[Int]] = [[], []]

    mutating func checked(_ x: Int, _ y: Int) -> Int {
      let (r, o) = x.multipliedReportingOverflow(by: y)
      if o { overflow = true }
      return r
    }

    mutating func negated(_ x: Int) -> Int {
      let (r, o) = 0.subtractingReportingOverflow(x)
      if o { overflow = true }
      return r
    }

    mutating func sum(_ x: Int, _ y: Int) -> Int {
      let (r, o) = x.addingReportingOverflow(y)
      if o { overflow = true }
      return r
    }

    /// The expression `e` on `side` as solver terms plus a constant; nil when a variable is unbound.
    mutating func linear(_ e: AffineExpr, side: Int) -> (terms: [(variable: Int, coefficient: Int)], constant: Int)? {
      var constant = e.constant
      var terms: [(variable: Int, coefficient: Int)] = []
      for t in e.terms {
        guard let r = refs[side][t.variable] else { return nil }
        constant = sum(constant, checked(t.coefficient, r.offset))
        terms.append((r.variable, checked(t.coefficient, r.scale)))
      }
      return (terms, constant)
    }

    /// Adds the view's index variables and mask constraints for `side`.
    mutating func addView(_ acc: Access, side: Int) -> Bool {
      viewIndices[side] = acc.view.dims.map { system.addVariable(0, $0.count >= 1 ? $0.count - 1 : -1) }
      for c in acc.mask {
        guard let off = linear(c.offset, side: side) else { return false }
        var terms = off.terms
        for (d, k) in c.coefficients.enumerated() where k != 0 { terms.append((viewIndices[side][d], k)) }
        var neg: [(variable: Int, coefficient: Int)] = []
        for t in terms { neg.append((t.variable, negated(t.coefficient))) }
        let negConstant = negated(off.constant)
        switch c.comparison {
        case .greaterEqual: system.add(terms, constant: off.constant, isEquality: false)
        case .greater: system.add(terms, constant: sum(off.constant, -1), isEquality: false)
        case .lessEqual: system.add(neg, constant: negConstant, isEquality: false)
        case .less: system.add(neg, constant: sum(negConstant, -1), isEquality: false)
        case .equal: system.add(terms, constant: off.constant, isEquality: true)
        case .notEqual: break  // not a range; ignoring it only adds elements
        }
      }
      return true
    }

    /// The element index expressions of a side's view, one per tensor dimension.
    mutating func element(_ acc: Access, side: Int) -> [(terms: [(variable: Int, coefficient: Int)], constant: Int)]? {
      var out: [(terms: [(variable: Int, coefficient: Int)], constant: Int)] = []
      for k in acc.view.start.indices {
        guard var e = linear(acc.view.start[k], side: side) else { return nil }
        for (d, dim) in acc.view.dims.enumerated() where k < dim.steps.count && dim.steps[k] != 0 {
          e.terms.append((viewIndices[side][d], dim.steps[k]))
        }
        out.append(e)
      }
      return out
    }

    /// Adds `element_A == element_B` on every tensor dimension; false when the views are malformed.
    mutating func addOverlap(_ a: Access, _ b: Access) -> Bool {
      guard addView(a, side: 0), addView(b, side: 1),
        let ea = element(a, side: 0), let eb = element(b, side: 1), ea.count == eb.count
      else { return false }
      for (x, y) in zip(ea, eb) {
        var terms = x.terms
        for t in y.terms { terms.append((t.variable, negated(t.coefficient))) }
        system.add(terms, constant: sum(x.constant, negated(y.constant)), isEquality: true)
      }
      return true
    }

    /// A loop variable (or program id) as a new solver variable over its value range.
    mutating func newRef(_ range: (lo: Int, hi: Int, offset: Int, scale: Int)) -> Ref {
      Ref(variable: system.addVariable(range.lo, range.hi), offset: range.offset, scale: range.scale)
    }

    /// Evaluates a side's element at a solution.
    func value(of e: [(terms: [(variable: Int, coefficient: Int)], constant: Int)], at p: [Int]) -> [Int] {
      e.map { x in x.terms.reduce(x.constant) { $0 &+ $1.coefficient &* (p[safe: $1.variable] ?? 0) } }
    }
  }

  /// The value range of an index variable, as `offset + scale·z` with `z ∈ lo...hi`.
  func range(of v: IndexVar, _ kernel: Kernel, _ structure: LoopStructure) -> (
    lo: Int, hi: Int, offset: Int, scale: Int
  )? {
    guard let decl = kernel.indexVars[safe: v.index] else { return nil }
    switch decl.kind {
    case .programID(let axis):
      let n = axis >= 0 && axis < kernel.grid.count ? kernel.grid[axis] : 1
      return (0, n >= 1 ? n - 1 : -1, 0, 1)
    case .loop:
      guard let l = structure.loopOf[v], let n = Self.safeTripCount(l) else { return nil }
      return (0, n - 1, l.start, l.step)
    }
  }

  /// Whether an index variable is an SPMD program id.
  func isProgramID(_ v: IndexVar, _ kernel: Kernel) -> Bool {
    if case .programID? = kernel.indexVars[safe: v.index]?.kind { return true }
    return false
  }

  /// Variables a side's view and mask mention.
  func variables(_ a: Access) -> [IndexVar] {
    var s = Set(a.view.variables)
    for c in a.mask { for t in c.offset.terms { s.insert(t.variable) } }
    return s.sorted()
  }

  /// Whether two different iterations of `loop` make `a` and `b` touch one element.
  func loopConflict(
    _ a: Access, _ b: Access, loop: Loop, loopBegin: Int, shared: Set<IndexVar>, _ kernel: Kernel,
    _ structure: LoopStructure
  ) -> DependenceError? {
    for direction in [1, -1] {
      var p = Problem()
      guard let n = Self.safeTripCount(loop) else { return nil }
      let trip = (0, n - 1, loop.start, loop.step)
      let va = p.newRef(trip)
      let vb = p.newRef(trip)
      p.refs[0][loop.variable] = va
      p.refs[1][loop.variable] = vb
      // direction 1: iteration of a < iteration of b; -1: the reverse.
      p.system.add([(vb.variable, direction), (va.variable, -direction)], constant: -1, isEquality: false)
      p.system.branchOrder = [va.variable, vb.variable]
      var sharedRefs: [IndexVar: Ref] = [:]
      var ok = true
      for side in 0..<2 {
        for v in variables(side == 0 ? a : b) where v != loop.variable {
          guard let r = range(of: v, kernel, structure) else {
            ok = false
            break
          }
          if shared.contains(v) || isProgramID(v, kernel) {
            if sharedRefs[v] == nil { sharedRefs[v] = p.newRef(r) }
            p.refs[side][v] = sharedRefs[v]
          } else {
            p.refs[side][v] = p.newRef(r)
          }
        }
      }
      guard ok, p.addOverlap(a, b), !p.overflow else { return nil }
      guard case .feasible(let point) = p.system.solve(budget: budget) else { continue }
      guard let ea = p.element(a, side: 0) else { return nil }
      let element = p.value(of: ea, at: point)
      let ia = loop.start &+ loop.step &* point[va.variable]
      let ib = loop.start &+ loop.step &* point[vb.variable]
      let name = kernel.indexVars[safe: loop.variable.index]?.name ?? "\(loop.variable)"
      return makeError(
        a, b, iterations: ([ia], [ib]), element: element, scope: .loop(variable: name, loop: loopBegin), kernel)
    }
    return nil
  }

  /// Whether two different program instances make `a` and `b` write one element.
  func spmdConflict(_ a: Access, _ b: Access, _ kernel: Kernel, _ structure: LoopStructure) -> DependenceError? {
    for axis in kernel.grid.indices where kernel.grid[axis] >= 2 {
      for direction in [1, -1] {
        var p = Problem()
        var pids: [[Ref]] = [[], []]
        for side in 0..<2 {
          pids[side] = kernel.grid.map { p.newRef((0, $0 - 1, 0, 1)) }
        }
        p.system.add(
          [(pids[1][axis].variable, direction), (pids[0][axis].variable, -direction)], constant: -1, isEquality: false)
        p.system.branchOrder = pids[0].map(\.variable) + pids[1].map(\.variable)
        var ok = true
        for side in 0..<2 {
          for v in variables(side == 0 ? a : b) {
            guard let decl = kernel.indexVars[safe: v.index] else {
              ok = false
              break
            }
            if case .programID(let ax) = decl.kind {
              guard ax >= 0 && ax < kernel.grid.count else {
                ok = false
                break
              }
              p.refs[side][v] = pids[side][ax]
            } else {
              guard let r = range(of: v, kernel, structure) else {
                ok = false
                break
              }
              p.refs[side][v] = p.newRef(r)
            }
          }
        }
        guard ok, p.addOverlap(a, b), !p.overflow else { return nil }
        guard case .feasible(let point) = p.system.solve(budget: budget) else { continue }
        guard let ea = p.element(a, side: 0) else { return nil }
        let element = p.value(of: ea, at: point)
        return makeError(
          a, b, iterations: (pids[0].map { point[$0.variable] }, pids[1].map { point[$0.variable] }), element: element,
          scope: .spmd(grid: kernel.grid), kernel)
      }
    }
    return nil
  }

  func makeError(
    _ a: Access, _ b: Access, iterations: ([Int], [Int]), element: [Int], scope: DependenceError.Scope, _ kernel: Kernel
  ) -> DependenceError {
    func access(_ x: Access, _ it: [Int]) -> DependenceError.Access {
      let inst = kernel.instructions[x.instruction]
      return DependenceError.Access(
        operation: inst.operation.nkiName, operand: x.operand, kind: x.kind, instruction: x.instruction,
        location: inst.location, iteration: it)
    }
    let conflict: DependenceError.Conflict = (a.kind == .read || b.kind == .read) ? .writeRead : .writeWrite
    let decl = kernel.tensors[safe: a.view.tensor.index]
    return DependenceError(
      tensor: decl?.name ?? "\(a.view.tensor)", element: decl?.userIndices(ofStored: element) ?? element,
      first: access(a, iterations.0), second: access(b, iterations.1), conflict: conflict, scope: scope)
  }
}

extension Array {
  /// The element at `i`, or nil when `i` is out of range.
  subscript(safe i: Int) -> Element? { i >= 0 && i < count ? self[i] : nil }
}
