import TesselIR
import TesselPython

/// `nl.all_reduce(x, op, program_axes)`: a reduction of `x` over the SPMD programs along
/// `program_axes`, whose result every one of those programs receives.
///
/// Along axes where the launch has one program (no grid, or extent 1) the reduction has one
/// term and the result is `x` itself, converted to `dtype` under `mask`: a copy. Across programs
/// the programs must meet, so the launch is traced once per program (as for Python control flow
/// on `nl.program_id`, ``NKIFile/traceEachProgram(_:name:tracer:arguments:keywords:grid:target:refusal:)``):
/// each call records a ``Collective``; the programs' instruction streams are interleaved at
/// their collectives (``TesselIR/KernelBuilder/interleavePrograms(_:exchanges:)``, the mechanism
/// of the current dialect's `nisa.sendrecv`), so every program's instructions before a
/// collective run before the reduction and every program's instructions after it run after.
/// The reduction of a group (the programs equal on every axis not reduced) accumulates the
/// members' tiles in program order in float32 and rounds once to `dtype`. A collective inside an
/// `nl.affine_range` or `nl.sequential_range` loop unrolls the loops around it (the loop is
/// specialised on its index, as for index-dependent control flow), since the programs meet in
/// every iteration.
extension Tracer {
  /// One `nl.all_reduce` across programs reached by the program being traced.
  struct Collective {
    /// How many instructions the kernel had when the program reached it.
    var instruction: Int
    /// The tile this program contributes.
    var source: View
    /// Its shape (every program of a group contributes the same shape).
    var shape: [Int]
    /// The float32 tile the reduction accumulates in, when the result is not float32.
    var accumulator: TensorRef?
    /// The result tile of this program.
    var result: TensorRef
    /// The reduction.
    var op: ALUOp
    /// The launch axes reduced over (those with more than one program), ascending.
    var axes: [Int]
    /// The call's `mask=` over the tile.
    var mask: [AffineCondition]
    /// The call.
    var location: SourceLocation
  }

  /// The operators `nl.all_reduce` combines programs' tiles with: those whose result does not
  /// depend on the order the programs' tiles are combined in (up to rounding).
  static let collectiveOps: [ALUOp] = [.add, .multiply, .maximum, .minimum]

  /// `nl.all_reduce(x, op, program_axes, *, dtype=None, mask=None, parallel_reduce=True, asynchronous=False)`.
  func allReduce(_ a: CallArguments) throws(TraceError) -> Value {
    let loc = a.location
    let x = try tensorArgument(try a.require(0, "x"), "x", of: "nl.all_reduce", at: loc)
    let op = try aluOp(of: try a.require(1, "op"), at: loc)
    guard Tracer.collectiveOps.contains(op) else {
      throw TraceError.unsupported(
        "nl.all_reduce with op=\(op.rawValue): programs are combined in no particular order, so Tessel models "
          + "the order-free reductions (np.add, np.multiply, np.maximum, np.minimum)", at: loc)
    }
    let axes = try reducedAxes(try a.require(2, "program_axes"), at: loc)
    if let v = a.get(-1, "parallel_reduce") { _ = try truth(v, at: loc) }
    if let v = a.get(-1, "asynchronous"), try truth(v, at: loc), !axes.isEmpty {
      throw TraceError.unsupported(
        "nl.all_reduce(asynchronous=True): the caller synchronizes with the collective before reading its result, "
          + "which Tessel does not model; pass asynchronous=False", at: loc)
    }
    let dtype = try dtypeArgument(a.get(-1, "dtype"), at: loc) ?? decl(x).dtype
    let shape = x.view.shape
    let mask = try maskArgument(a, shape: shape)
    if concreteProgram == nil {
      if let seen = collectiveSites[loc], seen != axes { ambiguousCollectiveSites.insert(loc) }
      collectiveSites[loc] = axes
      // Across programs, the programs must meet: the launch is traced again once per program
      // when this trace ends (``NKIFile/trace``); until then the copy stands for the reduction.
      if !axes.isEmpty && firstCollective == nil { firstCollective = loc }
    }
    guard !axes.isEmpty, concreteProgram != nil else {
      // One program along every reduced axis: the reduction has one term.
      let dst = try newTensor(shape, dtype, .sbuf, at: loc)
      return fresh(dst, try emit(.tensorCopy(dst: dst.view, src: x.view), mask: mask, at: loc))
    }
    guard symbolicLoops.isEmpty else {
      // The programs meet in every iteration: unroll the loops around the collective.
      refusedVariables = Set(symbolicLoops)
      throw TraceError(
        .symbolicValue("nl.all_reduce across programs inside a loop that cannot be unrolled on its index"), at: loc)
    }
    let result = try newTensor(shape, dtype, .sbuf, at: loc)
    let accumulator = dtype == .float32 ? nil : try newTensor(shape, .float32, .sbuf, at: loc)
    collectives.append(
      Collective(
        instruction: builder.instructionCount, source: x.view, shape: shape, accumulator: accumulator, result: result,
        op: op, axes: axes, mask: mask, location: loc))
    if !mask.isEmpty { freshCollectiveMasks[result.id] = mask }
    return .tensor(result)
  }

