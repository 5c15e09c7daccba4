import TesselIR
import TesselPython

extension Tracer {
  /// The `mask=` of a Tensor-engine matmul (`nisa.nc_matmul`, `nl.matmul`) as conditions over
  /// its `[M, N]` destination, which the instruction iterates over.
  ///
  /// A condition on loop indices and program ids predicates the whole instruction. A condition on
  /// `nl.arange` indices that keeps every index of its grid for every loop index and program id
  /// (a ragged-tile mask where the tiles divide evenly) predicates nothing. Otherwise a condition
  /// over one free axis of the index grid selects output elements by its extent: `N` (the moving
  /// operand's free size, `mask=(i_f + off < n)` on the `i_f` that indexes `moving`) masks the
  /// output's columns, `M` (the stationary operand's free size) its rows. A condition over the
  /// partition axis (the contraction `K` of both operands; an operand mask expresses that) or of
  /// an extent that names both or neither output axis is refused with a located error rather than
  /// guessed.
  func matmulMask(_ v: Value?, operation: String, output: (m: Int, n: Int), at loc: SourceLocation) throws(TraceError)
    -> [AffineCondition]
  {
    guard let grid = v?.predicate else { return try maskConditions(v, rank: 2, at: loc) }
    var out: [AffineCondition] = []
    for c in grid {
      let walked = c.coefficients.indices.filter { d in
        c.coefficients[d] != 0 && (d < c.shape.count ? c.shape[d] : 1) > 1
      }
      if walked.isEmpty {
        // Loop indices and program ids only: the whole instruction.
        out.append(AffineCondition(coefficients: [0, 0], offset: c.offset, comparison: c.comparison))
        continue
      }
      if keepsEverything(c) { continue }
      func refuse(_ why: String) -> TraceError {
        TraceError.unsupported(
          "mask= on \(operation) over nl.arange indices \(why) (mask the operands instead, e.g. "
            + "`moving[i_p, i_f][i_f < n]`, or a loop index)", at: loc)
      }
      guard walked.count == 1, let axis = walked.first else {
        throw refuse("of more than one index axis: it names no one axis of the [\(output.m), \(output.n)] output")
      }
      if axis == 0 {
        throw refuse(
          "of the partition axis: the operands' partition axis is the contraction, which mask= on the output "
            + "cannot name (an operand mask such as `stationary[i_k, i_m][i_k < k]` excludes contraction rows)")
      }
      let extent = c.shape[axis]
      let outputAxis: Int
      switch (extent == output.n, extent == output.m) {
      case (true, false): outputAxis = 1
      case (false, true): outputAxis = 0
      case (true, true):
        throw refuse(
          "of extent \(extent): the output is [\(output.m), \(output.n)], so it could mask its rows or its columns")
      case (false, false):
        throw refuse(
          "of extent \(extent), neither the \(output.m) rows nor the \(output.n) columns of the output")
      }
      var coefficients = [0, 0]
      coefficients[outputAxis] = c.coefficients[axis]
      out.append(AffineCondition(coefficients: coefficients, offset: c.offset, comparison: c.comparison))
    }
    return out
  }

  /// The `mask=` of `nisa.nc_transpose` over its source `[P, F]`, moved to the transposed
  /// destination `[F, P]` that the instruction iterates over.
  func transposeMask(_ v: Value?, source: View, at loc: SourceLocation) throws(TraceError) -> [AffineCondition] {
    let conditions = try maskConditions(v, rank: source.shape.count, shape: source.shape, at: loc)
    guard source.shape.count == 2 else {
      // Only a whole-instruction predicate maps onto a transposed destination of another rank.
      if conditions.contains(where: { $0.coefficients.contains { $0 != 0 } }) {
        throw TraceError.unsupported(
          "mask= over nl.arange indices on nisa.nc_transpose of a tile with more than one free dimension", at: loc)
      }
      return conditions.map { AffineCondition(coefficients: [0, 0], offset: $0.offset, comparison: $0.comparison) }
    }
    return conditions.map {
      AffineCondition(coefficients: Array($0.coefficients.reversed()), offset: $0.offset, comparison: $0.comparison)
    }
  }
}
