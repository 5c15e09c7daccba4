import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import TesselTestSupportCore
import Testing

/// The packed MX dtypes (`nl.float8_e5m2_x4`, `nl.float8_e4m3fn_x4`) and `nisa.nc_matmul_mx` in
/// the current dialect: packed fp8 data handed in as uint32 words, viewed with
/// `.ap(dtype=..._x4)`, multiplied with its block scales.
@Suite("Current dialect: packed MX data and nc_matmul_mx")
struct CurrentMXTests {
  /// The imports and decorator every kernel here starts with (the `def` is on line 7).
  static let header = "import nki\nimport nki.isa as nisa\nimport nki.language as nl\n\n\n@nki.jit\n"

  /// Views uint32 words as packed fp8, loads them and the scales, and multiplies on trn3.
  static func source(_ x4: String) -> String {
    header + """
      def k(st_data, st_scale, mv_data, mv_scale):
          K, M = st_data.shape
          N = mv_data.shape[1]
          st_hbm = st_data.ap(dtype=nl.\(x4), pattern=[[M, K], [1, M]], offset=0)
          mv_hbm = mv_data.ap(dtype=nl.\(x4), pattern=[[N, K], [1, N]], offset=0)
          assert st_hbm.shape == (K, M) and st_hbm.dtype == nl.\(x4)
          st = nl.ndarray(st_hbm.shape, dtype=nl.\(x4), buffer=nl.sbuf)
          mv = nl.ndarray(mv_hbm.shape, dtype=mv_hbm.dtype, buffer=nl.sbuf)
          nisa.dma_copy(dst=st, src=st_hbm)
          nisa.dma_copy(dst=mv, src=mv_hbm)
          sts = nl.ndarray(st_scale.shape, dtype=nl.uint8, buffer=nl.sbuf)
          mvs = nl.ndarray(mv_scale.shape, dtype=nl.uint8, buffer=nl.sbuf)
          nisa.dma_copy(dst=sts, src=st_scale)
          nisa.dma_copy(dst=mvs, src=mv_scale)
          acc = nl.ndarray((M, N), dtype=nl.float32, buffer=nl.psum)
          nisa.nc_matmul_mx(acc, st, mv, sts, mvs)
          res = nl.ndarray((M, N), dtype=nl.float32, buffer=nl.sbuf)
          nisa.tensor_copy(dst=res, src=acc)
          out = nl.ndarray((M, N), dtype=nl.float32, buffer=nl.shared_hbm)
          nisa.dma_copy(dst=out, src=res)
          return out
      """
  }

  /// The value of an fp8 byte, decoded from its fields (`e5m2`: 5 exponent bits, bias 15;
  /// `e4m3fn`: 4 exponent bits, bias 7), subnormals included.
  static func fp8Value(_ byte: UInt8, e5m2: Bool) -> Double {
    let (mantissaBits, bias) = e5m2 ? (2, 15) : (3, 7)
    let sign: Double = byte & 0x80 != 0 ? -1 : 1
    let exponent = Int(byte & 0x7F) >> mantissaBits
    let mantissa = Double(Int(byte) & ((1 << mantissaBits) - 1)) / Double(1 << mantissaBits)
    if exponent == 0 { return sign * mantissa * pow(2, Double(1 - bias)) }
    return sign * (1 + mantissa) * pow(2, Double(exponent - bias))
  }

  /// Random finite fp8 bytes (no infinity or NaN pattern).
  static func fp8Bytes(_ n: Int, e5m2: Bool, _ rng: inout SeededGenerator) -> [UInt8] {
    (0..<n).map { _ in
      while true {
        let b = UInt8(truncatingIfNeeded: rng.next())
        let special = e5m2 ? b & 0x7C == 0x7C : b & 0x7F == 0x7F
        if !special { return b }
      }
    }
  }

  /// The scale tile's row holding scale block `g` of a `k`-partition operand: row `g` when
  /// `k ≤ 32`, else partition `32·(g / 4) + g % 4` (the quadrant layout).
  static func scaleRow(_ g: Int, k: Int) -> Int { k <= 32 ? g : 32 * (g / 4) + g % 4 }

