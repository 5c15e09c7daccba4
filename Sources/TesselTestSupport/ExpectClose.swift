import Testing

/// Expects a kernel result to match its reference within tolerance, recording a Swift Testing
/// issue that explains the difference if it does not.
///
/// The comparison is ``compareClose(actual:expected:shape:rtol:atol:)``; on failure the issue's
/// comment is the report's multi-line ``CloseReport/description`` (shape mismatch, number of
/// failing and NaN-mismatched elements, the worst element with its partition and free indices,
/// the first failures), and the issue points at the caller's source location.
///
/// ```swift
/// @Test func rmsnorm() {
///   let x = randomArray(count: 256 * 64, in: -2...2, seed: 1)
///   let w = randomArray(count: 64, seed: 2)
///   let actual = runKernel(...)   // see docs/testing.md
///   expectClose(actual, referenceRMSNorm(x, weight: w, rows: 256, cols: 64, eps: 1e-6),
///               shape: [256, 64], rtol: 1e-4, atol: 1e-5)
/// }
/// ```
///
/// - Parameters:
///   - actual: The kernel's result, row-major.
///   - expected: The reference result, row-major.
///   - shape: The logical shape of both arrays.
///   - rtol: The relative tolerance; defaults to ``ToleranceDType/float32``'s.
///   - atol: The absolute tolerance; defaults to ``ToleranceDType/float32``'s.
///   - sourceLocation: Where the issue is reported; defaults to the call site.
/// - Returns: The comparison report, for further checks.
@discardableResult
public func expectClose(
  _ actual: [Float], _ expected: [Float], shape: [Int],
  rtol: Float = ToleranceDType.float32.rtol, atol: Float = ToleranceDType.float32.atol,
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> CloseReport {
  let report = compareClose(
    actual: actual, expected: expected, shape: shape, rtol: rtol, atol: atol)
  if !report.passed {
    Issue.record(Comment(rawValue: report.description), sourceLocation: sourceLocation)
  }
  return report
}

/// Expects a kernel result to match its reference within the default tolerances of `dtype`.
///
/// ```swift
/// expectClose(actual, expected, shape: [128, 512], dtype: .bfloat16)
/// ```
///
/// - Parameters:
///   - actual: The kernel's result, row-major.
///   - expected: The reference result, row-major.
///   - shape: The logical shape of both arrays.
///   - dtype: The dtype the result was computed in; see ``ToleranceDType`` for the tolerances.
///   - sourceLocation: Where the issue is reported; defaults to the call site.
/// - Returns: The comparison report, for further checks.
@discardableResult
public func expectClose(
  _ actual: [Float], _ expected: [Float], shape: [Int], dtype: ToleranceDType,
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> CloseReport {
  expectClose(
    actual, expected, shape: shape, rtol: dtype.rtol, atol: dtype.atol,
    sourceLocation: sourceLocation)
}
