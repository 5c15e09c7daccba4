import TesselDSL
import TesselHost
import TesselIR
import TesselTestSupport
import Testing

/// A DSL PSUM tile of any rank is one tile: every dimension after the partition dimension is free
/// (``TensorDecl/blockDimensions`` 0), so `[M, J, N]` needs `J · N` elements of one bank, and
/// more than one bank is NKI's one-bank PSUM tile error at the declaring call.
@Suite("DSL PSUM tiles with several free dimensions")
struct PSUMTileTests {
  /// `out[m, j, n] = Σ_k a[k, m] · b[k, j·N + n]`, one matmul per `j` into `ps[:, j, :]`.
  static func kernel(k: Int, m: Int, j: Int, n: Int) -> SwiftKernel {
    SwiftKernel(
      name: "psum_free", KernelParameter("a", shape: [k, m]), KernelParameter("b", shape: [k, j * n])
    ) { a, b in
      let out = output("out", shape: [m, j, n], dtype: .float32)
      let at = load(a[0..., 0...])
      let bt = load(b[0..., 0...])
      let ps: Tile<PSUM> = ndarray([m, j, n], dtype: .float32)
      affineRange(j) { jj in
        matmul(into: ps[0..., jj, 0...], at, bt[0..., jj * n ..+ n])
      }
      store(out, value: copy(ps))
    }
  }

  @Test(
    "a [M, J, N] PSUM tile of one bank: matmuls into its J slices, recorded and eager",
    arguments: [(1, 2, 256), (7, 4, 128), (128, 2, 256), (128, 3, 100)])
  func oneBank(m: Int, j: Int, n: Int) throws {
    let k = 9
    let a = uniform(k * m, seed: UInt64(m))
    let b = uniform(k * j * n, seed: UInt64(m + 1))
    let inputs = [try host(a, [k, m]), try host(b, [k, j * n])]
    let kernel = Self.kernel(k: k, m: m, j: j, n: n)
    // [M, J·N] row-major is [M, J, N] row-major.
    let expected = referenceMatmul(transposedA: a, b, m: m, k: k, n: j * n)
    let r = try kernel.run(inputs, target: .trn2)
    expectClose(r.outputs[0].floatValues(), expected, shape: [m, j, n], rtol: 1e-5, atol: 1e-5)
    #expect(r.report.psumHighWaterBytes == 2048)
    let eager = try kernel.runEagerly(inputs, target: .trn2)
    expectClose(eager.outputs[0].floatValues(), expected, shape: [m, j, n], rtol: 1e-5, atol: 1e-5)
  }

  @Test("more than one bank of free elements is the one-bank PSUM tile error at the ndarray call")
  func tooLarge() {
    let line = #line + 5
    let kernel = SwiftKernel(
      name: "wide", KernelParameter("a", shape: [4, 128]), KernelParameter("b", shape: [4, 512])
    ) { a, b in
      let out = output("out", shape: [128, 512], dtype: .float32)
      let ps: Tile<PSUM> = ndarray([128, 4, 512], dtype: .float32)
      matmul(into: ps[0..., 0, 0...], load(a[0..., 0...]), load(b[0..., 0...]))
      store(out, value: copy(ps[0..., 0, 0...]))
    }
    var errors: [KernelError?] = [nil, nil]
    do { _ = try kernel.build(target: .trn2) } catch { errors[0] = error }
    do {
      let inputs = [try host(uniform(512, seed: 1), [4, 128]), try host(uniform(2048, seed: 2), [4, 512])]
      _ = try kernel.runEagerly(inputs, target: .trn2)
    } catch {
      errors[1] = error as? KernelError
    }
    for error in errors {
      guard let e = error, case .psumTileTooLarge(_, 8192, 2048) = e.kind else {
        Issue.record("expected the one-bank PSUM tile error, got \(String(describing: error))")
        continue
      }
      #expect(e.location.file == "TesselDSLTests/PSUMTileTests.swift")
      #expect(e.location.line == line)
    }
  }
}
