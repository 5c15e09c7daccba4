import TesselIR
import TesselPython

/// NKI's bounds rule for a slice of a tensor: no clamping.
///
/// Python clamps `x[0:200]` of a 128-long list to 128 elements; NKI does not shorten an access
/// pattern: a constant bound past either end of the dimension is its "Out-of-bound access" error
/// (the legacy error guide's wording; listed in `docs/diagnostics.md`). Both dialects call this before they
/// normalise a slice, so a kernel never runs on a silently shorter tile.
///
/// - Parameters:
///   - lower: the slice's start as written, when it is a constant (`nil`: absent or symbolic).
///   - upper: the slice's stop as written, when it is a constant (`nil`: absent or symbolic).
///   - step: the slice's step; only forward slices are checked (a reversed slice's bounds follow
///     Python's rule, which NKI's kernels do not use).
func checkSliceBounds(
  lower: Int?, upper: Int?, step: Int, size n: Int, tensor: String, dimension: Int, at loc: SourceLocation
) throws(TraceError) {
  guard step > 0 else { return }
  let outside = [lower, upper].contains { bound in bound.map { $0 < -n || $0 > n } ?? false }
  guard outside else { return }
  func absolute(_ b: Int?, _ dflt: Int) -> Int { b.map { $0 < 0 ? $0 + n : $0 } ?? dflt }
  throw TraceError(
    rule: .outOfBounds(
      tensor: tensor, dimension: dimension, low: absolute(lower, 0), high: absolute(upper, n) - 1, size: n),
    at: loc)
}
