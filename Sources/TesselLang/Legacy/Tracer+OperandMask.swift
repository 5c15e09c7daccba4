import TesselIR
import TesselPython

/// A `tile[mask]` operand whose mask may exclude elements, waiting for the instruction that
/// reads it.
struct OperandMask {
  /// The mask's conditions, over the masked access's index grid and loop indices.
  var conditions: [GridCondition]
  /// The access the mask was written on.
  var view: View
  /// The masked tensor's name, for messages.
  var name: String
  /// Where `tile[mask]` was written.
  var location: SourceLocation
}

/// `tile[mask]`: a mask on one operand (`moving[i_p, i_f][i_f < n]`).
///
/// An operand mask limits the instruction that reads the operand to the elements the mask keeps,
/// as `mask=` on the instruction would (both together keep what both keep). Tessel models it
/// where that is exact: a mask on loop indices and program ids alone (it predicates the whole
/// instruction), and a mask over the access's own index grid on an instruction whose operands
/// walk its iteration space element for element (elementwise operations, copies, loads and
/// stores) and whose iteration space is that access; and a mask over one axis of a 2-D matmul
/// operand: its free axis selects output rows (`stationary`) or columns (`moving`), its partition
/// axis the contraction rows that take part in the sum. Elsewhere (a transpose's operand, a
/// reduction's input, a broadcast operand) it is a located error, never dropped. A mask
/// that provably keeps every element, for every value of its loop indices and program ids, reads
/// the operand whole.
extension Tracer {
  /// The operand `t` under `conditions`: `t` itself when they keep every element, else an alias
  /// of `t` that carries the mask to the instruction that reads it.
  func operandMasked(_ t: TensorRef, _ conditions: [GridCondition], at loc: SourceLocation) throws(TraceError)
    -> Value
  {
    let excluding = conditions.filter { !keepsEverything($0) }
    guard !excluding.isEmpty else { return .tensor(t) }
    let base = decl(t)
    let alias = builder.declareAlias(name: base.name, of: t.id, shape: base.shape, location: loc)
    let view = View(tensor: alias, start: t.view.start, dims: t.view.dims)
    operandMasks[alias] = OperandMask(conditions: excluding, view: view, name: base.name, location: loc)
    return .tensor(TensorRef(id: alias, view: view))
  }

  /// The conditions the operand masks of `op`'s sources add to its mask, over its iteration
  /// space, and (for a matmul) to its contraction mask, over the contraction row.
  func operandMaskConditions(of op: Operation) throws(TraceError) -> (
    mask: [AffineCondition], contraction: [AffineCondition]
  ) {
    var out: [AffineCondition] = []
    var contraction: [AffineCondition] = []
    let shape = op.iterationShape
    for (role, view) in op.sources {
      guard let m = operandMasks[view.tensor] else { continue }
      func refuse(_ why: String) -> TraceError {
        TraceError.unsupported(
          "an operand mask (tile[mask]) that excludes elements of `\(m.name)`, read as '\(role)' of '\(op.nkiName)': "
            + why, at: m.location)
      }
      guard op.info?.allowsMask ?? false else { throw refuse("Tessel does not model masks on that instruction") }
      let onGrid = m.conditions.contains { c in c.coefficients.contains { $0 != 0 } }
      if onGrid, case .matmul(let mm) = op {
        let moved = try matmulOperandMaskConditions(
          m, role: role, view: view, doubleRow: mm.doubleRow, output: shape, refuse)
        out += moved.output
        contraction += moved.contraction
        continue
      }
      if onGrid {
        guard op.sourcesWalkIterationSpace else {
          throw refuse(
            "its operands are not laid out like its iteration space, so the mask cannot select what it computes "
              + "(Tessel models operand masks there only when they depend on loop indices alone)")
        }
        guard view.shape == shape, view.start == m.view.start, view.dims == m.view.dims else {
          throw refuse(
            "the operand \(view.shape) is not the instruction's iteration space \(shape) element for element; "
              + "pass mask= to the instruction instead")
        }
      }
      out += try maskConditions(.predicate(m.conditions), rank: shape.count, shape: shape, at: m.location)
    }
    return (out, contraction)
  }

