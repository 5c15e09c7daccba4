import TesselTestSupport
import Testing

@Suite struct ReferenceSequenceTests {
  @Test func avgPoolByHand() {
    // One 4×4 channel holding 0...15, pool 2:
    //   [ 0  1 |  2  3 ]     mean(0, 1, 4, 5)     = 2.5   mean(2, 3, 6, 7)     = 4.5
    //   [ 4  5 |  6  7 ]
    //   [ 8  9 | 10 11 ]     mean(8, 9, 12, 13)   = 10.5  mean(10, 11, 14, 15) = 12.5
    //   [12 13 | 14 15 ]
    let x = (0..<16).map { Float($0) }
    #expect(
      referenceAvgPool2D(x, channels: 1, height: 4, width: 4, pool: 2) == [2.5, 4.5, 10.5, 12.5])
  }

  @Test func avgPoolDropsPartialWindowsAndKeepsChannelsApart() {
    // Channel 0: 5×4 holding 0...19 (the last row does not fill a window and is dropped);
    // channel 1: all 7s.
    let x = (0..<20).map { Float($0) } + [Float](repeating: 7, count: 20)
    let out = referenceAvgPool2D(x, channels: 2, height: 5, width: 4, pool: 2)
    #expect(out == [2.5, 4.5, 10.5, 12.5, 7, 7, 7, 7])
  }

  @Test func avgPoolWithPoolOneIsIdentity() {
    let x = randomArray(count: 2 * 3 * 3, seed: 1)
    #expect(referenceAvgPool2D(x, channels: 2, height: 3, width: 3, pool: 1) == x)
  }

  @Test func scanByHand() {
    // state: 1·0 + 1 = 1, then 2·1 + 1 = 3, then 0.5·3 + 1 = 2.5
    #expect(referenceScan(a: [1, 2, 0.5], b: [1, 1, 1], rows: 1, cols: 3) == [1, 3, 2.5])
  }

  @Test func scanRowsAreIndependentAndStartFromInitial() {
    // Row 0 starts at 4 and halves: 2, 1. Row 1 starts at 0 and accumulates b: 1, 3.
    let out = referenceScan(
      a: [0.5, 0.5, 1, 1], b: [0, 0, 1, 2], rows: 2, cols: 2, initial: [4, 0])
    #expect(out == [2, 1, 1, 3])
  }

  @Test func mambaByHand() {
    // batch 1, channels 1, seqLen 2, stateSize 1; A = 0, so the decay is exp(0) = 1.
    // input = delta·u·B = [1·1·1, 1·2·1] = [1, 2]; states = [1, 1 + 2] = [1, 3];
    // out = states · C = [1·1, 3·2] = [1, 6].
    let out = referenceMamba(
      delta: [1, 1], u: [1, 2], a: [0], b: [1, 1], c: [1, 2],
      batch: 1, channels: 1, seqLen: 2, stateSize: 1)
    #expect(out == [1, 6])
  }

  @Test func mambaSumsOverStates() {
    // Two states with A = [0, -ln 2] (decays 1 and 0.5), B = C = 1, delta = u = 1:
    // state 0: [1, 2]; state 1: [1, 0.5·1 + 1 = 1.5]; out = [2, 3.5].
    let out = referenceMamba(
      delta: [1, 1], u: [1, 1], a: [0, -0.693_147_2], b: [1, 1, 1, 1], c: [1, 1, 1, 1],
      batch: 1, channels: 1, seqLen: 2, stateSize: 2)
    expectClose(out, [2, 3.5], shape: [1, 1, 2], rtol: 1e-6, atol: 1e-6)
  }

  @Test func rotaryByHand() {
    // Rotating (1, 0) by 90° gives (0, 1).
    #expect(referenceRotary([1, 0], cos: [0], sin: [1], rows: 1, cols: 2) == [0, 1])
    // (1, 2) with cos 0.6, sin 0.8: (1·0.6 − 2·0.8, 1·0.8 + 2·0.6) = (−1, 2).
    let out = referenceRotary([1, 2], cos: [0.6], sin: [0.8], rows: 1, cols: 2)
    expectClose(out, [-1, 2], shape: [1, 2], rtol: 1e-6, atol: 1e-6)
  }

  @Test func rotaryPreservesPairNorms() {
    let (rows, cols) = (3, 8)
    let x = randomArray(count: rows * cols, in: -1...1, seed: 2)
    // Unit vectors (cos θ, sin θ) from normalized random directions, avoiding trigonometry.
    let directions = randomArray(count: rows * cols, in: -1...1, seed: 3)
    var cos: [Float] = []
    var sin: [Float] = []
    for pair in 0..<(rows * cols / 2) {
      let (c, s) = (directions[2 * pair], directions[2 * pair + 1])
      let length = (c * c + s * s).squareRoot()
      cos.append(c / length)
      sin.append(s / length)
    }
    let out = referenceRotary(x, cos: cos, sin: sin, rows: rows, cols: cols)
    for pair in 0..<(rows * cols / 2) {
      let before = x[2 * pair] * x[2 * pair] + x[2 * pair + 1] * x[2 * pair + 1]
      let after = out[2 * pair] * out[2 * pair] + out[2 * pair + 1] * out[2 * pair + 1]
      #expect(abs(before - after) < 1e-5)
    }
  }
}
