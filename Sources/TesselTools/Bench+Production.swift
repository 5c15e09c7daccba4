import Foundation
import TesselInterpreter

/// The production-shaped current-dialect cases: causal flash attention for context encoding and
/// a gated MLP block (`kernels/current/attention_cte.py`, `kernels/current/mlp.py`), each against
/// numpy computing the same result and a BLAS baseline.
extension BenchmarkSuite {
  func productionCases() -> [Case] {
    let d = 128
    var cs: [Case] = []
    for seq in quick ? [2048] : [2048, 4096] {
      let scale = 1 / Double(d).squareRoot()
      cs.append(
        Case(
          name: "attention_cte causal seq \(seq) d \(d)", file: "current/attention_cte.py",
          inputs: [[d, seq], [d, seq], [seq, d]], literals: ["scale": .float(scale)],
          numpy: """
            (lambda s: (lambda e: e / e.sum(axis=1, keepdims=True) @ a2)(np.exp(s - s.max(axis=1, keepdims=True))))\
            (np.where(np.tri(\(seq), dtype=bool), a0.T @ a1 * np.float32(\(scale)), -np.inf))
            """,
          flops: 2 * Double(seq) * Double(seq) * Double(d), baselineName: "2x cblas_sgemm + Swift causal softmax",
          baseline: { x in BenchmarkSuite.causalAttentionBaseline(x[0], x[1], x[2], seq: seq, d: d, scale: Float(scale))
          }
        ))
    }
    let (rows, hidden, inter) = (1024, 1024, 448)
    cs.append(
      Case(
        name: "mlp rmsnorm+silu \(rows)x\(hidden) inter \(inter)", file: "current/mlp.py",
        inputs: [[rows, hidden], [1, hidden], [hidden, inter], [hidden, inter], [inter, hidden]],
        numpy: """
          (lambda n: (lambda g: g / (1 + np.exp(-g)) * (n @ a3) @ a4)(n @ a2))\
          (a0 / np.sqrt((a0 * a0).mean(axis=1, keepdims=True) + 1e-6) * a1)
          """,
        flops: 6 * Double(rows) * Double(hidden) * Double(inter), baselineName: "3x cblas_sgemm + Swift loops",
        baseline: { x in BenchmarkSuite.mlpBaseline(x, rows: rows, hidden: hidden, inter: inter, eps: 1e-6) }))
    return cs
  }

  /// Causal attention over `qT [d, seq]`, `k [d, seq]`, `v [seq, d]`: the scores in one BLAS call,
  /// each row's softmax over its keys up to the diagonal, then one BLAS call with `v`.
  static func causalAttentionBaseline(
    _ qT: [Float], _ k: [Float], _ v: [Float], seq: Int, d: Int, scale: Float
  ) -> [Float] {
    attention(v, seq: seq, d: d, scale: scale, causal: true) { s in
      qT.withUnsafeBufferPointer { q in
        k.withUnsafeBufferPointer { k in
          HostBLAS.sgemm(q.baseAddress!, k.baseAddress!, s, m: seq, n: seq, k: d, transposedA: true)
        }
      }
    }
  }

  /// The gated MLP: RMS-normalized rows times gamma, `silu(n @ gate) * (n @ up)`, then `@ down`
  /// (inputs: x, gamma, gate, up, down).
  static func mlpBaseline(_ x: [[Float]], rows: Int, hidden: Int, inter: Int, eps: Float) -> [Float] {
    HostBLAS.useEveryCore()
    let gamma = x[1]
    let normed = rowwise(x[0], cols: hidden) { row, o in
      var sum: Float = 0
      for j in 0..<hidden { sum += row[j] * row[j] }
      let inv = 1 / (sum / Float(hidden) + eps).squareRoot()
      for j in 0..<hidden { o[j] = row[j] * inv * gamma[j] }
    }
    func product(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
      [Float](unsafeUninitializedCapacity: m * n) { out, count in
        a.withUnsafeBufferPointer { a in
          b.withUnsafeBufferPointer { b in
            HostBLAS.sgemm(a.baseAddress!, b.baseAddress!, out.baseAddress!, m: m, n: n, k: k)
          }
        }
        count = m * n
      }
    }
    let gate = product(normed, x[2], m: rows, n: inter, k: hidden)
    let up = product(normed, x[3], m: rows, n: inter, k: hidden)
    let act = (0..<gate.count).map { i in gate[i] / (1 + expf(-gate[i])) * up[i] }
    return product(act, x[4], m: rows, n: hidden, k: inter)
  }
}
