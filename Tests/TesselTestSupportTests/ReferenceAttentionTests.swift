import TesselTestSupport
import Testing

@Suite struct ReferenceAttentionTests {
  @Test func singleTokenReturnsItsValue() {
    #expect(
      referenceAttention(q: [1, 0], k: [1, 0], v: [5, 7], seq: 1, d: 2, scale: 1) == [5, 7])
  }

  // q = k = [[1, 0], [0, 1]], v = [[1, 2], [3, 4]], scale 1.
  // Scores: row 0 = [1, 0], row 1 = [0, 1].
  // softmax([1, 0]) = [e/(e+1), 1/(e+1)] = [0.7310586, 0.2689414].
  // out[0] = 0.7310586·[1, 2] + 0.2689414·[3, 4] = [1.5378828, 2.5378828]
  // out[1] = 0.2689414·[1, 2] + 0.7310586·[3, 4] = [2.4621172, 3.4621172]
  let identity: [Float] = [1, 0, 0, 1]
  let v: [Float] = [1, 2, 3, 4]

  @Test func twoTokensByHand() {
    let out = referenceAttention(q: identity, k: identity, v: v, seq: 2, d: 2, scale: 1)
    expectClose(
      out, [1.5378828, 2.5378828, 2.4621172, 3.4621172], shape: [2, 2], rtol: 1e-6, atol: 1e-6)
  }

  @Test func causalMaskHidesLaterKeys() {
    // Row 0 may only see key 0, so it returns v[0]; row 1 sees both keys, as before.
    let out = referenceAttention(
      q: identity, k: identity, v: v, seq: 2, d: 2, causal: true, scale: 1)
    expectClose(out, [1, 2, 2.4621172, 3.4621172], shape: [2, 2], rtol: 1e-6, atol: 1e-6)
  }

  @Test func agreesWithSoftmaxOfScaledScoresTimesValues() {
    let (seq, d) = (6, 4)
    let scale: Float = 0.5
    let q = randomArray(count: seq * d, in: -1...1, seed: 1)
    let k = randomArray(count: seq * d, in: -1...1, seed: 2)
    let v = randomArray(count: seq * d, in: -1...1, seed: 3)
    let scores = referenceMatmul(q, referenceTranspose(k, rows: seq, cols: d), m: seq, k: d, n: seq)
      .map { $0 * scale }
    let composed = referenceMatmul(
      referenceSoftmax(scores, rows: seq, cols: seq), v, m: seq, k: seq, n: d)
    let fused = referenceAttention(q: q, k: k, v: v, seq: seq, d: d, scale: scale)
    expectClose(fused, composed, shape: [seq, d], rtol: 1e-5, atol: 1e-6)
  }

  @Test func causalAgreesWithHugeNegativeMaskedScores() {
    // The kernel masks with a large negative score; exp underflows to exactly 0.
    let (seq, d) = (5, 3)
    let q = randomArray(count: seq * d, in: -1...1, seed: 4)
    let k = randomArray(count: seq * d, in: -1...1, seed: 5)
    let v = randomArray(count: seq * d, in: -1...1, seed: 6)
    var scores = referenceMatmul(q, referenceTranspose(k, rows: seq, cols: d), m: seq, k: d, n: seq)
    for i in 0..<seq {
      for j in (i + 1)..<seq {
        scores[i * seq + j] = -9984
      }
    }
    let composed = referenceMatmul(
      referenceSoftmax(scores, rows: seq, cols: seq), v, m: seq, k: seq, n: d)
    let fused = referenceAttention(q: q, k: k, v: v, seq: seq, d: d, causal: true, scale: 1)
    expectClose(fused, composed, shape: [seq, d], rtol: 1e-5, atol: 1e-6)
  }
}