  @Test(
    "uint32 words viewed as packed fp8 and multiplied match plain loops",
    arguments: [(32, 2, 7, true), (64, 6, 33, false), (128, 128, 40, true)])
  func offlineMatmul(shape: (Int, Int, Int, Bool)) throws {
    let (K, M, N, e5m2) = shape
    var rng = SeededGenerator(seed: UInt64(K * 1000 + M * 10 + N))
    let stBytes = Self.fp8Bytes(K * M * 4, e5m2: e5m2, &rng)
    let mvBytes = Self.fp8Bytes(K * N * 4, e5m2: e5m2, &rng)
    // The words hold patterns far above 2^24: fp32 values could not carry them.
    let words = stride(from: 0, to: stBytes.count, by: 4).map {
      UInt32(stBytes[$0]) | UInt32(stBytes[$0 + 3]) << 24
    }
    #expect(words.contains { $0 > 1 << 24 })
    let scaleRows = K <= 32 ? K / 8 : K
    func scales(_ cols: Int) -> [UInt8] {
      var s = [UInt8](repeating: 0, count: scaleRows * cols)
      for g in 0..<(K / 8) {
        for j in 0..<cols { s[Self.scaleRow(g, k: K) * cols + j] = UInt8(120 + Int(rng.next() % 12)) }
      }
      return s
    }
    let stScale = scales(M)
    let mvScale = scales(N)
    let x4 = e5m2 ? "float8_e5m2_x4" : "float8_e4m3fn_x4"
    let traced = try NKIFile(source: Self.source(x4), file: "mx.py").trace(
      arguments: [
        .tensor(shape: [K, M], dtype: .uint32), .tensor(shape: [scaleRows, M], dtype: .uint8),
        .tensor(shape: [K, N], dtype: .uint32), .tensor(shape: [scaleRows, N], dtype: .uint8),
      ], target: .trn3)
    let r = try Interpreter(kernel: traced.kernel, options: RunOptions(target: .trn3)).run(
      hostArrays: [
        try HostArray(shape: [K, M], elementType: .nki(.uint32), bytes: stBytes),
        try HostArray(shape: [scaleRows, M], elementType: .nki(.uint8), bytes: stScale),
        try HostArray(shape: [K, N], elementType: .nki(.uint32), bytes: mvBytes),
        try HostArray(shape: [scaleRows, N], elementType: .nki(.uint8), bytes: mvScale),
      ])
    let got = r.outputs[0].floatValues()
    for m in 0..<M {
      for n in 0..<N {
        var sum = 0.0
        var magnitude = 0.0
        for k in 0..<K {
          let row = Self.scaleRow(k / 8, k: K)
          let sa = pow(2, Double(Int(stScale[row * M + m]) - 127))
          let sb = pow(2, Double(Int(mvScale[row * N + n]) - 127))
          for q in 0..<4 {
            let a = Self.fp8Value(stBytes[(k * M + m) * 4 + q], e5m2: e5m2) * sa
            let b = Self.fp8Value(mvBytes[(k * N + n) * 4 + q], e5m2: e5m2) * sb
            sum += a * b
            magnitude += abs(a * b)
          }
        }
        #expect(abs(Double(got[m * N + n]) - sum) <= magnitude * 1e-6 + 1e-30, "[\(m), \(n)]")
      }
    }
  }

  @Test("a packed dtype names four values per element: shape, itemsize, str")
  func packedAttributes() throws {
    let source =
      Self.header + """
        def k(x):
            t = nl.ndarray((32, 6), dtype=nl.float8_e4m3fn_x4, buffer=nl.sbuf)
            print(t.shape, str(t.dtype), t.dtype.itemsize, t.dtype == nl.float8_e4m3fn_x4, t.dtype == nl.float8_e4m3fn)
            v = x.ap(dtype=nl.float8_e4m3fn_x4, pattern=[[3, 32], [1, 3]], offset=3)
            print(v.shape, v.offset)
            out = nl.ndarray((32, 12), dtype=nl.float32, buffer=nl.shared_hbm)
            return out
        """
    let traced = try NKIFile(source: source, file: "x4.py").trace(
      arguments: [.tensor(shape: [32, 6], dtype: .int32)], target: .trn3)
    #expect(traced.output == "(32, 6) float8_e4m3fn_x4 4 True False\n(32, 3) 3\n")
    // The tile is stored as [32, 24] fp8 values.
    #expect(traced.kernel.tensors.contains { $0.name == "t" && $0.shape == [32, 24] && $0.dtype == .float8e4m3fn })
  }

  @Test("fp4 MX data and a view whose rows do not hold whole packed elements are located errors")
  func refusals() throws {
    func failure(_ body: String, _ arg: DType = .uint8, shape: [Int] = [32, 6]) throws -> TraceError? {
      let source =
        Self.header + """
          def k(x):
          \(body)
              return x
          """
      do {
        _ = try NKIFile(source: source, file: "x4.py").trace(arguments: [.tensor(shape: shape, dtype: arg)])
        return nil
      } catch { return error }
    }
    let fp4 = try failure("    t = nl.ndarray((32, 4), dtype=nl.float4_e2m1fn_x4, buffer=nl.sbuf)")
    #expect(fp4?.message.contains("float4_e2m1fn_x4") == true, "\(String(describing: fp4))")
    #expect(fp4?.location.line == 8)
    let ragged = try failure("    v = x.ap(dtype=nl.float8_e5m2_x4, pattern=[[1, 32], [1, 1]], offset=0)")
    #expect(ragged?.message.contains("not a multiple of 4") == true, "\(String(describing: ragged))")
    #expect(ragged?.location.line == 8)
  }
}
