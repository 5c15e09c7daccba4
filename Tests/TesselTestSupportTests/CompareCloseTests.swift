import TesselTestSupport
import Testing

@Suite struct CompareCloseTests {
  @Test func identicalArraysPass() {
    let x = randomArray(count: 24, seed: 1)
    let report = compareClose(actual: x, expected: x, shape: [4, 6], rtol: 0, atol: 0)
    #expect(report.passed)
    #expect(!report.isShapeMismatch)
    #expect(report.failureCount == 0)
    #expect(report.nanMismatchCount == 0)
    #expect(report.maxAbsoluteError == 0)
    #expect(report.firstFailures.isEmpty)
    #expect(report.description.hasPrefix("arrays are close"))
  }

  @Test func reportsTheFailingElementWithPartitionAndFreeIndices() throws {
    // Shape [2, 3]: flat index 4 is row 1, column 1.
    let expected: [Float] = [0, 1, 2, 3, 4, 5]
    var actual = expected
    actual[4] = 4.5
    let report = compareClose(
      actual: actual, expected: expected, shape: [2, 3], rtol: 1e-5, atol: 1e-6)
    #expect(!report.passed)
    #expect(report.failureCount == 1)
    let worst = try #require(report.worst)
    #expect(worst.index == 4)
    #expect(worst.coordinates == [1, 1])
    #expect(worst.row == 1)
    #expect(worst.rowTile == nil, "2 rows: no tiles to name")
    #expect(worst.actual == 4.5)
    #expect(worst.expected == 4)
    #expect(worst.absoluteError == 0.5)
    #expect(report.maxAbsoluteError == 0.5)
    #expect(report.firstFailures.map(\.index) == [4])
  }

  @Test func coordinatesAreRowMajorInEveryRank() {
    // Shape [2, 3, 4]: flat index 23 = 1·12 + 2·4 + 3.
    var actual = [Float](repeating: 0, count: 24)
    actual[23] = 1
    let report = compareClose(
      actual: actual, expected: [Float](repeating: 0, count: 24), shape: [2, 3, 4])
    #expect(report.worst?.coordinates == [1, 2, 3])
    #expect(report.worst?.row == 1)
    let flat = compareClose(actual: [0, 0, 1], expected: [0, 0, 0], shape: [3])
    #expect(flat.worst?.coordinates == [2])
    #expect(flat.worst?.rowTile == nil)
  }

  @Test func worstIsLargestErrorBeyondTheRelativeAllowanceNotLargestAbsoluteError() {
    // Element 0: |1000.5 - 1000| = 0.5, minus rtol·|e| = 1, scores -0.5 (passes).
    // Element 1: |1.2 - 1| = 0.2, minus 0.001, scores 0.199 (fails).
    let report = compareClose(
      actual: [1000.5, 1.2], expected: [1000, 1], shape: [2], rtol: 1e-3, atol: 0)
    #expect(report.failureCount == 1)
    #expect(report.worst?.index == 1)
    #expect(report.maxAbsoluteError == 0.5)
  }

  @Test func worstIsReportedEvenWhenEverythingPasses() {
    // With rtol 0 the score is the plain error: 0, about 1e-6, 0.
    let report = compareClose(
      actual: [1, 2.000001, 3], expected: [1, 2, 3], shape: [3], rtol: 0, atol: 1e-3)
    #expect(report.passed)
    #expect(report.worst?.index == 1)
  }

  @Test func countsEveryFailureAndSamplesTheFirstInOrder() {
    // 20 failures among 100 elements: every fifth one.
    let expected = [Float](repeating: 1, count: 100)
    var actual = expected
    for i in stride(from: 0, to: 100, by: 5) {
      actual[i] = 2 + Float(i)  // later failures are worse
    }
    let report = compareClose(actual: actual, expected: expected, shape: [10, 10])
    #expect(report.failureCount == 20)
    #expect(report.firstFailures.count == CloseReport.failureSampleLimit)
    #expect(report.firstFailures.map(\.index) == [0, 5, 10, 15, 20, 25, 30, 35])
    #expect(report.worst?.index == 95)
    #expect(report.worst?.coordinates == [9, 5])
    #expect(report.description.contains("20 of 100 elements out of tolerance"))
    #expect(report.description.contains("first failures (first 8 of 20):"))
  }

