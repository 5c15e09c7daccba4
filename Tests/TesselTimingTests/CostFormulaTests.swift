import TesselIR
import Testing

@testable import TesselTiming

/// One instruction at a time against the documented cost formulas, with the documented numbers
/// written out here (clocks in GHz, cycles), not read from the model's constants.
@Suite("Cost formulas")
struct CostFormulaTests {
  static let matmulSource = """
    @nki.jit
    def k(a, b):
        out = nl.ndarray((128, b.shape[1]), dtype=nl.float32, buffer=nl.shared_hbm)
        x = nl.load(a)
        y = nl.load(b)
        p = nisa.nc_matmul(x, y)
        r = nl.copy(p)
        nl.store(out, value=r)
        return out
    """

  /// A case: target, dtype, a free size, the expected nanoseconds.
  struct Case: Sendable, CustomTestStringConvertible {
    var target: Target
    var dtype: DType
    var size: Int
    var expectedNs: Double
    var testDescription: String { "\(target) \(dtype) \(size)" }
  }

  static let matmulCases: [Case] = [
    Case(target: .trn1, dtype: .bfloat16, size: 512, expectedNs: 512.0 / 2.8),
    Case(target: .trn2, dtype: .bfloat16, size: 512, expectedNs: 512.0 / 2.4),
    Case(target: .trn2, dtype: .float32, size: 512, expectedNs: 4 * 512.0 / 2.4),
    Case(target: .trn2, dtype: .bfloat16, size: 32, expectedNs: 64.0 / 2.4),
    Case(target: .trn1, dtype: .float32, size: 128, expectedNs: 4 * 128.0 / 2.8),
  ]

  @Test("nc_matmul: max(64, moving free) PE cycles, four times that in fp32", arguments: matmulCases)
  func matmul(c: Case) throws {
    let (target, dtype, moving, expectedNs) = (c.target, c.dtype, c.size, c.expectedNs)
    let k = try trace(Self.matmulSource, [([128, 128], dtype), ([128, moving], dtype)], target: target)
    let e = try estimate(k, target: target)
    let mm = executions(e, "nc_matmul")
    #expect(mm.count == 1)
    #expect(abs((mm[0].end - mm[0].start) - expectedNs) < 1e-6)
  }

  /// DMA cases: a tile shape, its dtype and target, and the transfer's time on each DMA engine it
  /// uses at the engine's rate and at its queue's single-stream rate.
  static let dmaCases: [(shape: [Int], c: Case, queueNs: Double)] = [
    // [4, 4096] bf16 on trn2: one engine, 4 rows of 8 KiB: 4 × (30 + 8192 / 28) ns.
    (
      [4, 4096], Case(target: .trn2, dtype: .bfloat16, size: 0, expectedNs: 4 * (30 + 8192 / 28.0)),
      4 * (30 + 8192 / 28.0)
    ),
    // [128, 512] fp32 on trn2: 16 engines of 8 rows of 2 KiB.
    (
      [128, 512], Case(target: .trn2, dtype: .float32, size: 0, expectedNs: 8 * (30 + 2048 / 28.0)),
      8 * (30 + 2048 / 28.0)
    ),
    // [128, 512] bf16 on trn1: 8 rows of 1 KiB, 17 B/ns per engine, 6.2 B/ns for one queue.
    ([128, 512], Case(target: .trn1, dtype: .bfloat16, size: 0, expectedNs: 8 * 1024 / 17.0), 8 * 1024 / 6.2),
    // [7, 100] fp32 on trn1: one engine, 7 rows.
    ([7, 100], Case(target: .trn1, dtype: .float32, size: 0, expectedNs: 7 * 400 / 17.0), 7 * 400 / 6.2),
  ]

  @Test("a DMA costs rows per engine × (descriptor + bytes / rate) on each engine it uses")
  func dmaTransfer() throws {
    for (shape, c, queueNs) in Self.dmaCases {
      try dmaTransfer(shape: shape, dtype: c.dtype, target: c.target, engineNs: c.expectedNs, queueNs: queueNs)
    }
  }