  /// The conditions of the operand mask `m` on a matmul's `stationary` or `moving` operand:
  /// those on its free axis moved onto the `[M, N]` output, those on its partition axis onto the
  /// contraction row.
  ///
  /// A matmul operand's free axis is the output's rows for `stationary` (`[K, M]`) and its
  /// columns for `moving` (`[K, N]`); its partition axis is the contraction `K`, and a row that
  /// either operand's mask excludes takes no part in the sum (AWS's convolutions mask the
  /// padding rows of an image this way). A condition over both axes at once is refused.
  func matmulOperandMaskConditions(
    _ m: OperandMask, role: String, view: View, doubleRow: Bool, output: [Int], _ refuse: (String) -> TraceError
  ) throws(TraceError) -> (output: [AffineCondition], contraction: [AffineCondition]) {
    guard !doubleRow, output.count == 2, view.dims.count == 2, view.start == m.view.start, view.dims == m.view.dims
    else {
      throw refuse(
        "Tessel models an operand mask over nl.arange indices on a matmul only on a 2-D operand "
          + "[K, M] or [K, N] read whole")
    }
    let outputAxis = role == "stationary" ? 0 : 1
    var out: [AffineCondition] = []
    var contraction: [AffineCondition] = []
    for c in m.conditions {
      var coefficients = c.coefficients + Array(repeating: 0, count: Swift.max(0, 2 - c.coefficients.count))
      var shape = c.shape + Array(repeating: 1, count: Swift.max(0, 2 - c.shape.count))
      // A size-1 index dimension only takes the value 0.
      for d in coefficients.indices where d < shape.count && shape[d] == 1 { coefficients[d] = 0 }
      while coefficients.count > 2, let d = shape.lastIndex(of: 1) {
        coefficients.remove(at: d)
        shape.remove(at: d)
      }
      guard coefficients.count == 2 else {
        throw refuse("the mask has \(c.shape.count) index dimensions, more than the operand's 2")
      }
      if coefficients[0] != 0 {
        if coefficients[1] != 0 {
          throw refuse(
            "a condition over both its partition axis (the contraction) and its free axis (the output's "
              + "\(outputAxis == 0 ? "rows" : "columns")) selects neither whole contraction rows nor whole "
              + "output \(outputAxis == 0 ? "rows" : "columns"); split it into one condition per axis")
        }
        if c.comparison == .notEqual {
          throw refuse("'!=' on the contraction rows cannot be expressed as an index range; use two masks")
        }
        contraction.append(AffineCondition(coefficients: [coefficients[0]], offset: c.offset, comparison: c.comparison))
        continue
      }
      var moved = [0, 0]
      moved[outputAxis] = coefficients[1]
      out.append(AffineCondition(coefficients: moved, offset: c.offset, comparison: c.comparison))
    }
    return (out, contraction)
  }

  /// Whether `c` holds for every index in its grid and every value of the loop indices and
  /// program ids it names: the extremes of an affine form over a box decide it exactly.
  func keepsEverything(_ c: GridCondition) -> Bool {
    var low = c.offset.constant
    var high = c.offset.constant
    func add(_ k: Int, _ range: ClosedRange<Int>) {
      low += Swift.min(k * range.lowerBound, k * range.upperBound)
      high += Swift.max(k * range.lowerBound, k * range.upperBound)
    }
    for (d, k) in c.coefficients.enumerated() where k != 0 {
      let n = d < c.shape.count ? c.shape[d] : 1
      add(k, 0...Swift.max(0, n - 1))
    }
    for term in c.offset.terms where term.coefficient != 0 {
      guard let range = valueRange(of: term.variable) else { return false }
      add(term.coefficient, range)
    }
    switch c.comparison {
    case .less: return high < 0
    case .lessEqual: return high <= 0
    case .greater: return low > 0
    case .greaterEqual: return low >= 0
    case .equal: return low == 0 && high == 0
    case .notEqual: return high < 0 || low > 0
    }
  }

  /// The values an index variable takes: a loop's, or a program id's over the launch grid.
  func valueRange(of v: IndexVar) -> ClosedRange<Int>? {
    let k = builder.kernel
    guard v.index >= 0 && v.index < k.indexVars.count else { return nil }
    if case .programID(let axis) = k.indexVars[v.index].kind {
      return 0...Swift.max(0, (axis < grid.count ? grid[axis] : 1) - 1)
    }
    for inst in k.instructions {
      if case .loopBegin(let l) = inst.operation, l.variable == v, l.dynamic == nil { return l.valueRange }
    }
    return nil
  }
}
