import TesselIR

/// Kernels built with ``KernelBuilder`` that the `tessel demo` command and the tests run.
public enum DemoKernels {
  /// `out[M, N] = lhsT[K, M]ᵀ · rhs[K, N] + bias[M, N]`, tiled as NKI's matmul tutorial does.
  ///
  /// The contraction runs over `K / 128` tiles in an `affine_range`, accumulating into one PSUM
  /// tile per 128×512 output block; the sum is copied out of PSUM, the bias added on the Vector
  /// engine, and the block stored. `K` and `M` must be multiples of 128, `N` of 512.
  public static func tiledMatmulBias(
    K: Int = 512, M: Int = 256, N: Int = 1024, dtype: DType = .bfloat16
  ) throws(KernelError) -> Kernel {
    var b = KernelBuilder(name: "matmul_bias")
    let here = SourceLocation(file: "DemoKernels.swift", line: 12)
    let lhsT = b.addParameter(name: "lhsT", shape: [K, M], dtype: dtype, location: here)
    let rhs = b.addParameter(name: "rhs", shape: [K, N], dtype: dtype, location: here)
    let bias = b.addParameter(name: "bias", shape: [M, N], dtype: .float32, location: here)
    let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [M, N], dtype: .float32, location: here)
    func block(_ t: TensorID, _ rows: AffineExpr, _ cols: AffineExpr, _ r: Int, _ c: Int) -> View {
      View(tensor: t, start: [rows, cols], dims: [.along(0, of: 2, count: r), .along(1, of: 2, count: c)])
    }
    let m = b.beginLoop(name: "m", kind: .affine, stop: M / 128, location: here)
    let n = b.beginLoop(name: "n", kind: .affine, stop: N / 512, location: here)
    let acc = b.declareTensor(name: "res_psum", space: .psum, shape: [128, 512], dtype: .float32, location: here)
    let k = b.beginLoop(name: "k", kind: .affine, stop: K / 128, location: here)
    let lt = b.declareTensor(name: "lhsT_tile", space: .sbuf, shape: [128, 128], dtype: dtype, location: here)
    let rt = b.declareTensor(name: "rhs_tile", space: .sbuf, shape: [128, 512], dtype: dtype, location: here)
    b.emit(.load(dst: .whole(lt, shape: [128, 128]), src: block(lhsT, AffineExpr(k) * 128, AffineExpr(m) * 128, 128, 128)), location: here)
    b.emit(.load(dst: .whole(rt, shape: [128, 512]), src: block(rhs, AffineExpr(k) * 128, AffineExpr(n) * 512, 128, 512)), location: here)
    b.emit(.matmul(dst: .whole(acc, shape: [128, 512]), stationary: .whole(lt, shape: [128, 128]),
                   moving: .whole(rt, shape: [128, 512]), accumulation: .auto), location: here)
    try b.endLoop()
    let bt = b.declareTensor(name: "bias_tile", space: .sbuf, shape: [128, 512], dtype: .float32, location: here)
    let res = b.declareTensor(name: "res_sb", space: .sbuf, shape: [128, 512], dtype: .float32, location: here)
    b.emit(.load(dst: .whole(bt, shape: [128, 512]), src: block(bias, AffineExpr(m) * 128, AffineExpr(n) * 512, 128, 512)), location: here)
    b.emit(.tensorTensor(dst: .whole(res, shape: [128, 512]), a: .whole(acc, shape: [128, 512]), b: .whole(bt, shape: [128, 512]), op: .add), location: here)
    b.emit(.store(dst: block(out, AffineExpr(m) * 128, AffineExpr(n) * 512, 128, 512), src: .whole(res, shape: [128, 512])), location: here)
    try b.endLoop()
    try b.endLoop()
    b.setOutputs([out])
    return try b.finish(target: .trn2)
  }
}
