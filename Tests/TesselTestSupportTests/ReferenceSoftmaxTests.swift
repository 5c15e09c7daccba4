import TesselTestSupport
import Testing

@Suite struct ReferenceSoftmaxTests {
  @Test func oneByThreeByHand() {
    // x = [1, 2, 3], max = 3: exp(-2) = 0.1353353, exp(-1) = 0.3678794, exp(0) = 1,
    // sum = 1.5032147, so softmax = [0.0900306, 0.2447285, 0.6652410].
    let out = referenceSoftmax([1, 2, 3], rows: 1, cols: 3)
    expectClose(out, [0.0900306, 0.2447285, 0.6652410], shape: [1, 3], rtol: 1e-6, atol: 1e-7)
  }

  @Test func rowsSumToOne() {
    let (rows, cols) = (4, 10)
    let out = referenceSoftmax(
      randomArray(count: rows * cols, in: -5...5, seed: 1), rows: rows, cols: cols)
    for r in 0..<rows {
      let sum = out[(r * cols)..<((r + 1) * cols)].reduce(0, +)
      #expect(abs(sum - 1) < 1e-6)
    }
    #expect(out.allSatisfy { $0 > 0 && $0 < 1 })
  }

  @Test func rowsAreIndependentAndShiftInvariant() {
    // Row 1 is row 0 plus 100: the same probabilities.
    let out = referenceSoftmax([1, 2, 3, 101, 102, 103], rows: 2, cols: 3)
    expectClose(Array(out[3...]), Array(out[..<3]), shape: [3], rtol: 1e-6, atol: 1e-7)
  }

  @Test func largeInputsDoNotOverflow() {
    #expect(referenceSoftmax([1000, 1000], rows: 1, cols: 2) == [0.5, 0.5])
    #expect(referenceSoftmax([-1000, 0], rows: 1, cols: 2) == [0, 1])
  }
}
