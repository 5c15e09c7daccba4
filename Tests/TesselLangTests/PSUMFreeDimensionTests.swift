import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import Testing

/// Legacy PSUM tensors whose free part has several dimensions.
///
/// `(nl.par_dim(P), A, B)` is one tile of `A · B` elements per partition (one bank when that is
/// at most 2 KiB), not `A` blocks; only the dimensions before `nl.par_dim` are blocks. Checked
/// against plain loops, and against the capacity errors that real over-subscription still gets.
@Suite("Legacy PSUM tiles with several free dimensions")
struct PSUMFreeDimensionTests {
  /// A tile `(par_dim(M), A, B)` declared in the body of nested `affine_range` loops, accumulated
  /// over `KT` contraction tiles by `nc_matmul` with a three-dimensional moving operand (as the
  /// contributed convolutions do): `out[n, h, m, a, b] = Σ_k w[k, m] · x[n, h, k, a, b]`.
  static let nestedSource =
    header + """
      @nki.jit
      def k(x, w):
          N, H, K, A, B = x.shape
          M = w.shape[1]
          KT = 2
          KS = K // KT
          out = nl.ndarray((N, H, M, A, B), dtype=nl.float32, buffer=nl.shared_hbm)
          for n in nl.affine_range(N):
              for h in nl.affine_range(H):
                  ps = nl.zeros((nl.par_dim(M), A, B), dtype=nl.float32, buffer=nl.psum)
                  for kt in nl.affine_range(KT):
                      i_k = nl.arange(KS)[:, None, None]
                      i_a = nl.arange(A)[None, :, None]
                      i_b = nl.arange(B)[None, None, :]
                      xt = nl.load(x[n, h, kt * KS + i_k, i_a, i_b])
                      wt = nl.load(w[kt * KS + nl.arange(KS)[:, None], nl.arange(M)[None, :]])
                      i_m = nl.arange(M)[:, None, None]
                      ps[i_m, i_a, i_b] += nisa.nc_matmul(wt, xt)
                  nl.store(out[n, h], nl.copy(ps))
          return out
      """

  static func values(_ n: Int, _ seed: Int) -> [Float] {
    (0..<n).map { Float(($0 * 29 + seed * 13) % 61) / 8 - 3.5 }
  }

  @Test(
    "a (par_dim(M), A, B) PSUM tile in nested affine loops is one tile per iteration and matches plain loops",
    arguments: [(1, 16, 32), (7, 16, 32), (128, 16, 32), (7, 3, 5)])
  func nestedTile(m: Int, a: Int, b: Int) throws {
    let (n, h, k) = (2, 3, 6)
    let x = Self.values(n * h * k * a * b, 1)
    let w = Self.values(k * m, 2)
    let (kernel, r) = try traceAndRun(
      Self.nestedSource,
      [
        try HostArray(shape: [n, h, k, a, b], dtype: .float32, values: x),
        try HostArray(shape: [k, m], dtype: .float32, values: w),
      ])
    let ps = try #require(kernel.tensors.first { $0.space == .psum && $0.name == "ps" })
    #expect(ps.blockShape.isEmpty)
    let plan = try Interpreter(kernel: kernel).allocation
    #expect(plan.psumHighWater == 2048, "one bank: \(plan.psumHighWater)")
    let out = r.outputs[0].floatValues()
    for ni in 0..<n {
      for hi in 0..<h {
        for mi in 0..<m {
          for e in 0..<(a * b) {
            var s: Float = 0
            for ki in 0..<k { s += w[ki * m + mi] * x[((ni * h + hi) * k + ki) * a * b + e] }
            let got = out[((ni * h + hi) * m + mi) * a * b + e]
            #expect(abs(got - s) <= 1e-4 * max(1, abs(s)), "out[\(ni), \(hi), \(mi), \(e)]")
          }
        }
      }
    }
  }

  @Test("a (par_dim(128), 4, 512) float32 PSUM tile needs 8 KiB in one tile: too large, at its line")
  func tileLargerThanBank() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray((128, 512), dtype=nl.float32, buffer=nl.shared_hbm)
            ps = nl.zeros((nl.par_dim(128), 4, 512), dtype=nl.float32, buffer=nl.psum)
            nl.store(out, nl.copy(ps[:, 0, :]))
            return out
        """
    do throws(TraceError) {
      _ = try NKIFile(source: src, file: "t.py").trace(arguments: [.tensor(shape: [128, 512], dtype: .float32)])
      Issue.record("traced a PSUM tile of 8 KiB per partition")
    } catch {
      #expect(error.location.line == Self.line(of: "ps = ", in: src), "\(error.location)")
      #expect(error.message.contains("8192"), "\(error.message)")
    }
  }

  /// The 1-based number of the first line of `src` containing `text` (0 when none does).
  static func line(of text: String, in src: String) -> Int {
    (src.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(text) } ?? -1) + 1
  }

  /// Traces `src` on a `float32[128, 512]` and returns the capacity error preparing a run gives.
  static func capacityError(_ src: String) throws -> KernelError? {
    let traced = try NKIFile(source: src, file: "t.py").trace(arguments: [
      .tensor(shape: [128, 512], dtype: .float32)
    ])
    do throws(KernelError) {
      _ = try Interpreter(kernel: traced.kernel)
    } catch {
      return error
    }
    return nil
  }

  @Test("nine blocks of (9, par_dim(128), 2, 256) all live at once: nine banks, not eighteen, too many")
  func blocksWithSeveralFreeDimensions() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray((128, 512), dtype=nl.float32, buffer=nl.shared_hbm)
            t = nl.load(x.reshape((128, 2, 256)))
            acc = nl.ndarray((9, nl.par_dim(128), 2, 256), dtype=nl.float32, buffer=nl.psum)
            for i in nl.affine_range(9):
                acc[i] = nl.multiply(t, 2.0)
            total = nl.zeros((128, 2, 256), dtype=nl.float32, buffer=nl.sbuf)
            for i in nl.sequential_range(9):
                total[...] = nl.add(total, acc[8 - i])
            nl.store(out.reshape((128, 2, 256)), value=total)
            return out
        """
    let error = try #require(try Self.capacityError(src))
    #expect(error.location.line == Self.line(of: "acc = ", in: src), "\(error.location)")
    #expect(
      error.message.hasPrefix(
        "PSUM capacity exceeded: 9 blocks of `acc` live at once need 18432 bytes per partition (9 banks)"),
      "\(error.message)")
  }

  @Test("nine one-bank tiles written in one loop body before any is read: too many at once, at the ninth")
  func manyTilesInOneIteration() throws {
    let tiles = (0..<9).map {
      "        p\($0) = nl.ndarray((128, 512), dtype=nl.float32, buffer=nl.psum)\n"
        + "        p\($0)[...] = nl.multiply(t, \($0 + 1).0)"
    }
    let reads = (0..<9).map { "        s[...] = nl.add(s, p\($0))" }
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray((2, 128, 512), dtype=nl.float32, buffer=nl.shared_hbm)
            t = nl.load(x)
            for i in nl.affine_range(2):
                s = nl.zeros((128, 512), dtype=nl.float32, buffer=nl.sbuf)

        """ + (tiles + reads).joined(separator: "\n") + """

                nl.store(out[i], value=s)
            return out
        """
    let error = try #require(try Self.capacityError(src))
    #expect(error.message.hasPrefix("PSUM capacity exceeded"), "\(error.message)")
    #expect(error.location.line == Self.line(of: "p8 = ", in: src), "\(error.location)")
  }
}
