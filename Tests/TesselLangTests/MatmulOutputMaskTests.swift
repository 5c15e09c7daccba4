import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import Testing

/// Matmul masks over `nl.arange` indices, against plain loops.
///
/// `mask=` on `nisa.nc_matmul` and `nl.matmul`, and `tile[mask]` on their operands: a condition
/// over the moving operand's free axis keeps output columns, over the stationary operand's free
/// axis output rows; the rest is refused at the call.
@Suite("Matmul masks over output rows and columns")
struct MatmulOutputMaskTests {
  /// `acc[m, n] = Σ_k a[k, m] · b[k, n]` where `mask` keeps `(m, n)`; 0 elsewhere (the PSUM tile
  /// starts as zeros and a masked-off element is not written).
  static func expected(
    _ a: [Float], _ b: [Float], k: Int, m: Int, n: Int, keep: (Int, Int) -> Bool
  ) -> [Float] {
    var out = [Float](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n where keep(i, j) {
        var s: Float = 0
        for l in 0..<k { s += a[l * m + i] * b[l * n + j] }
        out[i * n + j] = s
      }
    }
    return out
  }

  static func values(_ count: Int, _ seed: Int) -> [Float] {
    (0..<count).map { Float(($0 * 7 + seed) % 13) * 0.125 - 0.75 }
  }

  static func run(_ source: String, k: Int, m: Int, n: Int) throws -> (
    out: [Float], warnings: [Diagnostic], a: [Float], b: [Float]
  ) {
    let a = values(k * m, 3)
    let b = values(k * n, 5)
    let traced = try NKIFile(source: source, file: "t.py").trace(arguments: [
      .tensor(shape: [k, m], dtype: .float32), .tensor(shape: [k, n], dtype: .float32),
    ])
    let r = try Interpreter(kernel: traced.kernel).run(hostArrays: [
      try HostArray(shape: [k, m], dtype: .float32, values: a),
      try HostArray(shape: [k, n], dtype: .float32, values: b),
    ])
    return (r.outputs[0].floatValues(), r.report.warnings, a, b)
  }

  static func compare(_ out: [Float], _ want: [Float]) {
    #expect(out.count == want.count)
    for (i, (o, w)) in zip(out, want).enumerated() {
      #expect(abs(o - w) <= 1e-4 * max(1, abs(w)), "element \(i): \(o) vs \(w)")
    }
  }

  /// A kernel `k(a[K, M], b[K, N])` that runs `body` (lines indented by four spaces) between a
  /// zeroed `[M, N]` PSUM tile `acc` and the store of `acc`.
  static func kernel(_ body: String) -> String {
    header + """
      @nki.jit
      def k(a, b):
          K, M = a.shape
          _, N = b.shape
          out = nl.ndarray((M, N), dtype=nl.float32, buffer=nl.shared_hbm)
          i_k = nl.arange(K)[:, None]
          acc = nl.zeros((M, N), dtype=nl.float32, buffer=nl.psum)
      \(body)
          nl.store(out, nl.copy(acc))
          return out
      """
  }

  /// The moving operand is a wider SBUF tile whose columns from `n_valid` on are never written,
  /// read through an offset grid; the mask keeps the columns below `n_valid` (attention
  /// token-generation style).
  static let movingColumns = kernel(
    """
        n_valid = N - N // 3
        wide = nl.ndarray((K, N + 4), dtype=nl.float32, buffer=nl.sbuf)
        i_f = nl.arange(N)[None, :]
        i_v = nl.arange(n_valid)[None, :]
        wide[i_k, i_v + 2] = nl.load(b[i_k, i_v])
        acc[:, 0:N] += nisa.nc_matmul(nl.load(a), wide[i_k, i_f + 2], mask=(i_f < n_valid))
    """)

  @Test(
    "nc_matmul mask= over the moving free axis keeps output columns", arguments: [(1, 5, 7), (7, 3, 9), (128, 128, 20)])
  func movingColumns(k: Int, m: Int, n: Int) throws {
    let r = try Self.run(Self.movingColumns, k: k, m: m, n: n)
    let valid = n - n / 3
    Self.compare(r.out, Self.expected(r.a, r.b, k: k, m: m, n: n) { _, j in j < valid })
    // The never-written columns of `wide` feed only the products the mask drops.
    #expect(r.warnings.isEmpty, "\(r.warnings)")
  }

