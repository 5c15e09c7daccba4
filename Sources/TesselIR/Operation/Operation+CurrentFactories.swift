// The current dialect's ISA operations with their operands as labels, for the front ends.

extension Operation {
  /// `nisa.dma_transpose(dst, src, axes)` (``DMATranspose``).
  public static func dmaTranspose(dst: View, src: View, axes: [Int], hardwareDGE: Bool = false) -> Operation {
    .dmaTranspose(DMATranspose(dst: dst, src: src, axes: axes, hardwareDGE: hardwareDGE))
  }

  /// `nisa.dma_compute(dst, srcs, nl.add)` (``DMACompute``).
  public static func dmaCompute(dst: View, srcs: [View]) -> Operation {
    .dmaCompute(DMACompute(dst: dst, srcs: srcs))
  }

  /// `nisa.max8(dst, src)` (``Max8``).
  public static func max8(dst: View, src: View) -> Operation { .max8(Max8(dst: dst, src: src)) }

  /// `nisa.nc_find_index8(dst, data, vals)` (``FindIndex8``).
  public static func findIndex8(dst: View, data: View, vals: View) -> Operation {
    .findIndex8(FindIndex8(dst: dst, data: data, vals: vals))
  }

  /// `nisa.nc_match_replace8(dst, data, vals, imm, dst_idx)` (``MatchReplace8``).
  public static func matchReplace8(dst: View, data: View, vals: View, imm: Float, dstIdx: View?) -> Operation {
    .matchReplace8(MatchReplace8(dst: dst, data: data, vals: vals, imm: imm, dstIdx: dstIdx))
  }

  /// `nisa.nc_stream_shuffle(dst, src, shuffle_mask)` (``StreamShuffle``).
  public static func streamShuffle(dst: View, src: View, mask: [Int]) -> Operation {
    .streamShuffle(StreamShuffle(dst: dst, src: src, mask: mask))
  }

  /// `nisa.range_select(dst, on_true_tile, comp_op0, comp_op1, bound0, bound1, reduce_res, …)`
  /// (``RangeSelect``).
  public static func rangeSelect(
    dst: View, onTrue: View, cmp0: ALUOp, cmp1: ALUOp, bound0: View, bound1: View, rangeStart: Int,
    onFalse: Float, reduceDst: View?
  ) -> Operation {
    .rangeSelect(
      RangeSelect(
        dst: dst, onTrue: onTrue, bound0: bound0, bound1: bound1, cmp0: cmp0, cmp1: cmp1, rangeStart: rangeStart,
        onFalse: onFalse, reduceDst: reduceDst))
  }

  /// `nisa.quantize_mx(dst, src, dst_scale)` (``QuantizeMX``).
  public static func quantizeMX(dst: View, src: View, dstScale: View) -> Operation {
    .quantizeMX(QuantizeMX(dst: dst, src: src, dstScale: dstScale))
  }

  /// `nisa.nc_matmul_mx(dst, stationary, moving, stationary_scale, moving_scale)` (``MatmulMX``).
  public static func matmulMX(
    dst: View, stationary: View, moving: View, stationaryScale: View, movingScale: View, accumulation: Accumulation
  ) -> Operation {
    .matmulMX(
      MatmulMX(
        dst: dst, stationary: stationary, moving: moving, stationaryScale: stationaryScale, movingScale: movingScale,
        accumulation: accumulation))
  }

  /// `nisa.register_load(dst, src)` (``RegisterLoad``).
  public static func registerLoad(dst: View, src: View) -> Operation { .registerLoad(Unary(dst: dst, src: src)) }

  /// `nisa.register_store(dst, src)` (``RegisterStore``).
  public static func registerStore(dst: View, src: View) -> Operation { .registerStore(Unary(dst: dst, src: src)) }

  /// `nisa.register_move(dst, src)` (``RegisterMove``).
  public static func registerMove(dst: View, src: View) -> Operation { .registerMove(Unary(dst: dst, src: src)) }
}
