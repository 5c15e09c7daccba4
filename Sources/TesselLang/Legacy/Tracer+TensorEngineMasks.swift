import TesselIR
import TesselPython

extension Tracer {
  /// The `mask=` of a Tensor-engine matmul (`nisa.nc_matmul`, `nl.matmul`): a condition on loop
  /// indices and program ids predicates the whole instruction.
  ///
  /// A condition on `nl.arange` indices is honoured only when it keeps every index of its grid for
  /// every loop index and program id (a ragged-tile mask where the tiles divide evenly): the
  /// matmul's operands do not share its `[M, N]` iteration space (a partition index may be the
  /// contraction or the output row), so a mask that may exclude something is refused rather than
  /// guessed, pointing to operand masking.
  func matmulMask(_ v: Value?, operation: String, at loc: SourceLocation) throws(TraceError) -> [AffineCondition] {
    var mask = v
    if let grid = v?.predicate {
      // Conditions on nl.arange indices that hold everywhere predicate nothing.
      let onGrid = grid.filter { c in c.coefficients.contains { $0 != 0 } }
      if !onGrid.isEmpty, onGrid.allSatisfy({ keepsEverything($0) }) {
        let rest = grid.filter { c in !c.coefficients.contains { $0 != 0 } }
        mask = rest.isEmpty ? nil : .predicate(rest)
      }
    }
    let conditions = try maskConditions(mask, rank: 2, at: loc)
    if conditions.contains(where: { $0.coefficients.contains { $0 != 0 } }) {
      throw TraceError.unsupported(
        "mask= on \(operation) over nl.arange indices (a matmul's mask may only depend on loop indices "
          + "and program ids; mask the operands instead, e.g. `moving[i_p, i_f][i_f < n]`)", at: loc)
    }
    return conditions
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
