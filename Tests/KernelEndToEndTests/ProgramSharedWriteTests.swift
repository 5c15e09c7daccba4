import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselTestSupport
import Testing

/// The two programs of a current-dialect launch on two cores (`kernel[2]`, `--lnc 2`) writing the
/// same elements of a `shared_hbm` output: different values with no rendezvous between the writes
/// are a located dependence error naming both writes; equal values, disjoint regions and writes
/// a `core_barrier` or `sendrecv` orders run silently with the right numbers.
@Suite("programs of a two-core launch writing one output")
struct ProgramSharedWriteTests {
  static let header = """
    import nki
    import nki.language as nl
    import nki.isa as nisa


    """

  /// Traces `source` (after ``header``) as a launch of two programs on one `[rows, cols]` input
  /// and runs it.
  static func run(_ source: String, _ x: [Float], rows: Int, cols: Int) throws -> HostRunResult {
    let traced = try NKIFile(source: header + source, file: "lnc.py").trace(
      arguments: [.tensor(shape: [rows, cols], dtype: .float32)], grid: [2])
    #expect(traced.warnings.isEmpty)
    return try Interpreter(kernel: traced.kernel).run(hostArrays: [
      try HostArray(shape: [rows, cols], dtype: .float32, values: x)
    ])
  }

  /// The dependence error of a run that must fail, or nil.
  static func dependence(_ source: String, _ x: [Float], rows: Int, cols: Int) throws -> DependenceError? {
    do {
      _ = try run(source, x, rows: rows, cols: cols)
      return nil
    } catch let e as KernelError {
      guard case .dependence(let d) = e.kind else { return nil }
      return d
    }
  }

  /// A kernel whose two programs share one column of the output they write.
  ///
  /// Program `p` writes columns `p * (w - 1) ..< p * (w - 1) + w` of a `[rows, 2w - 1]` output
  /// from the same columns of the input, plus `p * bump`: the programs share column `w - 1`. The
  /// write is on line 15 of the file.
  static func overlapping(width w: Int, bump: Int) -> String {
    """
    @nki.jit
    def k(x):
        rows, cols = x.shape
        pid = nl.program_id(0)
        out = nl.ndarray((rows, cols), dtype=x.dtype, buffer=nl.shared_hbm)
        lo = pid * \(w - 1)
        t = nl.ndarray((rows, \(w)), dtype=x.dtype, buffer=nl.sbuf)
        nisa.dma_copy(dst=t, src=x[:, lo:lo + \(w)])
        s = nl.ndarray((rows, \(w)), dtype=x.dtype, buffer=nl.sbuf)
        nisa.tensor_scalar(dst=s, data=t, op0=nl.add, operand0=float(pid * \(bump)))
        nisa.dma_copy(dst=out[:, lo:lo + \(w)], src=s)
        return out
    """
  }

  /// A kernel of one input `x` whose body follows `pid = nl.program_id(0)` and the `out` it
  /// declares like `x` in shared HBM (lines 5 to 8 of the file; the body starts on line 9).
  static func kernel(_ body: String) -> String {
    """
    @nki.jit
    def k(x):
        pid = nl.program_id(0)
        out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)

    """ + body
  }

  static let shapes: [(Int, Int)] = [(1, 5), (7, 13), (128, 33)]

  @Test(
    "different values in a shared column: the error names both programs, `out` and the first shared element",
    arguments: shapes)
  func differentValues(rows: Int, width: Int) throws {
    let cols = 2 * width - 1
    let x = randomArray(count: rows * cols, in: -1...1, seed: 41)
    let e = try #require(try Self.dependence(Self.overlapping(width: width, bump: 1), x, rows: rows, cols: cols))
    #expect(e.scope == .programs(count: 2))
    #expect(e.tensor == "out" && e.element == [0, width - 1])
    #expect(e.first.iteration == [0] && e.second.iteration == [1])
    #expect(e.first.operation == "dma_copy" && e.location.line == 15 && e.first.location.line == 15)
    #expect(e.differingValues == [x[width - 1], x[width - 1] + 1])
    #expect(e.message.contains("by 'dma_copy' (line 15) in program 0 and by 'dma_copy' (line 15) in program 1"))
  }

  @Test("equal values in the shared column run silently and give the input back", arguments: shapes)
  func equalValues(rows: Int, width: Int) throws {
    let cols = 2 * width - 1
    let x = randomArray(count: rows * cols, in: -1...1, seed: 42)
    let r = try Self.run(Self.overlapping(width: width, bump: 0), x, rows: rows, cols: cols)
    #expect(r.outputs[0].floatValues() == x)
    #expect(r.report.warnings.isEmpty)
  }

