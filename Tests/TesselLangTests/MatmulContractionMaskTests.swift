import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import Testing

/// `tile[mask]` on the partition axis of a matmul operand: the contraction rows it excludes take
/// no part in the sum, against plain loops.
@Suite("Contraction masks of nc_matmul operands")
struct MatmulContractionMaskTests {
  /// A kernel of `a[K, M]` and `b[K, N]` with index grids `ip` (`K`), `im` (`M`), `i_n` (`N`) whose
  /// `body` leaves `a[K, M]ᵀ @ b[K, N]` (masked as it says) in the PSUM tile `ps`.
  static func kernel(_ body: String) -> String {
    let indented = body.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
    return header + """
      @nki.jit
      def k(a, b):
          (K, M), N = a.shape, b.shape[1]
          out = nl.ndarray((M, N), dtype=nl.float32, buffer=nl.shared_hbm)
          ip, im, i_n = nl.arange(K)[:, None], nl.arange(M)[None, :], nl.arange(N)[None, :]
      \(indented)
          nl.store(out, nl.copy(ps))
          return out
      """
  }

  /// The product summed twice (loop `j` in 0..<2) into one PSUM tile, the rows of `a` masked by
  /// `stationaryMask` and those of `b` by `movingMask` (Python over `ip` and `j`).
  static func source(stationaryMask: String, movingMask: String) -> String {
    kernel(
      """
      at = nl.load(a)
      bt = nl.load(b)
      ps = nl.zeros((M, N), nl.float32, buffer=nl.psum)
      for j in nl.affine_range(2):
          ps += nisa.nc_matmul(at[ip, im][\(stationaryMask)], bt[ip, i_n][\(movingMask)])
      """)
  }

  /// Row `r` of a `[rows, cols]` input holds NaN where `poisoned(r)`, else small varied values.
  static func input(rows: Int, cols: Int, seed: Int, dtype: DType, poisoned: (Int) -> Bool) throws -> HostArray {
    let values = (0..<(rows * cols)).map { i -> Float in
      poisoned(i / cols) ? .nan : Float((i * seed) % 29) / 4 - 3
    }
    return try HostArray(shape: [rows, cols], dtype: dtype, values: values)
  }

  @Test(
    "rows either operand's mask excludes add nothing (NaN there stays out); loop-dependent ragged masks",
    arguments: [(1, 3, 5, DType.float32), (7, 4, 9, .bfloat16), (128, 33, 70, .float32), (128, 128, 512, .bfloat16)])
  func ragged(k: Int, m: Int, n: Int, dtype: DType) throws {
    // Stationary keeps rows ip + j >= lo, moving keeps ip < hi - j: with j in 0..<2.
    let lo = k / 3 + 1
    let hi = k - k / 4
    let keptByA = { (r: Int, j: Int) in r + j >= lo }
    let keptByB = { (r: Int, j: Int) in r < hi - j }
    // NaN in rows that every iteration excludes through one operand's mask only.
    let a = try Self.input(rows: k, cols: m, seed: 7, dtype: dtype) { r in !keptByA(r, 1) }
    let b = try Self.input(rows: k, cols: n, seed: 11, dtype: dtype) { r in !keptByB(r, 0) }
    let src = Self.source(stationaryMask: "ip + j >= \(lo)", movingMask: "ip < \(hi) - j")
    let (_, r) = try traceAndRun(src, [a, b])
    let out = r.outputs[0].floatValues()
    let av = a.floatValues()
    let bv = b.floatValues()
    for i in 0..<m {
      for c in 0..<n {
        var sum: Float = 0
        for j in 0..<2 {
          var part: Float = 0
          for row in 0..<k where keptByA(row, j) && keptByB(row, j) { part += av[row * m + i] * bv[row * n + c] }
          sum += part
        }
        let got = out[i * n + c]
        #expect(!got.isNaN, "\(i), \(c)")
        #expect(Swift.abs(got - sum) <= 1e-4 * Swift.max(1, Swift.abs(sum)), "\(i), \(c): \(got) vs \(sum)")
      }
    }
  }