  func dmaTransfer(shape: [Int], dtype: DType, target: Target, engineNs: Double, queueNs: Double) throws {
    let src = """
      @nki.jit
      def k(a):
          out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
          t = nl.load(a)
          nl.store(out, value=t)
          return out
      """
    let e = try estimate(try trace(src, [(shape, dtype)], target: target), target: target)
    let loads = executions(e, "load")
    #expect(loads.count == 1)
    #expect(abs((loads[0].transferEnd - loads[0].transferStart) - engineNs) < 1e-6)
    // Issued at 0, transferred after the issue, complete at the queue's rate.
    let issue = TimingConstants.for(target).dmaIssueNs.value
    #expect(abs(loads[0].end - (issue + queueNs)) < 1e-6)
  }

  static let elementwiseSource = """
    @nki.jit
    def k(a, b):
        out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
        x = nl.load(a)
        y = nl.load(b)
        r = nisa.tensor_tensor(x, y, op=nl.add)
        nl.store(out, value=r)
        return out
    """

  static let binaryCases: [Case] = [
    Case(target: .trn1, dtype: .float32, size: 512, expectedNs: (2 * 512 + 60) / 1.12),
    Case(target: .trn2, dtype: .float32, size: 512, expectedNs: (2 * 512 + 60) / 0.96),
    Case(target: .trn2, dtype: .bfloat16, size: 512, expectedNs: (512 + 60) / 0.96),
    Case(target: .trn1, dtype: .float32, size: 1, expectedNs: 64 / 1.12),
    Case(target: .trn1, dtype: .float32, size: 7, expectedNs: (14 + 60) / 1.12),
  ]

  @Test("tensor_tensor of two SBUF tiles: max(64, 2N + 60) DVE cycles; trn2 halves 16-bit", arguments: binaryCases)
  func tensorTensor(c: Case) throws {
    let (target, dtype, free, expectedNs) = (c.target, c.dtype, c.size, c.expectedNs)
    let k = try trace(Self.elementwiseSource, [([128, free], dtype), ([128, free], dtype)], target: target)
    let e = try estimate(k, target: target)
    let ops = executions(e, "tensor_tensor")
    #expect(ops.count == 1)
    #expect(abs((ops[0].end - ops[0].start) - expectedNs) < 1e-6)
  }

  @Test("activation: max(64, N + 60) ACT cycles, plus 64 with a reduction")
  func activation() throws {
    let src = """
      @nki.jit
      def k(a):
          out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
          x = nl.load(a)
          y = nisa.activation(op=nl.exp, data=x)
          nl.store(out, value=y)
          return out
      """
    for (target, clock) in [(Target.trn1, 1.4), (.trn2, 1.2)] {
      let e = try estimate(try trace(src, [([128, 300], .float32)], target: target), target: target)
      let a = executions(e, "activation")
      #expect(abs((a[0].end - a[0].start) - (300 + 60) / clock) < 1e-6)
    }
  }

  @Test("iota on GpSimd: 150 + N cycles; reciprocal on the Vector engine: 8N")
  func gpsimdAndReciprocal() throws {
    let src = """
      @nki.jit
      def k(a):
          out = nl.ndarray((128, 256), dtype=nl.float32, buffer=nl.shared_hbm)
          x = nl.load(a)
          r = nisa.reciprocal(x)
          i = nisa.iota(nl.arange(128)[:, None] + nl.arange(256)[None, :], dtype=nl.float32)
          s = nl.add(r, i)
          nl.store(out, value=s)
          return out
      """
    let e = try estimate(try trace(src, [([128, 256], .float32)], target: .trn1), target: .trn1)
    let rec = executions(e, "reciprocal")
    #expect(abs((rec[0].end - rec[0].start) - (8 * 256 + 60) / 1.12) < 1e-6)
    let iota = executions(e, "iota")
    #expect(iota.count == 1)
    #expect(iota.first.map { $0.track } == 3)
    #expect(iota.first.map { abs(($0.end - $0.start) - (150 + 256) / 1.4) < 1e-6 } == true)
  }
}
