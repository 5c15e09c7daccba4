import TesselIR
import TesselNKI

// The current NKI dialect's pattern, selection, shuffle and DMA-compute calls (`nki.isa`, NKI 0.6
// signatures), destination first like the rest of the destination-passing vocabulary.

/// Records a pattern instruction (`iota`, `affine_select`): `views` regrouped to the pattern's
/// iteration space, or a located error when they cannot be.
func patterned(_ views: [View], _ pattern: [[Int]], _ operation: String, _ l: SourceLocation) -> [View]? {
  guard pattern.allSatisfy({ $0.count == 2 && $0[1] >= 1 }) else {
    Emit.fail(
      .invalidOp(op: "pattern", reason: "a pattern is a list of [step, count] pairs with counts ≥ 1"), operation, l)
    return nil
  }
  do {
    return try views.map { v throws(KernelError) in
      try NKIRules.patterned(NKIRules.canonicalView(v), counts: pattern.map { $0[1] })
    }
  } catch {
    Emit.fail(KernelError(error.kind, operation: operation), l)
    return nil
  }
}

/// `nisa.iota(dst, pattern, offset, channel_multiplier)`: writes
/// `channel_multiplier · p + Σ step_k · i_k + offset` at each point `(p, i…)` of the pattern's
/// iteration space (the partitions of `dst`, then one index per `[step, count]` pair).
///
/// ```swift
/// // nisa.iota(dst=positions, pattern=[[1, 64]], offset=0, channel_multiplier=64)
/// iota(into: positions, pattern: [[1, 64]], channelMultiplier: 64)
/// ```
///
/// - Parameters:
///   - dst: The view written; its free elements are regrouped to the pattern's counts.
///   - pattern: `[step, count]` pairs, outermost first.
///   - offset: The constant added.
///   - channelMultiplier: The step per partition.
@discardableResult
public func iota<D: OnChipMemory>(
  into dst: Tile<D>, pattern: [[Int]], offset: Int = 0, channelMultiplier: Int = 0, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> KernelStatement {
  let l = loc(fileID, line, column)
  if let v = patterned([dst.view], pattern, "iota", l) {
    let value = NKIRules.patternValue(
      steps: pattern.map { $0[0] }, channelMultiplier: channelMultiplier, offset: offset)
    Emit.instruction(.iota(dst: v[0], expression: value), uses: [dst.handle], l)
  }
  return KernelStatement(kind: "iota", location: l)
}

/// `nisa.affine_select(dst, pattern, channel_multiplier, on_true_tile, on_false_value, cmp_op,
/// offset)`: `dst = onTrue` where `channel_multiplier · p + Σ step_k · i_k + offset` compared
/// with 0 holds, `onFalse` elsewhere (a causal mask, for example).
///
/// ```swift
/// // keep column j of row p where p - j >= 0 (a lower triangle)
/// affineSelect(into: masked, pattern: [[-1, n]], channelMultiplier: 1, onTrue: scores,
///              onFalse: -9984, comparison: .greaterEqual)
/// ```
///
/// - Parameters:
///   - dst: The view written.
///   - pattern: `[step, count]` pairs over the free elements of `dst` and `onTrue`.
///   - channelMultiplier: The step per partition.
///   - onTrue: The values kept where the comparison holds.
///   - onFalse: The value elsewhere.
///   - comparison: How the affine value is compared with 0 (NKI's `cmp_op`, `nl.equal` by default).
///   - offset: The constant added.
@discardableResult
public func affineSelect<D: OnChipMemory, S: OnChipMemory>(
  into dst: Tile<D>, pattern: [[Int]], channelMultiplier: Int, onTrue: Tile<S>, onFalse: Float,
  comparison: AffineCondition.Comparison = .equal, offset: Int = 0, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> KernelStatement {
  let l = loc(fileID, line, column)
  if let v = patterned([dst.view, onTrue.view], pattern, "affine_select", l) {
    let predicate = NKIRules.patternValue(
      steps: pattern.map { $0[0] }, channelMultiplier: channelMultiplier, offset: offset, comparison: comparison)
    Emit.instruction(
      .affineSelect(dst: v[0], predicate: predicate, onTrue: v[1], onFalse: onFalse),
      uses: [dst.handle, onTrue.handle], l)
  }
  return KernelStatement(kind: "affine_select", location: l)
}

/// `nisa.range_select(dst, on_true_tile, comp_op0, comp_op1, bound0, bound1, reduce_res,
/// reduce_op=nl.maximum, range_start, on_false_value)`: with `i = rangeStart + f` for free
/// position `f`, `dst[p, f] = onTrue[p, f]` where `i comparison0 bound0[p]` and
/// `i comparison1 bound1[p]` both hold, `onFalse` elsewhere; `reduceInto` receives each
/// partition's maximum.
///
/// ```swift
/// // keep the columns lo[p] <= i < hi[p] of each row, and each row's maximum of them
/// rangeSelect(into: kept, onTrue: x, comparison0: .greaterEqual, comparison1: .less,
///             bound0: lo, bound1: hi, reduceInto: rowMax)
/// ```
///
/// - Parameters:
///   - comparison0: `comp_op0`, comparing the index with `bound0`.
///   - comparison1: `comp_op1`, comparing the index with `bound1`.
///   - bound0: A `[P, 1]` fp32 tile.
///   - bound1: A `[P, 1]` fp32 tile.
///   - rangeStart: The index of free position 0.
///   - onFalse: What dropped positions hold (NKI requires `-FLT_MAX`, the default).
///   - reduceInto: The optional `[P, 1]` row maximum (`reduce_res`).
@discardableResult
public func rangeSelect<D: OnChipMemory, S: OnChipMemory, B0: OnChipMemory, B1: OnChipMemory>(
  into dst: Tile<D>, onTrue: Tile<S>, comparison0: ALUOp, comparison1: ALUOp, bound0: Tile<B0>, bound1: Tile<B1>,
  rangeStart: Int = 0, onFalse: Float = -Float.greatestFiniteMagnitude, reduceInto: Tile<SBUF>? = nil,
  fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> KernelStatement {
  let bounds = [bound0.handle, bound1.handle] + (reduceInto.map { [$0.handle] } ?? [])
  return destinationPassing("range_select", [dst, onTrue], extra: bounds, loc(fileID, line, column)) {
    .rangeSelect(
      dst: $0[0], onTrue: $0[1], cmp0: comparison0, cmp1: comparison1, bound0: NKIRules.canonicalView(bound0.view),
      bound1: NKIRules.canonicalView(bound1.view), rangeStart: rangeStart, onFalse: onFalse,
      reduceDst: reduceInto.map { NKIRules.canonicalView($0.view) })
  }
}

/// `nisa.nc_match_replace8(dst, data, vals, imm, dst_idx)`: `dst` is `data` with the first
/// occurrence of each of the 8 values of `values` (per partition) replaced by `imm`; with
/// `indicesInto`, the positions replaced go there (`[P, 8]`).
///
/// ```swift
/// max8(into: top, scores)
/// matchReplace8(into: rest, scores, values: top, imm: -Float.infinity, indicesInto: topIndex)
/// ```
@discardableResult
public func matchReplace8<D: OnChipMemory, S: OnChipMemory, V: OnChipMemory>(
  into dst: Tile<D>, _ data: Tile<S>, values: Tile<V>, imm: Float, indicesInto: Tile<SBUF>? = nil,
  fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> KernelStatement {
  let operands: [any KernelTensor] = [dst, data, values] + (indicesInto.map { [$0] } ?? [])
  return destinationPassing("nc_match_replace8", operands, alignsShapes: false, loc(fileID, line, column)) {
    .matchReplace8(dst: $0[0], data: $0[1], vals: $0[2], imm: imm, dstIdx: $0.count > 3 ? $0[3] : nil)
  }
}

/// `nisa.nc_stream_shuffle(dst, src, shuffle_mask)`: a copy across partitions within quadrants
/// of 32: destination partition `d` takes source partition `32·(d / 32) + mask[d % 32]`, and an
/// entry of 255 leaves `d` unchanged.
///
/// ```swift
/// streamShuffle(into: swapped, x, mask: (0..<32).map { $0 ^ 1 })   // swap neighbouring partitions
/// ```
@discardableResult
public func streamShuffle<D: OnChipMemory, S: OnChipMemory>(
  into dst: Tile<D>, _ src: Tile<S>, mask: [Int], fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> KernelStatement {
  destinationPassing("nc_stream_shuffle", [dst, src], alignsShapes: false, loc(fileID, line, column)) {
    .streamShuffle(dst: $0[0], src: $0[1], mask: mask)
  }
}

/// `nisa.dma_compute(dst, srcs, reduce_op=nl.add)`: the DMA engines' elementwise sum
/// `dst = srcs[0] + srcs[1] + …`, computed in fp32 and rounded to `dst`'s dtype (NKI supports
/// only `nl.add` and scales of 1.0).
///
/// ```swift
/// dmaCompute(dst: out, srcs: [partial0, partial1])
/// ```
@discardableResult
public func dmaCompute<D: KernelTensor>(
  dst: D, srcs: [any KernelTensor], fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> KernelStatement {
  let l = loc(fileID, line, column)
  Emit.instruction(
    .dmaCompute(dst: NKIRules.canonicalView(dst.view), srcs: srcs.map { NKIRules.canonicalView($0.view) }),
    uses: [dst.handle] + srcs.map(\.handle), l)
  return KernelStatement(kind: "dma_compute", location: l)
}

/// `nisa.quantize_mx(dst, src, dst_scale)`: quantizes a bf16/fp16 tile `[P, 4F]` to MXFP8 (trn3).
///
/// NKI's packed `float8_*_x4` destination `[P, F]` is the fp8 tile `[P, F, 4]` here; each block
/// of 8 partitions × 4 values shares one scale, whose biased exponent goes to `scaleInto` (uint8,
/// `[P / 8, F]` when `P ≤ 32`, `[P, F]` otherwise).
///
/// ```swift
/// let q = ndarray([32, 16, 4], dtype: .float8e4m3fn)
/// let scale = ndarray([4, 16], dtype: .uint8)
/// quantizeMX(into: q, x, scaleInto: scale)
/// ```
@discardableResult
public func quantizeMX<D: OnChipMemory, S: OnChipMemory, Q: OnChipMemory>(
  into dst: Tile<D>, _ src: Tile<S>, scaleInto scale: Tile<Q>, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> KernelStatement {
  let l = loc(fileID, line, column)
  Emit.instruction(
    .quantizeMX(
      dst: NKIRules.canonicalView(dst.view), src: NKIRules.canonicalView(src.view),
      dstScale: NKIRules.canonicalView(scale.view)),
    uses: [dst.handle, src.handle, scale.handle], l)
  return KernelStatement(kind: "quantize_mx", location: l)
}