  @Test func toleranceBoundaryIsInclusive() {
    // allowed = atol + rtol·|e| = 0.25 + 0.5·1 = 0.75, exactly representable.
    #expect(compareClose(actual: [1.75], expected: [1], shape: [1], rtol: 0.5, atol: 0.25).passed)
    #expect(compareClose(actual: [0.25], expected: [1], shape: [1], rtol: 0.5, atol: 0.25).passed)
    #expect(
      !compareClose(actual: [1.7501], expected: [1], shape: [1], rtol: 0.5, atol: 0.25).passed)
  }

  @Test func toleranceScalesWithExpectedNotActual() {
    // |0 - 1| = 1 <= rtol·|1| = 1 passes; swapped, rtol·|0| = 0 fails.
    #expect(compareClose(actual: [0], expected: [1], shape: [1], rtol: 1, atol: 0).passed)
    #expect(!compareClose(actual: [1], expected: [0], shape: [1], rtol: 1, atol: 0).passed)
  }

  @Test func nanAgainstANumberFailsButNaNAgainstNaNPasses() {
    let report = compareClose(
      actual: [.nan, 1, .nan, 4], expected: [.nan, .nan, 3, 4], shape: [2, 2], rtol: 1e-5,
      atol: 1e-6)
    #expect(!report.passed)
    #expect(report.failureCount == 2)
    #expect(report.nanMismatchCount == 2)
    // NaN mismatches are infinitely bad; the first one wins the tie.
    #expect(report.worst?.index == 1)
    #expect(report.worst?.coordinates == [0, 1])
    #expect(report.worst?.isNaNMismatch == true)
    #expect(report.firstFailures.map(\.index) == [1, 2])
    // Only the [1, 1] pair (4 vs 4) counts towards the largest finite error.
    #expect(report.maxAbsoluteError == 0)
    #expect(
      report.description.contains("2 of 4 elements out of tolerance, 2 of them NaN vs. number"))

    let allNaN = compareClose(actual: [.nan, .nan], expected: [.nan, .nan], shape: [2])
    #expect(allNaN.passed)
    #expect(allNaN.worst == nil)
  }

  @Test func infinitiesMustMatchExactly() {
    #expect(
      compareClose(actual: [.infinity, -.infinity], expected: [.infinity, -.infinity], shape: [2])
        .passed)
    let report = compareClose(
      actual: [.infinity, 1, -.infinity], expected: [-.infinity, .infinity, 5], shape: [3])
    #expect(report.failureCount == 3)
    #expect(report.nanMismatchCount == 0)
    #expect(report.worst?.index == 0)
  }

  @Test func differentElementCountsAreAShapeMismatch() {
    let report = compareClose(
      actual: [1, 2, 3, 4, 5], expected: [1, 2, 3, 4, 5, 6], shape: [2, 3])
    #expect(report.isShapeMismatch)
    #expect(!report.passed)
    #expect(report.actualCount == 5)
    #expect(report.expectedCount == 6)
    #expect(report.worst == nil)
    #expect(report.failureCount == 0)
    #expect(report.description.contains("cannot be compared"))
    #expect(report.description.contains("the shape has 6 elements, actual has 5, expected has 6"))
  }

  @Test func aShapeThatDisagreesWithBothArraysIsAShapeMismatch() {
    let report = compareClose(actual: [1, 2, 3, 4], expected: [1, 2, 3, 4], shape: [2, 3])
    #expect(report.isShapeMismatch)
    #expect(!report.passed)
    #expect(report.shapeElementCount == 6)
  }

  @Test("an HBM array of more than 128 rows is described by row, with its 128-row tile and partition")
  func rowsOfTallArrays() throws {
    // Shape [300, 96]: row 130 is in tile 1 at partition 2.
    var actual = [Float](repeating: 0, count: 300 * 96)
    actual[130 * 96 + 17] = 1
    let report = compareClose(actual: actual, expected: [Float](repeating: 0, count: 300 * 96), shape: [300, 96])
    let worst = try #require(report.worst)
    #expect(worst.row == 130)
    #expect(worst.rowTile?.tile == 1 && worst.rowTile?.partition == 2)
    #expect(report.description.contains("worst: [130, 17] (row 130: tile 1, partition 2): actual 1.0, expected 0.0"))
    #expect(!report.description.contains("free"))
  }

  @Test func emptyAndScalarShapes() {
    let empty = compareClose(actual: [], expected: [], shape: [0, 4])
    #expect(empty.passed)
    #expect(empty.worst == nil)
    let scalar = compareClose(actual: [2], expected: [1], shape: [])
    #expect(scalar.failureCount == 1)
    #expect(scalar.worst?.coordinates == [])
    #expect(scalar.worst?.row == nil)
  }

  @Test func dtypeOverloadUsesTheDefaultTolerances() {
    // 1.005 vs 1: within bf16's 1e-2 + 1e-2, outside fp32's and fp16's.
    #expect(compareClose(actual: [1.005], expected: [1], shape: [1], dtype: .bfloat16).passed)
    #expect(!compareClose(actual: [1.005], expected: [1], shape: [1], dtype: .float16).passed)
    #expect(!compareClose(actual: [1.005], expected: [1], shape: [1], dtype: .float32).passed)
    let report = compareClose(actual: [1], expected: [1], shape: [1], dtype: .float8)
    #expect(report.rtol == 0.125)
    #expect(report.atol == 0.0625)
  }

  @Test func descriptionNamesTheWorstElementAndItsCoordinates() {
    let report = compareClose(
      actual: [1, 2, 3.5, 4], expected: [1, 2, 3, 4], shape: [2, 2], rtol: 1e-5, atol: 1e-6)
    let text = report.description
    #expect(text.hasPrefix("arrays are not close (shape [2, 2], rtol 1e-05, atol 1e-06)"))
    #expect(text.contains("1 of 4 elements out of tolerance"))
    #expect(
      text.contains(
        "worst: [1, 0]: actual 3.5, expected 3.0, |actual - expected| 0.5"))
    #expect(text.split(separator: "\n").count >= 4)
  }
}

@Suite struct ToleranceDTypeTests {
  @Test func documentedDefaults() {
    #expect(ToleranceDType.float32.rtol == 1e-5 && ToleranceDType.float32.atol == 1e-6)
    #expect(ToleranceDType.bfloat16.rtol == 1e-2 && ToleranceDType.bfloat16.atol == 1e-2)
    #expect(ToleranceDType.float16.rtol == 1e-3 && ToleranceDType.float16.atol == 1e-3)
    #expect(ToleranceDType.float8.rtol == 0.125 && ToleranceDType.float8.atol == 0.0625)
  }

  @Test func tolerancesGrowAsPrecisionShrinks() {
    let order: [ToleranceDType] = [.float32, .float16, .bfloat16, .float8]
    for (finer, coarser) in zip(order, order.dropFirst()) {
      #expect(finer.rtol < coarser.rtol)
    }
  }
}