  /// The stationary operand indexed by a free grid of extent M, masked on it; `nl.matmul` with
  /// `transpose_x=True` the same way.
  static func stationaryRows(_ call: String) -> String {
    kernel(
      """
          i_m = nl.arange(M)[None, :]
          i_n = nl.arange(N)[None, :]
          at = nl.load(a)
          bt = nl.load(b)
          for t in nl.affine_range(2):
              acc[:, 0:N] += \(call)
      """)
  }

  @Test(
    "mask= or tile[mask] over the stationary free axis keeps output rows",
    arguments: [
      "nisa.nc_matmul(at[i_k, i_m], bt, mask=(i_m + t * 2 < M - 1))",
      "nisa.nc_matmul(at[i_k, i_m][i_m + t * 2 < M - 1], bt)",
    ], [(1, 5, 7), (7, 6, 3), (128, 100, 128)])
  func stationaryRows(call: String, shape: (k: Int, m: Int, n: Int)) throws {
    let (k, m, n) = shape
    let r = try Self.run(Self.stationaryRows(call), k: k, m: m, n: n)
    // Iteration t adds the rows with m + 2t < M - 1: rows below M - 3 twice, M - 3 and M - 2 once.
    let once = Self.expected(r.a, r.b, k: k, m: m, n: n) { i, _ in i < m - 1 }
    let twice = Self.expected(r.a, r.b, k: k, m: m, n: n) { i, _ in i + 2 < m - 1 }
    Self.compare(r.out, zip(once, twice).map { $0 + $1 })
    #expect(r.warnings.isEmpty, "\(r.warnings)")
  }

  /// Column masks on the moving operand's free axis, and the columns `j < N - drop[t]` that
  /// iteration `t` keeps (a `drop` of `N` or more keeps none).
  static let columnMasks: [(call: String, drop: [Int])] = [
    (
      "nl.matmul(at, bt[i_k, i_n], transpose_x=True, mask=(i_n < N - 3 - t))", [3, 4]
    ),
    ("nisa.nc_matmul(at, bt[i_k, i_n][i_n < N - 2 - t], mask=(t < 1))", [2, 100]),
  ]

  @Test(
    "nl.matmul mask= and tile[mask] over the moving free axis keep output columns",
    arguments: [0, 1], [1, 7, 128])
  func movingColumnMasks(variant: Int, k: Int) throws {
    let (m, n) = (6, 9)
    let (call, drop) = Self.columnMasks[variant]
    let r = try Self.run(Self.stationaryRows(call), k: k, m: m, n: n)
    let first = Self.expected(r.a, r.b, k: k, m: m, n: n) { _, j in j < n - drop[0] }
    let second = Self.expected(r.a, r.b, k: k, m: m, n: n) { _, j in j < n - drop[1] }
    Self.compare(r.out, zip(first, second).map { $0 + $1 })
    #expect(r.warnings.isEmpty, "\(r.warnings)")
  }

  static func refusal(_ call: String, k: Int, m: Int, n: Int) throws -> TraceError? {
    do {
      _ = try NKIFile(source: stationaryRows(call), file: "t.py").trace(arguments: [
        .tensor(shape: [k, m], dtype: .float32), .tensor(shape: [k, n], dtype: .float32),
      ])
    } catch let e as TraceError {
      return e
    }
    return nil
  }

  @Test("a mask whose extent is both M and N, on the partition axis, or an operand condition over both axes is refused")
  func refusals() throws {
    let square = try #require(try Self.refusal("nisa.nc_matmul(at, bt[i_k, i_m], mask=(i_m < 3))", k: 8, m: 6, n: 6))
    #expect(
      square.message.contains("of extent 6: the output is [6, 6], so it could mask its rows or its columns"),
      "\(square.message)")
    #expect(square.location.line == 16, "\(square.location)")
    let partition = try #require(try Self.refusal("nisa.nc_matmul(at, bt, mask=(i_k < 3))", k: 8, m: 6, n: 5))
    #expect(partition.message.contains("of the partition axis"), "\(partition.message)")
    let bothAxes = try #require(
      try Self.refusal("nisa.nc_matmul(at[i_k, i_m][i_k + i_m < 8], bt)", k: 8, m: 6, n: 5))
    #expect(
      bothAxes.message.contains("a condition over both its partition axis (the contraction) and its free axis"),
      "\(bothAxes.message)")
    #expect(bothAxes.location.line == 16, "\(bothAxes.location)")
    let neither = try #require(
      try Self.refusal("nisa.nc_matmul(at, bt, mask=(nl.arange(9)[None, :] < 3))", k: 8, m: 6, n: 5))
    #expect(neither.message.contains("neither the 6 rows nor the 5 columns"), "\(neither.message)")
  }
}
