import TesselIR
import TesselPython

/// `tile[mask]`: a mask on one operand (`moving[i_p, i_f][i_f < n]`).
///
/// Tessel models an operand mask that keeps every element the operand names, for every value
/// its loop indices and program ids take (a tile mask written for a ragged last tile, used where
/// the tiles divide evenly): the operand is then read whole. A mask that may exclude elements is
/// refused with an error that says so, never dropped.
extension Tracer {
  /// The operand `t` under `conditions`, or an error when they may exclude an element.
  func operandMasked(_ t: TensorRef, _ conditions: [GridCondition], at loc: SourceLocation) throws(TraceError)
    -> Value
  {
    for c in conditions where !keepsEverything(c) {
      throw TraceError.unsupported(
        "an operand mask (tile[mask]) that excludes elements of `\(decl(t).name)`; pass mask= to the instruction instead",
        at: loc)
    }
    return .tensor(t)
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