  /// Emits the reductions of the `i`-th collective of every program (`collectives[p][i]`, the
  /// records of the traced programs) and returns their instruction indices.
  ///
  /// Program `p` accumulates the sources of its group (the programs whose ids equal its own on
  /// every axis not reduced) in ascending program order, as its own instructions.
  func emitReductions(_ i: Int, of collectives: [[Collective]]) throws(TraceError) -> [Int] {
    let first = builder.instructionCount
    for (p, mine) in collectives.enumerated() {
      let c = mine[i]
      let here = NKIFile.programCoordinates(p, grid)
      var group: [Int] = []
      for (q, theirs) in collectives.enumerated() {
        let there = NKIFile.programCoordinates(q, grid)
        guard grid.indices.allSatisfy({ c.axes.contains($0) || here[$0] == there[$0] }) else { continue }
        let o = theirs[i]
        guard o.op == c.op, o.axes == c.axes, o.shape == c.shape else {
          throw TraceError.unsupported(
            "program instance \(there) reaches this nl.all_reduce with op=\(o.op.rawValue), program axes "
              + "\(o.axes), shape \(o.shape); program instance \(here) with op=\(c.op.rawValue), program axes "
              + "\(c.axes), shape \(c.shape) (the programs of a collective reduce the same way)",
            at: o.location)
        }
        group.append(q)
      }
      builder.program = p
      let acc = (c.accumulator ?? c.result).view
      for (n, q) in group.enumerated() {
        let src = collectives[q][i].source
        let operation: Operation =
          n == 0 ? .tensorCopy(dst: acc, src: src) : .tensorTensor(dst: acc, a: acc, b: src, op: c.op)
        let moved = try operandMaskConditions(of: operation)
        builder.emit(operation, mask: c.mask + moved.mask, location: c.location)
      }
      if let a = c.accumulator {
        builder.emit(.tensorCopy(dst: c.result.view, src: a.view), mask: c.mask, location: c.location)
      }
    }
    builder.program = 0
    return Array(first..<builder.instructionCount)
  }

  /// The launch axes with more than one program that `program_axes` names, ascending.
  ///
  /// Kernels name an axis by its number or by its `nl.program_id` value
  /// (`program_axes=[shard_id]`). When the launch is traced once per program, `nl.program_id` is
  /// a Python integer and no longer names its axis: the axes are those the symbolic trace of the
  /// launch found at the same call (``collectiveSites``).
  private func reducedAxes(_ value: Value, at loc: SourceLocation) throws(TraceError) -> [Int] {
    if concreteProgram != nil {
      guard let axes = collectiveSites[loc], !ambiguousCollectiveSites.contains(loc) else {
        throw TraceError.unsupported(
          "nl.all_reduce \(collectiveSites[loc] == nil ? "reached only" : "with different program_axes at one call, ")"
            + " when the launch is traced once per program (for Python control flow on nl.program_id), where "
            + "nl.program_id is a Python integer and cannot name an axis of program_axes", at: loc)
      }
      return axes
    }
    var items = [value]
    switch value {
    case .tuple, .list: items = try iterate(value, at: loc)
    default: break
    }
    var axes: [Int] = []
    for item in items {
      let axis = try programAxis(item, at: loc)
      if axis < grid.count && grid[axis] > 1 && !axes.contains(axis) { axes.append(axis) }
    }
    return axes.sorted()
  }

  /// One entry of `program_axes`: an axis number, or the `nl.program_id(axis)` value of that axis
  /// (as kernels write `program_axes=[shard_id]`).
  private func programAxis(_ v: Value, at loc: SourceLocation) throws(TraceError) -> Int {
    if let g = v.index, g.shape.isEmpty, g.base.constant == 0, g.base.terms.count == 1,
      g.base.terms[0].coefficient == 1
    {
      let variable = g.base.terms[0].variable
      let vars = builder.kernel.indexVars
      if variable.index >= 0 && variable.index < vars.count, case .programID(let axis) = vars[variable.index].kind {
        return axis
      }
    }
    guard case .int(let axis) = v else {
      throw TraceError.python(
        "TypeError",
        "program_axes of nl.all_reduce are launch-grid axes (ints or nl.program_id values), not \(v.typeName)",
        at: loc)
    }
    guard axis >= 0 && axis < max(1, grid.count) else {
      throw TraceError.python(
        "IndexError", "nl.all_reduce program axis \(axis) outside the launch grid \(grid)", at: loc)
    }
    return axis
  }
}
