import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import TesselTestSupportCore
import Testing

/// The current dialect has no block dimensions: a PSUM tensor `(M, J, N)` is one tile of `J · N`
/// elements per partition, and it may span several banks, up to the whole PSUM partition.
@Suite("Current dialect: PSUM tensors are one tile and may span banks")
struct CurrentPSUMTileTests {
  /// `out[m, j, n] = Σ_k a[k, m] · b[k, j·N + n]`: one `nc_matmul` per `j` into `ps[:, j, :]`.
  static func source(m: Int, j: Int, n: Int) -> String {
    """
    import nki
    import nki.isa as nisa
    import nki.language as nl


    @nki.jit
    def k(a, b):
        K = a.shape[0]
        at = nl.ndarray((K, \(m)), dtype=nl.float32, buffer=nl.sbuf)
        nisa.dma_copy(dst=at, src=a)
        bt = nl.ndarray((K, \(j * n)), dtype=nl.float32, buffer=nl.sbuf)
        nisa.dma_copy(dst=bt, src=b)
        ps = nl.ndarray((\(m), \(j), \(n)), dtype=nl.float32, buffer=nl.psum)
        for j in nl.affine_range(\(j)):
            nisa.nc_matmul(ps[:, j, :], at, bt[:, nl.ds(j * \(n), \(n))])
        r = nl.ndarray((\(m), \(j), \(n)), dtype=nl.float32, buffer=nl.sbuf)
        nisa.tensor_copy(dst=r, src=ps)
        out = nl.ndarray((\(m), \(j), \(n)), dtype=nl.float32, buffer=nl.shared_hbm)
        nisa.dma_copy(dst=out, src=r)
        return out
    """
  }

  /// Runs the kernel on seeded inputs; returns the output, the plain-loop product and the PSUM
  /// high-water mark.
  static func run(m: Int, j: Int, n: Int) throws -> (out: [Float], expected: [Float], psum: Int) {
    let k = 9
    var rng = SeededGenerator(seed: UInt64(m * 1000 + j * 10 + n))
    let a = (0..<(k * m)).map { _ in Float.random(in: -1...1, using: &rng) }
    let b = (0..<(k * j * n)).map { _ in Float.random(in: -1...1, using: &rng) }
    let traced = try NKIFile(source: source(m: m, j: j, n: n), file: "psum.py").trace(
      arguments: [.tensor(shape: [k, m], dtype: .float32), .tensor(shape: [k, j * n], dtype: .float32)])
    let r = try Interpreter(kernel: traced.kernel).run(hostArrays: [
      try HostArray(shape: [k, m], dtype: .float32, values: a),
      try HostArray(shape: [k, j * n], dtype: .float32, values: b),
    ])
    // The plain-loop product: [M, J·N] row-major is [M, J, N] row-major.
    let expected = referenceMatmul(transposedA: a, b, m: m, k: k, n: j * n)
    return (r.outputs[0].floatValues(), expected, r.report.psumHighWaterBytes)
  }

  /// Equal up to fp32 summation order.
  static func close(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }
  }

  @Test(
    "an (M, J, N) PSUM tensor of at most 2 KiB per partition is one tile in one bank",
    arguments: [(1, 2, 256), (7, 4, 128), (128, 2, 256), (128, 3, 100)])
  func oneBank(m: Int, j: Int, n: Int) throws {
    let r = try Self.run(m: m, j: j, n: n)
    #expect(Self.close(r.out, r.expected))
    #expect(r.psum == 2048)
  }

  @Test("a larger PSUM tensor spans consecutive banks", arguments: [(64, 2, 512, 2), (128, 4, 512, 4), (7, 6, 500, 6)])
  func spansBanks(m: Int, j: Int, n: Int, banks: Int) throws {
    let r = try Self.run(m: m, j: j, n: n)
    #expect(Self.close(r.out, r.expected))
    #expect(r.psum == banks * 2048)
  }

  @Test("a PSUM tensor larger than the whole PSUM partition is a capacity error at its line")
  func tooLarge() {
    #expect {
      _ = try Self.run(m: 128, j: 9, n: 512)
    } throws: { error in
      let line = (error as? KernelError)?.location.line ?? (error as? TraceError)?.location.line
      return line == 13
        && "\(error)".contains(
          "PSUM capacity exceeded: `ps` needs 18432 bytes per partition (9 banks) on 128 partitions, more than the 16384"
        )
    }
  }
}
