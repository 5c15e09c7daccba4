/// Compares a kernel result with its reference element by element and reports how they differ.
///
/// An element passes when `|actual - expected| <= atol + rtol * |expected|` (the NumPy
/// `allclose` rule, asymmetric: the tolerance scales with the *expected* value), when both sides
/// are NaN, or when both are the same infinity. A NaN on only one side always fails. If the two
/// arrays do not both have exactly the number of elements `shape` describes, no element is
/// compared and the report is a shape mismatch.
///
/// ```swift
/// let expected = referenceSoftmax(x, rows: 128, cols: 64)
/// let report = compareClose(actual: actual, expected: expected, shape: [128, 64],
///                           rtol: 1e-5, atol: 1e-6)
/// if !report.passed { print(report) }
/// ```
///
/// - Parameters:
///   - actual: The kernel's result, row-major.
///   - expected: The reference result, row-major.
///   - shape: The logical shape of both arrays; the first axis is reported as the partition axis.
///   - rtol: The relative tolerance; defaults to ``ToleranceDType/float32``'s.
///   - atol: The absolute tolerance; defaults to ``ToleranceDType/float32``'s.
/// - Returns: A ``CloseReport``; check ``CloseReport/passed``.
/// - Complexity: O(*n*) for *n* elements.
///
/// ### See Also
/// - ``compareClose(actual:expected:shape:dtype:)``
/// - ``expectClose(_:_:shape:rtol:atol:sourceLocation:)``
public func compareClose(
  actual: [Float], expected: [Float], shape: [Int],
  rtol: Float = ToleranceDType.float32.rtol, atol: Float = ToleranceDType.float32.atol
) -> CloseReport {
  precondition(shape.allSatisfy { $0 >= 0 }, "shape \(shape) has a negative dimension")
  precondition(
    rtol >= 0 && atol >= 0, "tolerances must not be negative (rtol \(rtol), atol \(atol))")
  let shapeCount = shape.reduce(1, *)
  guard actual.count == expected.count, expected.count == shapeCount else {
    return CloseReport(
      shape: shape, rtol: rtol, atol: atol, actualCount: actual.count,
      expectedCount: expected.count, failureCount: 0, nanMismatchCount: 0, maxAbsoluteError: 0,
      worst: nil, firstFailures: [])
  }

  var failureCount = 0
  var nanMismatchCount = 0
  var maxAbsoluteError: Float = 0
  var worst: CloseReport.Element?
  var firstFailures: [CloseReport.Element] = []
  for index in 0..<shapeCount {
    let element = CloseReport.Element(
      index: index, shape: shape,
      actual: actual[index], expected: expected[index], rtol: rtol, atol: atol)
    if !element.passes {
      failureCount += 1
      if firstFailures.count < CloseReport.failureSampleLimit {
        firstFailures.append(element)
      }
    }
    if element.isNaNMismatch {
      nanMismatchCount += 1
    } else if !element.actual.isNaN {
      maxAbsoluteError = max(maxAbsoluteError, element.absoluteError)
    }
    // Both-NaN pairs pass and are not candidates; ties keep the earliest element.
    let isCandidate = !(element.actual.isNaN && element.expected.isNaN)
    if isCandidate && (worst.map { element.score > $0.score } ?? true) {
      worst = element
    }
  }
  return CloseReport(
    shape: shape, rtol: rtol, atol: atol, actualCount: actual.count,
    expectedCount: expected.count, failureCount: failureCount,
    nanMismatchCount: nanMismatchCount, maxAbsoluteError: maxAbsoluteError, worst: worst,
    firstFailures: firstFailures)
}

/// Compares a kernel result with its reference using the default tolerances of `dtype`.
///
/// ```swift
/// let report = compareClose(actual: out, expected: ref, shape: [128, 512], dtype: .bfloat16)
/// ```
///
/// - Parameters:
///   - actual: The kernel's result, row-major.
///   - expected: The reference result, row-major.
///   - shape: The logical shape of both arrays.
///   - dtype: The dtype the result was computed in; see ``ToleranceDType`` for the tolerances.
public func compareClose(
  actual: [Float], expected: [Float], shape: [Int], dtype: ToleranceDType
) -> CloseReport {
  compareClose(actual: actual, expected: expected, shape: shape, rtol: dtype.rtol, atol: dtype.atol)
}

/// The row-major coordinates of the element at `flatIndex` in an array of `shape`.
///
/// ```swift
/// coordinates(ofFlatIndex: 5, in: [2, 3])  // [1, 2]
/// ```
func coordinates(ofFlatIndex flatIndex: Int, in shape: [Int]) -> [Int] {
  var result = [Int](repeating: 0, count: shape.count)
  var remainder = flatIndex
  for axis in shape.indices.reversed() {
    result[axis] = remainder % shape[axis]
    remainder /= shape[axis]
  }
  return result
}
