/// The outcome of comparing a kernel result with its reference, element by element.
///
/// Produced by ``compareClose(actual:expected:shape:rtol:atol:)``. An element passes when
/// `|actual - expected| <= atol + rtol * |expected|` (the NumPy `allclose` rule), when both sides
/// are NaN, or when both are the same infinity; a NaN on one side only always fails. The report
/// keeps what a failing test needs to explain itself: whether the shapes even agree, how many
/// elements fail, how many of those are NaN mismatches, the worst element with its coordinates,
/// and the first few failures in index order. Its ``description`` is a readable multi-line
/// summary, which ``expectClose(_:_:shape:rtol:atol:sourceLocation:)`` records as the issue's
/// comment.
///
/// ```swift
/// let report = compareClose(actual: [1, 2, 3.5, 4], expected: [1, 2, 3, 4], shape: [2, 2],
///                           rtol: 1e-5, atol: 1e-6)
/// report.passed                    // false
/// report.failureCount              // 1
/// report.worst?.coordinates        // [1, 0]: row 1, column 0
/// print(report)
/// // arrays are not close (shape [2, 2], rtol 1e-05, atol 1e-06)
/// //   1 of 4 elements out of tolerance
/// //   worst: [1, 0]: actual 3.5, expected 3.0, |actual - expected| 0.5, allowed 3.1e-05
/// //   ...
/// ```
///
/// "Worst" means the largest `|actual - expected| - rtol * |expected|`, the amount by which the
/// error exceeds its relative allowance; NaN mismatches and infinities that differ count as
/// infinitely bad. Coordinates are row-major indices into `shape`. Kernel results are HBM arrays,
/// which have no partitions; for one of more than 128 rows the description also says which
/// 128-row tile and partition a row falls in (`[130, 17] (row 130: tile 1, partition 2)`).
public struct CloseReport: Sendable {
  /// One compared element.
  public struct Element: Sendable {
    /// The row-major position of the element in the flat arrays.
    public let index: Int
    /// The shape the element was compared in.
    public let shape: [Int]
    /// The value from the kernel.
    public let actual: Float
    /// The value from the reference.
    public let expected: Float
    /// `atol + rtol * |expected|`, the largest error this element may have.
    public let allowedError: Float

    /// The element's row-major coordinates in ``shape``, one per axis.
    public var coordinates: [Int] { TesselTestSupportCore.coordinates(ofFlatIndex: index, in: shape) }

    /// The row (the first coordinate), or `nil` for a 0-dimensional shape.
    public var row: Int? { coordinates.first }

    /// Where the row falls when the array is processed in tiles of 128 partitions: its tile and
    /// partition, for arrays of rank 2 or more with more than 128 rows (nil otherwise).
    ///
    /// Kernel
    /// inputs and outputs live in HBM, which has no partitions; this locates the tile at fault.
    public var rowTile: (tile: Int, partition: Int)? {
      guard shape.count >= 2, shape[0] > 128, let r = row else { return nil }
      return (r / 128, r % 128)
    }

    /// `|actual - expected|`: 0 when both are NaN or the same infinity, infinity when exactly one
    /// side is NaN or the two differ by an infinity.
    public var absoluteError: Float {
      if actual == expected || (actual.isNaN && expected.isNaN) {
        return 0
      }
      if actual.isNaN || expected.isNaN {
        return .infinity
      }
      return abs(actual - expected)
    }

    /// Whether exactly one of `actual` and `expected` is NaN.
    public var isNaNMismatch: Bool { actual.isNaN != expected.isNaN }

    /// Whether the element is within tolerance.
    public var passes: Bool {
      if actual == expected || (actual.isNaN && expected.isNaN) {
        return true
      }
      if isNaNMismatch || actual.isInfinite || expected.isInfinite {
        return false
      }
      return absoluteError <= allowedError
    }

    /// How bad the element is: `|actual - expected| - rtol * |expected|`, or infinity for a NaN
    /// mismatch or an infinite error.
    ///
    /// The element with the largest score is the report's `worst`.
    let score: Float

    /// Creates the element at `index` and computes its allowance and score from the tolerances.
    init(index: Int, shape: [Int], actual: Float, expected: Float, rtol: Float, atol: Float) {
      self.index = index
      self.shape = shape
      self.actual = actual
      self.expected = expected
      let relativeAllowance = expected.isNaN ? 0 : rtol * abs(expected)
      self.allowedError = atol + relativeAllowance
      if actual == expected || (actual.isNaN && expected.isNaN) {
        self.score = expected.isFinite ? -relativeAllowance : 0
      } else if actual.isNaN || expected.isNaN || actual.isInfinite || expected.isInfinite {
        self.score = .infinity
      } else {
        self.score = abs(actual - expected) - relativeAllowance
      }
    }
  }

  /// The shape the arrays were compared as.
  public let shape: [Int]
  /// The relative tolerance used.
  public let rtol: Float
  /// The absolute tolerance used.
  public let atol: Float
  /// The number of elements in the actual array.
  public let actualCount: Int
  /// The number of elements in the expected array.
  public let expectedCount: Int
  /// The number of elements out of tolerance, NaN mismatches included.
  public let failureCount: Int
  /// The number of elements where exactly one side is NaN (these also count as failures).
  public let nanMismatchCount: Int
  /// The largest `|actual - expected|` over elements where neither side is NaN, or 0 if there
  /// are none.
  public let maxAbsoluteError: Float
  /// The element with the largest `|actual - expected| - rtol * |expected|`; `nil` when nothing
  /// was compared (a shape mismatch, an empty shape, or only NaN-NaN pairs).
  public let worst: Element?
  /// The first failing elements in index order, at most ``CloseReport/failureSampleLimit``.
  public let firstFailures: [Element]

  /// How many failing elements ``firstFailures`` keeps.
  public static let failureSampleLimit = 8

  /// The number of elements `shape` describes (1 for `[]`).
  public var shapeElementCount: Int { shape.reduce(1, *) }

  /// Whether the arrays could not be compared: their element counts differ from each other or
  /// from the shape's.
  public var isShapeMismatch: Bool {
    actualCount != expectedCount || expectedCount != shapeElementCount
  }

  /// Whether the arrays agree in size and every element is within tolerance.
  public var passed: Bool { !isShapeMismatch && failureCount == 0 }
}
