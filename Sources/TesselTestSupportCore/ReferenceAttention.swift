/// Computes single-head self-attention: `softmax(q · kᵀ · scale) · v`.
///
/// `q`, `k` and `v` are row-major `seq × d` (one row per token). Row `i` of the result is the
/// average of the rows of `v`, weighted by the softmax over `j` of `scale · (q[i] · k[j])`. With
/// `causal: true`, query `i` only attends to keys `j ≤ i` (the others get weight exactly 0, as if
/// their scores were −∞). Computed in `Double`, rounded to `Float` once.
///
/// ```swift
/// // One token attends only to itself, so the output is v.
/// referenceAttention(q: [1, 0], k: [1, 0], v: [5, 7], seq: 1, d: 2, scale: 1)  // [5, 7]
/// ```
///
/// - Parameters:
///   - q: The queries, `seq × d`.
///   - k: The keys, `seq × d`.
///   - v: The values, `seq × d`.
///   - seq: The sequence length (rows of `q`, `k` and `v`).
///   - d: The head dimension.
///   - causal: Whether query `i` is limited to keys `0...i`; defaults to `false`.
///   - scale: Multiplies the scores before the softmax, typically `1 / sqrt(d)`.
/// - Returns: The attention output, `seq × d`.
public func referenceAttention(
  q: [Float], k: [Float], v: [Float], seq: Int, d: Int, causal: Bool = false, scale: Float
) -> [Float] {
  precondition(q.count == seq * d, "q has \(q.count) elements, expected seq*d = \(seq * d)")
  precondition(k.count == seq * d, "k has \(k.count) elements, expected seq*d = \(seq * d)")
  precondition(v.count == seq * d, "v has \(v.count) elements, expected seq*d = \(seq * d)")
  var out = [Float](repeating: 0, count: seq * d)
  for i in 0..<seq {
    let keyCount = causal ? i + 1 : seq

    // Scores of query i against every visible key.
    var scores = [Double](repeating: 0, count: keyCount)
    for j in 0..<keyCount {
      var dot: Double = 0
      for c in 0..<d {
        dot += Double(q[i * d + c]) * Double(k[j * d + c])
      }
      scores[j] = dot * Double(scale)
    }

    // Softmax over the visible keys.
    var maxScore = -Double.infinity
    for j in 0..<keyCount {
      maxScore = max(maxScore, scores[j])
    }
    var weights = [Double](repeating: 0, count: keyCount)
    var sum: Double = 0
    for j in 0..<keyCount {
      weights[j] = Math.exponential(scores[j] - maxScore)
      sum += weights[j]
    }

    // Weighted sum of the value rows.
    for c in 0..<d {
      var value: Double = 0
      for j in 0..<keyCount {
        value += weights[j] / sum * Double(v[j * d + c])
      }
      out[i * d + c] = Float(value)
    }
  }
  return out
}
