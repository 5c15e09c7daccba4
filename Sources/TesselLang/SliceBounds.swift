import TesselIR
import TesselPython

/// NKI's bounds rule for a slice of a tensor: no clamping.
///
/// Python clamps `x[0:200]` of a 128-long list to 128 elements; NKI does not shorten an access
/// pattern: a constant bound past either end of the dimension is its "Out-of-bound access" error
/// (the legacy error guide's wording; listed in `docs/diagnostics.md`). Both dialects call this
/// before they normalise a slice, so a kernel never runs on a silently shorter tile.
///
/// The bounds accepted are exactly those Python's `slice.indices` leaves unchanged: `-n ... n` for
/// a forward slice, `-n - 1 ... n - 1` for a reversed one (`-n - 1` is Python's "through index 0").
///
/// - Parameters:
///   - lower: the slice's start as written, when it is a constant (`nil`: absent or symbolic).
///   - upper: the slice's stop as written, when it is a constant (`nil`: absent or symbolic).
///   - step: the slice's step (not zero).
func checkSliceBounds(
  lower: Int?, upper: Int?, step: Int, size n: Int, tensor: String, dimension: Int, at loc: SourceLocation
) throws(TraceError) {
  let accepted = step > 0 ? -n...n : (-n - 1)...(n - 1)
  let outside = [lower, upper].contains { bound in bound.map { !accepted.contains($0) } ?? false }
  guard outside else { return }
  func absolute(_ b: Int?, _ dflt: Int) -> Int { b.map { $0 < 0 ? $0 + n : $0 } ?? dflt }
  // The elements the slice as written would reach, lowest first.
  let (low, high) =
    step > 0
    ? (absolute(lower, 0), absolute(upper, n) - 1)
    : (absolute(upper, -1) + 1, absolute(lower, n - 1))
  throw TraceError(
    rule: .outOfBounds(tensor: tensor, dimension: dimension, low: low, high: high, size: n), at: loc)
}
