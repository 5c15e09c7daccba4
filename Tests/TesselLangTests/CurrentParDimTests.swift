import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselTestSupportCore
import Testing

/// `nl.par_dim` and PSUM tensors in the current dialect: `par_dim` is deprecated and returns its
/// argument (with one warning per call site), and a PSUM tensor is one tile whatever its rank,
/// since NKI removed block dimensions.
@Suite("Current dialect: nl.par_dim and PSUM tiles without block dimensions")
struct CurrentParDimTests {
  /// The lines of a current-dialect kernel file: its imports, then `body`.
  static func file(_ body: String) -> String {
    """
    import nki
    import nki.isa as nisa
    import nki.language as nl


    \(body)
    """
  }

  @Test("nl.par_dim(p) is p, with one located warning for a call site met in every iteration", arguments: [1, 7, 128])
  func parDimIsItsArgument(p: Int) throws {
    let source = Self.file(
      """
      @nki.jit
      def k(x):
          out = nl.ndarray((\(p), 80), dtype=nl.float32, buffer=nl.shared_hbm)
          for i in range(2):
              t = nl.ndarray((nl.par_dim(\(p)), 40), dtype=nl.float32, buffer=nl.sbuf)
              nisa.dma_copy(dst=t, src=x[:, i * 40:(i + 1) * 40])
              nisa.dma_copy(dst=out[:, (1 - i) * 40:(2 - i) * 40], src=t)
          return out
      """)
    let traced = try NKIFile(source: source, file: "par_dim.py").trace(
      arguments: [.tensor(shape: [p, 80], dtype: .float32)])
    var rng = SeededGenerator(seed: UInt64(p))
    let x = (0..<(p * 80)).map { _ in Float.random(in: -1...1, using: &rng) }
    let r = try Interpreter(kernel: traced.kernel).run(
      hostArrays: [try HostArray(shape: [p, 80], dtype: .float32, values: x)])
    // The two 40-column halves of each row swapped.
    var expected: [Float] = []
    for row in 0..<p {
      expected += x[(row * 80 + 40)..<(row * 80 + 80)]
      expected += x[(row * 80)..<(row * 80 + 40)]
    }
    #expect(r.outputs[0].floatValues() == expected)
    #expect(traced.kernel.tensors.contains { $0.space == .sbuf && $0.shape == [p, 40] })
    #expect(traced.warnings.count == 1)
    let w = try #require(traced.warnings.first)
    #expect(w.message.contains("nl.par_dim is deprecated and returns its argument unchanged"), "\(w.message)")
    #expect(w.location?.line == 10)
  }

  /// Five PSUM tensors `(128, 2, 256)` float32, live at once, each filled by two
  /// `nisa.nc_matmul`s (a `[32, 128]` stationary, `[32, 256]` moving slices) into `[:, 0, :]`
  /// and `[:, 1, :]`: one bank each as tiles (five of the eight banks), ten banks if the middle
  /// dimension were blocks.
  @Test("a PSUM (128, 2, 256) float32 tensor is one tile of one bank, not two blocks")
  func psumIsOneTile() throws {
    let source = Self.file(
      """
      @nki.jit
      def k(s, m):
          st = nl.ndarray((32, 128), dtype=nl.float32, buffer=nl.sbuf)
          nisa.dma_copy(dst=st, src=s)
          mv = nl.ndarray((32, 2560), dtype=nl.float32, buffer=nl.sbuf)
          nisa.dma_copy(dst=mv, src=m)
          acc = []
          for q in range(5):
              a = nl.ndarray((128, 2, 256), dtype=nl.float32, buffer=nl.psum)
              for j in range(2):
                  c = (2 * q + j) * 256
                  nisa.nc_matmul(dst=a[:, j, :], stationary=st, moving=mv[:, c:c + 256])
              acc.append(a)
          out = nl.ndarray((128, 2560), dtype=nl.float32, buffer=nl.shared_hbm)
          for q in range(5):
              for j in range(2):
                  c = (2 * q + j) * 256
                  r = nl.ndarray((128, 256), dtype=nl.float32, buffer=nl.sbuf)
                  nisa.tensor_copy(dst=r, src=acc[q][:, j, :])
                  nisa.dma_copy(dst=out[:, c:c + 256], src=r)
          return out
      """)
    let traced = try NKIFile(source: source, file: "psum_tile.py").trace(
      arguments: [.tensor(shape: [32, 128], dtype: .float32), .tensor(shape: [32, 2560], dtype: .float32)])
    let psum = traced.kernel.tensors.filter { $0.space == .psum }
    #expect(psum.count == 5)
    #expect(psum.allSatisfy { $0.shape == [128, 2, 256] && $0.blockShape == [] })
    var rng = SeededGenerator(seed: 7)
    let s = (0..<(32 * 128)).map { _ in Float(Int.random(in: -4...4, using: &rng)) }
    let m = (0..<(32 * 2560)).map { _ in Float(Int.random(in: -4...4, using: &rng)) }
    let r = try Interpreter(kernel: traced.kernel).run(
      hostArrays: [
        try HostArray(shape: [32, 128], dtype: .float32, values: s),
        try HostArray(shape: [32, 2560], dtype: .float32, values: m),
      ])
    // out[i, c] = Σ_k s[k, i] · m[k, c] (small integers: exact in any order).
    var expected: [Float] = []
    for i in 0..<128 {
      for c in 0..<2560 {
        var v: Float = 0
        for k in 0..<32 { v += s[k * 128 + i] * m[k * 2560 + c] }
        expected.append(v)
      }
    }
    #expect(r.outputs[0].floatValues() == expected)
  }
}
