import Foundation
import TesselInterpreter

/// The same-run baselines: one plain Swift pass over the arrays, or one direct BLAS call.
extension BenchmarkSuite {
  static func addBaseline(_ a: [Float], _ b: [Float]) -> [Float] {
    [Float](unsafeUninitializedCapacity: a.count) { out, n in
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          for i in 0..<a.count { out[i] = a[i] + b[i] }
        }
      }
      n = a.count
    }
  }

  static func matmulBaseline(_ lhsT: [Float], _ rhs: [Float], _ n: Int) -> [Float] {
    HostBLAS.useEveryCore()
    return [Float](unsafeUninitializedCapacity: n * n) { out, count in
      lhsT.withUnsafeBufferPointer { a in
        rhs.withUnsafeBufferPointer { b in
          HostBLAS.sgemm(a.baseAddress!, b.baseAddress!, out.baseAddress!, m: n, n: n, k: n, transposedA: true)
        }
      }
      count = n * n
    }
  }

  /// The softmax of one row whose maximum is `m`: `exp(row - m)` divided by its sum, written to
  /// `out` (which may be `row` itself).
  static func normalizedExp(
    _ row: UnsafePointer<Float>, max m: Float, into out: UnsafeMutablePointer<Float>, count: Int
  ) {
    var sum: Float = 0
    for j in 0..<count {
      let e = expf(row[j] - m)
      out[j] = e
      sum += e
    }
    let inv = 1 / sum
    for j in 0..<count { out[j] *= inv }
  }

  /// A new array the size of `x`, written row by row (rows of `cols` elements): `body` gets each
  /// row of `x` and the matching row of the result.
  static func rowwise(
    _ x: [Float], cols: Int, _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
  ) -> [Float] {
    let rows = x.count / cols
    return [Float](unsafeUninitializedCapacity: x.count) { out, count in
      x.withUnsafeBufferPointer { x in
        for r in 0..<rows { body(x.baseAddress! + r * cols, out.baseAddress! + r * cols) }
      }
      count = x.count
    }
  }

  /// Row softmax, one pass per row (max, exp and sum, scale).
  static func softmaxBaseline(_ x: [Float], cols: Int) -> [Float] {
    rowwise(x, cols: cols) { row, o in
      var m = -Float.infinity
      for j in 0..<cols { m = Swift.max(m, row[j]) }
      normalizedExp(row, max: m, into: o, count: cols)
    }
  }

  static func rmsnormBaseline(_ x: [Float], _ w: [Float], cols: Int, eps: Float) -> [Float] {
    w.withUnsafeBufferPointer { w in
      rowwise(x, cols: cols) { row, o in
        var s: Float = 0
        for j in 0..<cols { s += row[j] * row[j] }
        let k = 1 / (s / Float(cols) + eps).squareRoot()
        for j in 0..<cols { o[j] = row[j] * k * w[j] }
      }
    }
  }

  static func layernormBaseline(_ x: [Float], _ g: [Float], _ b: [Float], cols: Int, eps: Float) -> [Float] {
    g.withUnsafeBufferPointer { g in
      b.withUnsafeBufferPointer { b in
        rowwise(x, cols: cols) { row, o in
          var s: Float = 0
          for j in 0..<cols { s += row[j] }
          let mean = s / Float(cols)
          var v: Float = 0
          for j in 0..<cols {
            let d = row[j] - mean
            v += d * d
          }
          let k = 1 / (v / Float(cols) + eps).squareRoot()
          for j in 0..<cols { o[j] = (row[j] - mean) * k * g[j] + b[j] }
        }
      }
    }
  }

  /// softmax(q·kᵀ·scale)·v: two sgemm calls and a Swift softmax pass.
  static func attentionBaseline(_ q: [Float], _ k: [Float], _ v: [Float], seq: Int, d: Int, scale: Float) -> [Float] {
    attention(v, seq: seq, d: d, scale: scale, causal: false) { s in
      q.withUnsafeBufferPointer { q in
        k.withUnsafeBufferPointer { k in
          HostBLAS.sgemm(q.baseAddress!, k.baseAddress!, s, m: seq, n: seq, k: d, transposedB: true)
        }
      }
    }
  }

  /// An attention baseline after its score product: `product` writes the `[seq, seq]` scores,
  /// each row `r` becomes the softmax of `scale ×` its scores (with `causal`, of its first
  /// `r + 1`, the rest zero), and one sgemm multiplies the rows by `v [seq, d]`.
  static func attention(
    _ v: [Float], seq: Int, d: Int, scale: Float, causal: Bool,
    scores product: (UnsafeMutablePointer<Float>) -> Void
  ) -> [Float] {
    HostBLAS.useEveryCore()
    var scores = [Float](repeating: 0, count: seq * seq)
    scores.withUnsafeMutableBufferPointer { s in
      product(s.baseAddress!)
      for r in 0..<seq {
        let row = s.baseAddress! + r * seq
        let n = causal ? r + 1 : seq
        var m = -Float.infinity
        for j in 0..<n {
          row[j] *= scale
          m = Swift.max(m, row[j])
        }
        normalizedExp(row, max: m, into: row, count: n)
        for j in n..<seq { row[j] = 0 }
      }
    }
    return [Float](unsafeUninitializedCapacity: seq * d) { out, count in
      scores.withUnsafeBufferPointer { s in
        v.withUnsafeBufferPointer { v in
          HostBLAS.sgemm(s.baseAddress!, v.baseAddress!, out.baseAddress!, m: seq, n: d, k: seq)
        }
      }
      count = seq * d
    }
  }

  /// The selective scan with plain loops.
  static func mambaBaseline(_ x: [[Float]], batch: Int, channels: Int, states: Int, seq: Int) -> [Float] {
    let (delta, u, A, B, C) = (x[0], x[1], x[2], x[3], x[4])
    var out = [Float](repeating: 0, count: batch * channels * seq)
    for b in 0..<batch {
      for c in 0..<channels {
        let row = (b * channels + c) * seq
        for s in 0..<states {
          let a = A[c * states + s]
          let bs = (b * states + s) * seq
          var state: Float = 0
          for t in 0..<seq {
            let dt = delta[row + t]
            state = expf(dt * a) * state + dt * u[row + t] * B[bs + t]
            out[row + t] += state * C[bs + t]
          }
        }
      }
    }
    return out
  }
}
