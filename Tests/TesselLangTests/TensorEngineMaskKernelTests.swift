import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import Testing

/// `mask=` on `nisa.nc_matmul`, `nisa.nc_transpose`, `nl.matmul` and `nl.transpose` in kernel
/// files, as the production attention kernels use it, against plain loops.
@Suite("Masks on Tensor-engine calls in kernel files")
struct TensorEngineMaskKernelTests {
  /// A flash-attention-style causal skip: tile `j` of the contraction contributes to output
  /// block `i` only while `j <= i`, through a loop-index mask on `+= nc_matmul` and on the
  /// transposes and copies feeding it (tiles declared in the loop are new in every iteration, so
  /// an unmasked copy of a skipped transpose would read never-written memory).
  @Test(
    "loop-index masks on nc_matmul (+=) and nc_transpose skip whole instructions",
    arguments: [(3, 64, 96), (4, 128, 512), (2, 7, 5)])
  func causalSkip(dims: (Int, Int, Int)) throws {
    let (tiles, M, N) = dims
    let src =
      header + """
        @nki.jit
        def k(a, b):
            T, K, M = a.shape
            N = b.shape[2]
            out = nl.ndarray((T, M, N), dtype=nl.float32, buffer=nl.shared_hbm)
            for i in nl.affine_range(T):
                acc = nl.zeros((M, N), nl.float32, buffer=nl.psum)
                for j in nl.affine_range(T):
                    at = nl.load(a[j])
                    bt = nl.load(b[j])
                    tt = nisa.nc_transpose(at, mask=(j <= i))
                    ts = nl.copy(tt, mask=(j <= i))
                    back = nisa.nc_transpose(ts, mask=(j <= i))
                    st = nl.copy(back, mask=(j <= i))
                    acc[...] += nisa.nc_matmul(st, bt, mask=(j <= i))
                nl.store(out[i], value=nl.copy(acc))
            return out
        """
    let K = 128
    // Deterministic values in [-1, 1) (a multiplicative hash of the index).
    func value(_ i: Int, _ salt: Int) -> Float { Float((i &* 2654435761 &+ salt) & 1023) / 512 - 1 }
    let av = (0..<(tiles * K * M)).map { value($0, 17) }
    let bv = (0..<(tiles * K * N)).map { value($0, 91) }
    let (_, r) = try traceAndRun(
      src,
      [
        try HostArray(shape: [tiles, K, M], dtype: .float32, values: av),
        try HostArray(shape: [tiles, K, N], dtype: .float32, values: bv),
      ])
    let out = r.outputs[0].floatValues()
    for i in 0..<tiles {
      for m in 0..<M {
        for n in 0..<N {
          var e: Double = 0
          for j in 0...i {
            for k in 0..<K {
              let x = Double(av[(j * K + k) * M + m])
              let y = Double(bv[(j * K + k) * N + n])
              e += x * y
            }
          }
          let got = out[(i * M + m) * N + n]
          #expect(abs(Double(got) - e) <= 1e-3, "(\(i), \(m), \(n)): \(got) vs \(e)")
        }
      }
    }
    #expect(!r.report.readsNeverWrittenMemory)
  }

  @Test(
    "an nl.arange mask on nc_transpose over a ragged tile transposes only the valid part, without never-written reads")
  func raggedTranspose() throws {
    let src =
      header + """
        @nki.jit
        def k(a):
            R, C = a.shape
            out = nl.ndarray((C, R), dtype=a.dtype, buffer=nl.shared_hbm)
            for i in nl.affine_range((R + 127) // 128):
                for j in nl.affine_range((C + 127) // 128):
                    ip = nl.arange(128)[:, None]
                    jf = nl.arange(128)[None, :]
                    m = (i * 128 + ip < R) & (j * 128 + jf < C)
                    t = nl.load(a[i * 128 + ip, j * 128 + jf], mask=m)
                    tt = nisa.nc_transpose(t, mask=m)
                    p = nl.arange(128)[:, None]
                    q = nl.arange(128)[None, :]
                    nl.store(out[j * 128 + p, i * 128 + q], value=tt[p, q], mask=(j * 128 + p < C) & (i * 128 + q < R))
            return out
        """
    for (R, C) in [(200, 300), (1, 7), (128, 129)] {
      let av = (0..<(R * C)).map { Float($0 % 97) - 40 }
      let (_, r) = try traceAndRun(src, [try HostArray(shape: [R, C], dtype: .float32, values: av)])
      let out = r.outputs[0].floatValues()
      for c in 0..<C { for rr in 0..<R { #expect(out[c * R + rr] == av[rr * C + c], "\(R)x\(C) at (\(c), \(rr))") } }
      #expect(r.report.warnings.isEmpty, "\(R)x\(C): \(r.report.warnings.map(\.message))")
    }
  }

  @Test("mask=False keeps nothing: nc_matmul, nl.matmul and nl.transpose write nothing")
  func maskFalse() throws {
    let src =
      header + """
        @nki.jit
        def k(a, b):
            out = nl.ndarray((3, 4, 5), dtype=nl.float32, buffer=nl.shared_hbm)
            at = nl.load(a)
            bt = nl.load(b)
            p = nl.full((4, 5), 9.0, nl.float32, buffer=nl.psum)
            p[...] += nisa.nc_matmul(at, bt, mask=False)
            nl.store(out[0], value=nl.copy(p))
            q = nl.full((4, 5), 8.0, nl.float32, buffer=nl.psum)
            q[...] += nl.matmul(at, bt, transpose_x=True, mask=False)
            nl.store(out[1], value=nl.copy(q))
            r = nl.full((4, 5), 7.0, nl.float32, buffer=nl.psum)
            r[...] = nl.transpose(nl.load(b[0:5, 0:4]), mask=False)
            nl.store(out[2], value=nl.copy(r))
            return out
        """
    let (_, r) = try traceAndRun(
      src,
      [
        try HostArray(shape: [6, 4], dtype: .float32, values: (0..<24).map(Float.init)),
        try HostArray(shape: [6, 5], dtype: .float32, values: (0..<30).map(Float.init)),
      ])
    let out = r.outputs[0].floatValues()
    #expect(Array(out[0..<20]) == Array(repeating: 9, count: 20))
    #expect(Array(out[20..<40]) == Array(repeating: 8, count: 20))
    #expect(Array(out[40..<60]) == Array(repeating: 7, count: 20))
  }
}