  @Test("disjoint halves with different values run silently with each program's numbers", arguments: shapes)
  func disjoint(rows: Int, width: Int) throws {
    let cols = 2 * width
    let x = randomArray(count: rows * cols, in: -1...1, seed: 43)
    let src = """
      @nki.jit
      def k(x):
          rows, cols = x.shape
          pid = nl.program_id(0)
          out = nl.ndarray((rows, cols), dtype=x.dtype, buffer=nl.shared_hbm)
          t = nl.ndarray((rows, \(width)), dtype=x.dtype, buffer=nl.sbuf)
          nisa.dma_copy(dst=t, src=x[:, pid * \(width):(pid + 1) * \(width)])
          nisa.tensor_scalar(dst=t, data=t, op0=nl.multiply, operand0=float(pid + 2))
          nisa.dma_copy(dst=out[:, pid * \(width):(pid + 1) * \(width)], src=t)
          return out
      """
    let r = try Self.run(src, x, rows: rows, cols: cols)
    var expected = x
    for i in 0..<rows {
      for j in 0..<cols { expected[i * cols + j] = x[i * cols + j] * Float(j / width + 2) }
    }
    #expect(r.outputs[0].floatValues() == expected)
    #expect(r.report.warnings.isEmpty)
  }

  @Test(
    "a core_barrier between the writes orders them: the later program's values are the output",
    arguments: shapes)
  func barrierOrders(rows: Int, cols: Int) throws {
    let x = randomArray(count: rows * cols, in: -1...1, seed: 44)
    let src = Self.kernel(
      """
          t = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.sbuf)
          nisa.dma_copy(dst=t, src=x)
          nisa.tensor_scalar(dst=t, data=t, op0=nl.add, operand0=float(pid))
          if pid == 0:
              nisa.dma_copy(dst=out, src=t)
          nisa.core_barrier(data=out, cores=(0, 1))
          if pid == 1:
              nisa.dma_copy(dst=out, src=t)
          return out
      """)
    let r = try Self.run(src, x, rows: rows, cols: cols)
    #expect(r.outputs[0].floatValues() == x.map { $0 + 1 })
    #expect(r.report.warnings.isEmpty)
  }

  @Test("after a rendezvous, different values from both programs are the error again, at the later writes")
  func conflictAfterRendezvous() throws {
    let (rows, cols) = (7, 13)
    let x = randomArray(count: rows * cols, in: -1...1, seed: 45)
    let src = Self.kernel(
      """
          t = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.sbuf)
          nisa.dma_copy(dst=t, src=x)
          if pid == 0:
              nisa.dma_copy(dst=out, src=t)
          other = nl.ndarray((\(rows), 1), dtype=x.dtype, buffer=nl.sbuf)
          nisa.sendrecv(src=t[:, 0:1], dst=other, send_to_rank=1 - pid, recv_from_rank=1 - pid, pipe_id=0)
          nisa.tensor_scalar(dst=t, data=t, op0=nl.add, operand0=float(pid + 1))
          nisa.dma_copy(dst=out, src=t)
          return out
      """)
    let e = try #require(try Self.dependence(src, x, rows: rows, cols: cols))
    #expect(e.scope == .programs(count: 2) && e.tensor == "out" && e.element == [0, 0])
    #expect(e.first.location.line == 16 && e.second.location.line == 16)
    #expect(e.differingValues == [x[0] + 1, x[0] + 2])
  }

  @Test("different values written tile by tile in a loop are found inside the loop")
  func inLoop() throws {
    let (rows, cols) = (7, 40)
    let x = randomArray(count: rows * cols, in: -1...1, seed: 46)
    let src = Self.kernel(
      """
          for i in nl.affine_range(4):
              t = nl.ndarray((\(rows), 10), dtype=x.dtype, buffer=nl.sbuf)
              nisa.dma_copy(dst=t, src=x[:, i * 10:(i + 1) * 10])
              if pid == 1:
                  nisa.memset(dst=t[:, 3:4], value=5.0)
              nisa.dma_copy(dst=out[:, i * 10:(i + 1) * 10], src=t)
          return out
      """)
    let e = try #require(try Self.dependence(src, x, rows: rows, cols: cols))
    #expect(e.scope == .programs(count: 2) && e.tensor == "out" && e.element == [0, 3])
    #expect(e.location.line == 14 && e.differingValues == [x[3], 5])
  }
}
