import Foundation
import TesselHost
import TesselIR
import TesselTestSupport
import Testing

/// The production-shaped kernels of `kernels/current/` (causal flash attention, the gated MLP
/// block), traced unmodified and run against plain-loop references.
@Suite("Current-dialect production kernels in kernels/current/ match plain-loop references")
struct CurrentProductionKernelTests {
  /// Causal attention with plain loops: `q_t [d, seq]`, `k [d, seq]`, `v [seq, d]` -> `[seq, d]`.
  static func referenceCausalAttention(_ qT: [Float], _ k: [Float], _ v: [Float], seq: Int, d: Int, scale: Float)
    -> [Float]
  {
    var out = [Float](repeating: 0, count: seq * d)
    for i in 0..<seq {
      var scores = [Double](repeating: 0, count: i + 1)
      for j in 0...i {
        var s = 0.0
        for c in 0..<d { s += Double(qT[c * seq + i]) * Double(k[c * seq + j]) }
        scores[j] = s * Double(scale)
      }
      let m = scores.max() ?? 0
      let e = scores.map { Foundation.exp($0 - m) }
      let sum = e.reduce(0, +)
      for c in 0..<d {
        var acc = 0.0
        for j in 0...i { acc += e[j] * Double(v[j * d + c]) }
        out[i * d + c] = Float(acc / sum)
      }
    }
    return out
  }

  @Test(
    "attention_cte: online softmax over key tiles, the diagonal tile masked, fp32 and bf16",
    arguments: [(512, 1, DType.float32), (512, 7, .float32), (1024, 128, .float32), (1024, 64, .bfloat16)])
  func attention(shape: (Int, Int, DType)) throws {
    let (seq, d, dtype) = shape
    var q = randomArray(count: d * seq, in: -1...1, seed: 41)
    var k = randomArray(count: d * seq, in: -1...1, seed: 42)
    var v = randomArray(count: seq * d, in: -1...1, seed: 43)
    if dtype == .bfloat16 { (q, k, v) = (roundToBFloat16(q), roundToBFloat16(k), roundToBFloat16(v)) }
    let scale = 1 / Float(d).squareRoot()
    let (res, _) = try runKernelFile(
      "current/attention_cte.py",
      [
        .tensor([d, seq], q, dtype), .tensor([d, seq], k, dtype), .tensor([seq, d], v, dtype),
        .literal(.float(Double(scale))),
      ])
    let expected = Self.referenceCausalAttention(q, k, v, seq: seq, d: d, scale: scale)
    _ = expectClose(
      res.outputs[0].floatValues(), expected, shape: [seq, d], rtol: dtype == .bfloat16 ? 3e-2 : 1e-4,
      atol: dtype == .bfloat16 ? 3e-2 : 1e-5)
    #expect(res.report.warnings.isEmpty, "\(res.report.warnings.map(\.message))")
  }

  /// The gated MLP with plain loops: `x [rows, hidden]`, `gamma [1, hidden]`, `gate`/`up
  /// [hidden, inter]`, `down [inter, hidden]`.
  static func referenceMLP(
    _ x: [Float], _ gamma: [Float], _ gate: [Float], _ up: [Float], _ down: [Float], rows: Int, hidden: Int,
    inter: Int, eps: Double
  ) -> [Float] {
    var out = [Float](repeating: 0, count: rows * hidden)
    for r in 0..<rows {
      var sum = 0.0
      for h in 0..<hidden { sum += Double(x[r * hidden + h]) * Double(x[r * hidden + h]) }
      let inv = 1 / (sum / Double(hidden) + eps).squareRoot()
      let n = (0..<hidden).map { h in Double(x[r * hidden + h]) * inv * Double(gamma[h]) }
      var act = [Double](repeating: 0, count: inter)
      for i in 0..<inter {
        var g = 0.0
        var u = 0.0
        for h in 0..<hidden {
          g += n[h] * Double(gate[h * inter + i])
          u += n[h] * Double(up[h * inter + i])
        }
        act[i] = g / (1 + Foundation.exp(-g)) * u
      }
      for h in 0..<hidden {
        var o = 0.0
        for i in 0..<inter { o += act[i] * Double(down[i * hidden + h]) }
        out[r * hidden + h] = Float(o)
      }
    }
    return out
  }

  @Test(
    "mlp: RMS norm, gate and up transposed on the PE array, silu, down projection; ragged inter",
    arguments: [(128, 512, 1), (128, 512, 7), (256, 1024, 200), (128, 512, 128)])
  func mlp(shape: (Int, Int, Int)) throws {
    let (rows, hidden, inter) = shape
    let x = randomArray(count: rows * hidden, in: -2...2, seed: 44)
    let gamma = randomArray(count: hidden, in: -1...1, seed: 45)
    let gate = randomArray(count: hidden * inter, in: -0.1...0.1, seed: 46)
    let up = randomArray(count: hidden * inter, in: -0.1...0.1, seed: 47)
    let down = randomArray(count: inter * hidden, in: -0.1...0.1, seed: 48)
    let (res, _) = try runKernelFile(
      "current/mlp.py",
      [
        .tensor([rows, hidden], x), .tensor([1, hidden], gamma), .tensor([hidden, inter], gate),
        .tensor([hidden, inter], up), .tensor([inter, hidden], down),
      ])
    let expected = Self.referenceMLP(x, gamma, gate, up, down, rows: rows, hidden: hidden, inter: inter, eps: 1e-6)
    _ = expectClose(res.outputs[0].floatValues(), expected, shape: [rows, hidden], rtol: 1e-4, atol: 1e-5)
    #expect(res.report.warnings.isEmpty, "\(res.report.warnings.map(\.message))")
  }
}
