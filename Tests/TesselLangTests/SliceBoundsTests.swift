import Testing

@testable import TesselIR
@testable import TesselLang

/// A slice of a tensor is never clamped: `checkSliceBounds` accepts exactly the constant bounds
/// that Python's `slice.indices` would leave unchanged, in both directions.
@Suite("Slice bounds: a slice NKI would reject is never silently shortened")
struct SliceBoundsTests {
  /// Python's clamping of one normalised bound (`slice.indices`), written from CPython's rule.
  static func clamped(_ x: Int, n: Int, step: Int) -> Int {
    var v = x < 0 ? x + n : x
    if v < 0 { v = step < 0 ? -1 : 0 }
    if v >= n { v = step < 0 ? n - 1 : n }
    return v
  }

  @Test("accepted iff Python's clamping changes neither bound", arguments: [1, 7, 128])
  func acceptedExactlyWhenUnclamped(n: Int) {
    let loc = SourceLocation(file: "k.py", line: 3, column: 5)
    for step in [1, 2, -1, -3] {
      for lower in (-n - 3)...(n + 3) {
        for upper in (-n - 3)...(n + 3) {
          let unchanged =
            Self.clamped(lower, n: n, step: step) == (lower < 0 ? lower + n : lower)
            && Self.clamped(upper, n: n, step: step) == (upper < 0 ? upper + n : upper)
          let accepted =
            (try? checkSliceBounds(
              lower: lower, upper: upper, step: step, size: n, tensor: "x", dimension: 0, at: loc)) != nil
          #expect(accepted == unchanged, "n \(n) step \(step) \(lower):\(upper)")
        }
      }
    }
  }

  @Test("an absent bound is never out of range; the message names the reach of the slice")
  func absentBoundsAndMessage() throws {
    let loc = SourceLocation(file: "k.py", line: 3, column: 5)
    for step in [1, -1] {
      #expect(throws: Never.self) {
        try checkSliceBounds(lower: nil, upper: nil, step: step, size: 7, tensor: "x", dimension: 1, at: loc)
      }
    }
    do {
      try checkSliceBounds(lower: 200, upper: 0, step: -1, size: 128, tensor: "b", dimension: 0, at: loc)
      Issue.record("a reversed slice from 200 of 128 rows was accepted")
    } catch {
      #expect(error.message.contains("index range [1, 200] exceed dimension size of 128"), "\(error.message)")
    }
  }
}
