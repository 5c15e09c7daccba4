extension Operation {
  /// `nisa.quantize_mx(dst, src, dst_scale)`: quantizes a bf16/fp16 SBUF tile to MXFP8 (Vector
  /// engine, trn3).
  ///
  /// A packed `_x4` element is four values, so the `[P, F]` `float8_*_x4` tile NKI names is the
  /// IR view `dst[P, F, 4]` of fp8 values, and `src` is `[P, 4F]`. Each block of 8 partitions × one
  /// packed element shares the scale `X = 2^(⌊log2 amax⌋ - (E_max - 1))` (`2^-127` for an
  /// all-zero block; `E_max` is 8 for `float8_e4m3fn`, 15 for `float8_e5m2`); `dst = src / X`
  /// rounded to fp8, and `dst_scale` receives the biased exponent `log2 X + 127` in the partition
  /// of the block's quadrant (`32·(g / 4) + g % 4` for block `g` when `P > 32`, row `g` otherwise).
  public struct QuantizeMX: OperationPayload {
    public static let info = OperationInfo(
      nkiName: "quantize_mx", defaultEngine: .vector, dataFlow: .statistics, allowsMask: false,
      cost: .stream(StreamCost(cyclesPerElement: 0.25)))

    /// The `[P, F, 4]` fp8 values written.
    public var dst: View
    /// The `[P, 4F]` bf16 or fp16 source.
    public var src: View
    /// The uint8 scale tile: `[P / 8, F]` when `P ≤ 32`, `[P, F]` otherwise.
    public var dstScale: View

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      try c.requireTarget(atLeast: .trn3)
      for (name, v) in [("dst", dst), ("src", src), ("dst_scale", dstScale)] {
        try c.expectSpace(v, name, [.sbuf], "sbuf")
      }
      let p = src.partitionCount
      if p % 32 != 0 || p > c.target.pmax {
        throw c.fail(
          .invalidOp(op: "src with \(p) partitions", reason: "quantize_mx needs 32, 64, 96 or 128 partitions"))
      }
      if src.freeElementCount % 4 != 0 {
        throw c.fail(.shapeMismatch(operands: ["src"], shapes: [src.shape]))
      }
      let f = src.freeElementCount / 4
      if dst.partitionCount != p || dst.shape.last != 4 || dst.elementCount != src.elementCount {
        throw c.fail(.shapeMismatch(operands: ["dst", "src"], shapes: [dst.shape, src.shape]))
      }
      let scaleRows = p <= 32 ? p / 8 : p
      if dstScale.partitionCount != scaleRows || dstScale.freeElementCount != f {
        throw c.fail(.shapeMismatch(operands: ["dst_scale", "src"], shapes: [dstScale.shape, src.shape]))
      }
      let sd = c.decl(src).dtype
      let dd = c.decl(dst).dtype
      let scd = c.decl(dstScale).dtype
      if !(sd == .bfloat16 || sd == .float16) {
        throw c.fail(.invalidDType(operand: "src", dtype: sd, reason: "quantize_mx reads bfloat16 or float16"))
      }
      if !(dd == .float8e4m3fn || dd == .float8e5m2) {
        throw c.fail(
          .invalidDType(operand: "dst", dtype: dd, reason: "quantize_mx writes float8_e4m3fn_x4 or float8_e5m2_x4"))
      }
      if scd != .uint8 {
        throw c.fail(.invalidDType(operand: "dst_scale", dtype: scd, reason: "MX scales are uint8 exponents"))
      }
    }

    public func printedArguments(_ f: IRFormat) -> String {
      "\(f.view(src)), dst_scale: \(f.view(dstScale))"
    }

    public static let operands: [OperandSlot<Self>] = [
      .init("dst", .destination, \.dst), .init("src", .source, \.src),
      .init("dst_scale", .reduceDestination, \.dstScale),
    ]
  }

  /// `nisa.nc_matmul_mx(dst, stationary, moving, stationary_scale, moving_scale)`: a matmul of
  /// MX-quantized tiles into PSUM with the block scales applied (Tensor engine, trn3).
  ///
  /// `stationary` is `[K, M, 4]` and `moving` `[K, N, 4]` fp8 values (the packed `_x4` tiles);
  /// `dst[m, n] = Σ_k Σ_q stationary[k, m, q]·2^(a - 127) · moving[k, n, q]·2^(b - 127)` in fp32,
  /// with `a`, `b` the scale bytes of each element's block (laid out as ``QuantizeMX`` writes
  /// them), accumulating into `dst` as `accumulation` says.
  public struct MatmulMX: OperationPayload {
    public static let info = OperationInfo(
      nkiName: "nc_matmul_mx", defaultEngine: .tensor, groups: .tensorEngine, dataFlow: .contraction,
      allowsMask: false, cost: .matmul)

    /// The `[M, N]` PSUM tile written (fp32 or bf16).
    public var dst: View
    /// The `[K, M, 4]` stationary values.
    public var stationary: View
    /// The `[K, N, 4]` moving values.
    public var moving: View
    /// The stationary scale bytes.
    public var stationaryScale: View
    /// The moving scale bytes.
    public var movingScale: View
    /// How the product combines with what `dst` holds.
    public var accumulation: Accumulation

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      try c.requireTarget(atLeast: .trn3)
      try c.expectSpace(dst, "dst", [.psum], "psum")
      for (name, v) in [
        ("stationary", stationary), ("moving", moving), ("stationary_scale", stationaryScale),
        ("moving_scale", movingScale),
      ] {
        try c.expectSpace(v, name, [.sbuf], "sbuf")
      }
      let k = stationary.partitionCount
      if k != moving.partitionCount || k % 32 != 0 || k > c.target.pmax {
        throw c.fail(.matmulContraction(stationary: k, moving: moving.partitionCount))
      }
      if stationary.shape.last != 4 || moving.shape.last != 4 {
        throw c.fail(.shapeMismatch(operands: ["stationary", "moving"], shapes: [stationary.shape, moving.shape]))
      }
      let m = stationary.freeElementCount / 4
      let n = moving.freeElementCount / 4
      if m > c.target.gemmStationaryFmax || m % 2 != 0 {
        throw c.fail(.freeSizeOutOfRange(operand: "stationary", size: m, low: 2, high: c.target.gemmStationaryFmax))
      }
      let dd = c.decl(dst).dtype
      let nmax = dd == .bfloat16 ? 8192 : 4096
      if n > nmax { throw c.fail(.matmulFreeSizeTooLarge(operand: "moving", size: n, limit: nmax)) }
      if dst.partitionCount != m || dst.freeElementCount != n {
        throw c.fail(
          .shapeMismatch(
            operands: ["dst", "stationary", "moving"], shapes: [dst.shape, stationary.shape, moving.shape]))
      }
      let scaleRows = k <= 32 ? k / 8 : k
      for (name, s, free) in [("stationary_scale", stationaryScale, m), ("moving_scale", movingScale, n)] {
        if s.partitionCount != scaleRows || s.freeElementCount != free {
          throw c.fail(.shapeMismatch(operands: [name], shapes: [s.shape]))
        }
        if c.decl(s).dtype != .uint8 {
          throw c.fail(.invalidDType(operand: name, dtype: c.decl(s).dtype, reason: "MX scales are uint8 exponents"))
        }
      }
      for (name, v) in [("stationary", stationary), ("moving", moving)] {
        let d = c.decl(v).dtype
        if !(d == .float8e4m3fn || d == .float8e5m2) {
          throw c.fail(
            .invalidDType(operand: name, dtype: d, reason: "nc_matmul_mx multiplies float8_e4m3fn_x4 or float8_e5m2_x4")
          )
        }
      }
      if !(dd == .float32 || dd == .bfloat16) {
        throw c.fail(.invalidDType(operand: "dst", dtype: dd, reason: "nc_matmul_mx writes float32 or bfloat16"))
      }
    }

    public func printedArguments(_ f: IRFormat) -> String {
      "\(f.view(stationary)), \(f.view(moving)), scales: \(f.view(stationaryScale)), \(f.view(movingScale)), accumulate: \(accumulation.rawValue)"
    }

    public static let operands: [OperandSlot<Self>] = [
      .init("dst", .accumulator, \.dst), .init("stationary", .source, \.stationary), .init("moving", .source, \.moving),
      .init("stationary_scale", .source, \.stationaryScale), .init("moving_scale", .source, \.movingScale),
    ]
  }
}