  @Test("a row both masks keep contributes; a mask that keeps every row is no mask", arguments: [1, 7, 128])
  func keepsAll(k: Int) throws {
    let a = try Self.input(rows: k, cols: 4, seed: 5, dtype: .float32) { _ in false }
    let b = try Self.input(rows: k, cols: 6, seed: 3, dtype: .float32) { _ in false }
    let (kernel, r) = try traceAndRun(Self.source(stationaryMask: "ip >= 0", movingMask: "ip < \(k)"), [a, b])
    #expect(kernel.instructions.allSatisfy { $0.operation.contractionMask.isEmpty })
    Self.expectProduct(r.outputs[0].floatValues(), a, b, rows: 0..<k, times: 2)
  }

  /// Expects `out[M, N]` to be `times · Σ a[row, i] · b[row, c]` over `rows` (a plain loop).
  static func expectProduct(_ out: [Float], _ a: HostArray, _ b: HostArray, rows: Range<Int>, times: Float = 1) {
    let (m, n) = (a.shape[1], b.shape[1])
    let av = a.floatValues()
    let bv = b.floatValues()
    for i in 0..<m {
      for c in 0..<n {
        var part: Float = 0
        for row in rows { part += av[row * m + i] * bv[row * n + c] }
        #expect(Swift.abs(out[i * n + c] - times * part) <= 1e-4 * Swift.max(1, Swift.abs(times * part)), "\(i), \(c)")
      }
    }
  }

  @Test("excluded rows that were never written are not reported as never-written reads", arguments: [7, 128])
  func neverWrittenRowsUnread(k: Int) throws {
    let hi = k - 2
    let src = Self.kernel(
      """
      at = nl.ndarray((K, M), dtype=nl.float32, buffer=nl.sbuf)
      at[ip, im] = nl.load(a[ip, im], mask=(ip < \(hi)))
      bt = nl.load(b)
      ps = nl.ndarray((M, N), dtype=nl.float32, buffer=nl.psum)
      ps[...] = nisa.nc_matmul(at[ip, im][ip < \(hi)], bt)
      """)
    let a = try Self.input(rows: k, cols: 3, seed: 5, dtype: .float32) { _ in false }
    let b = try Self.input(rows: k, cols: 5, seed: 3, dtype: .float32) { _ in false }
    let (_, r) = try traceAndRun(src, [a, b])
    #expect(r.report.warnings.isEmpty, "\(r.report.warnings)")
    Self.expectProduct(r.outputs[0].floatValues(), a, b, rows: 0..<hi)
  }

  @Test("the IR prints the contraction mask and the verifier refuses one of the wrong rank")
  func irContract() throws {
    let a = try Self.input(rows: 7, cols: 2, seed: 5, dtype: .float32) { _ in false }
    let b = try Self.input(rows: 7, cols: 2, seed: 3, dtype: .float32) { _ in false }
    let (kernel, _) = try traceAndRun(Self.source(stationaryMask: "ip >= 2", movingMask: "ip < 5 - j"), [a, b])
    let matmul = try #require(kernel.instructions.first { !$0.operation.contractionMask.isEmpty })
    #expect(matmul.operation.contractionMask.count == 2)
    #expect(kernel.printed().contains("contraction("), "\(kernel.printed())")

    var builder = KernelBuilder(name: "k")
    let s = builder.declareTensor(name: "s", space: .sbuf, shape: [4, 4], dtype: .float32)
    let d = builder.declareTensor(name: "d", space: .psum, shape: [4, 4], dtype: .float32)
    builder.emit(.memset(dst: .whole(s, shape: [4, 4]), value: 1), engine: .vector, mask: [], location: .unknown)
    let op = Operation.matmul(
      dst: .whole(d, shape: [4, 4]), stationary: .whole(s, shape: [4, 4]), moving: .whole(s, shape: [4, 4]),
      accumulation: .overwrite)
    guard case .matmul(var m) = op else {
      Issue.record("not a matmul")
      return
    }
    // Two coefficients: a contraction condition ranges over the one contraction row.
    m.contraction = [
      AffineCondition(coefficients: [1, 0], offset: AffineExpr(constant: -1), comparison: .greaterEqual)
    ]
    builder.emit(.matmul(m), engine: .tensor, mask: [], location: .unknown)
    #expect(throws: (any Error).self) { try builder.finish(target: .trn2) }
  }
}
