import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import Testing

/// `nisa.nc_matmul(..., perf_mode='double_row_gen3')`: fp8 operands of two rows per partition,
/// against a plain-loop `2K`-term contraction.
@Suite("nc_matmul in FP8 double-row mode")
struct DoubleRowMatmulTests {
  static let source =
    header + """
      @nki.jit
      def k(a, b):
          K, R, M = a.shape
          N = b.shape[2]
          out = nl.ndarray((M, N), dtype=nl.float32, buffer=nl.shared_hbm)
          ps = nl.ndarray((M, N), dtype=nl.float32, buffer=nl.psum)
          ps[...] += nisa.nc_matmul(nl.load(a), nl.load(b), perf_mode='double_row_gen3')
          nl.store(out, nl.copy(ps))
          return out
      """

  /// Values exact in fp8 e4m3: multiples of 0.5 in [-3, 3].
  static func values(_ n: Int, _ seed: Int) -> [Float] { (0..<n).map { Float(($0 * 7 + seed * 5) % 13 - 6) / 2 } }

  @Test(
    "dst[m, n] = Σₖ Σᵣ stationary[k, r, m] · moving[k, r, n]",
    arguments: [(1, 1, 3), (7, 5, 9), (128, 128, 512), (64, 33, 100)])
  func contraction(k: Int, m: Int, n: Int) throws {
    let a = Self.values(k * 2 * m, 1)
    let b = Self.values(k * 2 * n, 2)
    let (kernel, r) = try traceAndRun(
      Self.source,
      [
        try HostArray(shape: [k, 2, m], dtype: .float8e4m3, values: a),
        try HostArray(shape: [k, 2, n], dtype: .float8e4m3, values: b),
      ])
    var expected = [Float](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n {
        var s: Float = 0
        for q in 0..<k { for row in 0..<2 { s += a[(q * 2 + row) * m + i] * b[(q * 2 + row) * n + j] } }
        expected[i * n + j] = s
      }
    }
    #expect(r.outputs[0].floatValues() == expected)
    #expect(
      kernel.instructions.contains {
        if case .matmul(let mm) = $0.operation { return mm.doubleRow } else { return false }
      })
  }

  @Test("the mode is refused on trn1, for non-fp8 operands and for operands without two rows")
  func refused() throws {
    let file = try NKIFile(source: Self.source, file: "t.py")
    let fp8: DType = .float8e4m3
    let cases: [([Int], DType, [Int], Target, String)] = [
      ([4, 2, 8], fp8, [4, 2, 8], .trn1, "NeuronCore-v3"),
      ([4, 2, 8], .bfloat16, [4, 2, 8], .trn2, "fp8"),
      ([4, 4, 8], fp8, [4, 4, 8], .trn2, "[K, 2, F]"),
    ]
    for (sa, da, sb, target, message) in cases {
      do {
        _ = try file.trace(arguments: [.tensor(shape: sa, dtype: da), .tensor(shape: sb, dtype: da)], target: target)
        Issue.record("expected an error for \(sa) \(da) on \(target)")
      } catch {
        #expect("\(error)".contains(message), "\(error)")
        #expect("\(error)".contains("t.py:10"), "\(error)")
      }
    }
  }
}
