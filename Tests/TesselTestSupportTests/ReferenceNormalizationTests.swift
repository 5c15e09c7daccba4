import TesselTestSupport
import Testing

@Suite struct ReferenceNormalizationTests {
  @Test func rmsNormByHand() {
    // mean(x²) = (9 + 16) / 2 = 12.5, sqrt(12.5) = 3.5355339:
    // [3, 4] / 3.5355339 = [0.8485281, 1.1313708]; times w = [2, 0.5] -> [1.6970563, 0.5656854].
    let out = referenceRMSNorm([3, 4], weight: [2, 0.5], rows: 1, cols: 2, eps: 0)
    expectClose(out, [1.6970563, 0.5656854], shape: [1, 2], rtol: 1e-6, atol: 1e-7)
  }

  @Test func rmsNormUsesEpsilonInsideTheRoot() {
    // mean(x²) = 0, so the output is x / sqrt(eps) = 0 for x = 0 (and no division by zero).
    #expect(referenceRMSNorm([0, 0], weight: [1, 1], rows: 1, cols: 2, eps: 1e-6) == [0, 0])
    // x = [1, 1]: mean(x²) = 1, 1 / sqrt(1 + 3) = 0.5.
    #expect(referenceRMSNorm([1, 1], weight: [1, 1], rows: 1, cols: 2, eps: 3) == [0.5, 0.5])
  }

  @Test func rmsNormRowsHaveUnitMeanSquareWithUnitWeight() {
    let (rows, cols) = (3, 64)
    let out = referenceRMSNorm(
      randomArray(count: rows * cols, in: -4...4, seed: 2),
      weight: [Float](repeating: 1, count: cols),
      rows: rows, cols: cols, eps: 0)
    for r in 0..<rows {
      let meanSquare = out[(r * cols)..<((r + 1) * cols)].reduce(0) { $0 + $1 * $1 } / Float(cols)
      #expect(abs(meanSquare - 1) < 1e-5)
    }
  }

  @Test func layerNormByHand() {
    // x = [1, 2, 3]: mean 2, population variance (1 + 0 + 1) / 3 = 2/3, sqrt = 0.8164966,
    // so (x - 2) / 0.8164966 = [-1.2247449, 0, 1.2247449].
    let plain = referenceLayerNorm([1, 2, 3], rows: 1, cols: 3, eps: 0)
    expectClose(plain, [-1.2247449, 0, 1.2247449], shape: [1, 3], rtol: 1e-6, atol: 1e-7)
    // With gamma = 2 and beta = 1: [-1.4494897, 1, 3.4494897].
    let affine = referenceLayerNorm(
      [1, 2, 3], gamma: [2, 2, 2], beta: [1, 1, 1], rows: 1, cols: 3, eps: 0)
    expectClose(affine, [-1.4494897, 1, 3.4494897], shape: [1, 3], rtol: 1e-6, atol: 1e-6)
  }

  @Test func layerNormRowsHaveMeanZeroAndVarianceOne() {
    let (rows, cols) = (5, 100)
    let x = randomNormal(count: rows * cols, mean: 3, std: 2, seed: 4)
    let out = referenceLayerNorm(x, rows: rows, cols: cols, eps: 0)
    for r in 0..<rows {
      let row = out[(r * cols)..<((r + 1) * cols)].map { Double($0) }
      let mean = row.reduce(0, +) / Double(cols)
      let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(cols)
      #expect(abs(mean) < 1e-6)
      #expect(abs(variance - 1) < 1e-5)
    }
  }

  @Test func layerNormGammaAndBetaAreOptionalAndIndependent() {
    let x = randomArray(count: 2 * 4, seed: 5)
    let gamma: [Float] = [1, 2, 3, 4]
    let beta: [Float] = [0.5, 0.5, -1, 0]
    let base = referenceLayerNorm(x, rows: 2, cols: 4)
    let scaled = referenceLayerNorm(x, gamma: gamma, rows: 2, cols: 4)
    let shifted = referenceLayerNorm(x, beta: beta, rows: 2, cols: 4)
    for i in 0..<8 {
      #expect(abs(scaled[i] - base[i] * gamma[i % 4]) < 1e-6)
      #expect(abs(shifted[i] - (base[i] + beta[i % 4])) < 1e-6)
    }
  }
}
