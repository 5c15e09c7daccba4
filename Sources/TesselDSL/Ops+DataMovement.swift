import TesselIR
import TesselNKI

// MARK: - load / store

/// `nl.load(src, mask=, dtype=)`: copies an HBM block into a new SBUF tile.
///
/// ```swift
/// let t = load(x[t0 * 128 ..+ 128, 0 ..< 512], mask: GridIndex.partition + t0 * 128 < rows)
/// ```
///
/// - Parameters:
///   - src: The HBM block; its shape is the tile's (the first dimension becomes partitions).
///   - dtype: The tile's dtype; defaults to the tensor's (the DMA converts).
///   - mask: Restricts which elements move; the others stay unwritten.
/// - Returns: The new `Tile<SBUF>`.
public func load<S: DeviceMemory>(
  _ src: Tensor<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  let l = loc(fileID, line, column)
  let t = Emit.tile("load", src.shape, dtype ?? src.dtype, SBUF.self, l)
  Emit.instruction(.load(dst: t.view, src: src.view), uses: [t.handle, src.handle], mask: mask, l)
  return t
}

/// `nl.load` into an existing SBUF view (NKI's `tile[...] = nl.load(...)` without the copy).
///
/// ```swift
/// load(into: strip[0..., k, 0 ..< 128], from: lhsT[k * 128 ..+ 128, m * 128 ..+ 128])
/// ```
@discardableResult
public func load<S: DeviceMemory>(
  into dst: Tile<SBUF>, from src: Tensor<S>, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> KernelStatement {
  let l = loc(fileID, line, column)
  Emit.instruction(.load(dst: dst.view, src: src.view), uses: [dst.handle, src.handle], mask: mask, l)
  return KernelStatement(kind: "load", location: l)
}

/// `nl.store(dst, value=, mask=)`: copies an SBUF (or PSUM) tile into an HBM block.
///
/// ```swift
/// store(out[t * 128 ..+ 128, 0 ..< 512], value: result, mask: inside)
/// ```
///
/// - Parameters:
///   - dst: The HBM block written.
///   - value: The tile read; same shape as `dst`.
///   - mask: Restricts which elements move.
/// - Returns: The store as a statement.
@discardableResult
public func store<D: DeviceMemory, S: OnChipMemory>(
  _ dst: Tensor<D>, value: Tile<S>, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> KernelStatement {
  let l = loc(fileID, line, column)
  Emit.instruction(.store(dst: dst.view, src: value.view), uses: [dst.handle, value.handle], mask: mask, l)
  return KernelStatement(kind: "store", location: l)
}

/// `nl.load_transpose2d(src)`: a DMA transpose of a 2-D HBM block into a new SBUF tile.
///
/// ```swift
/// let kT = loadTranspose(k[0 ..< 128, 0 ..< 64])   // [64, 128]
/// ```
public func loadTranspose<S: DeviceMemory>(
  _ src: Tensor<S>, dtype: DType? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  let l = loc(fileID, line, column)
  let shape = src.shape.count == 2 ? [src.shape[1], src.shape[0]] : src.shape
  let t = Emit.tile("load_transpose2d", shape, dtype ?? src.dtype, SBUF.self, l)
  Emit.instruction(.loadTranspose(dst: t.view, src: src.view), uses: [t.handle, src.handle], l)
  return t
}

// MARK: - dma_copy (never PSUM)

/// `nisa.dma_copy(dst=, src=)`: a copy between two views in device memory or SBUF (HBM to HBM,
/// HBM to SBUF, SBUF to HBM or SBUF to SBUF).
///
/// ```swift
/// dmaCopy(dst: out[0 ..< 4, 0 ..< 8], src: x[0 ..< 4, 0 ..< 8])
/// dmaCopy(dst: tile, src: x[0 ..< 128, 0 ..< 8])
/// dmaCopy(dst: b[0 ..< 64, 0...], src: a[64 ..< 128, 0...])
/// ```
@discardableResult
public func dmaCopy<D: DMAEndpoint, S: DMAEndpoint>(
  dst: D, src: S, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> KernelStatement {
  dma(dst.view, dst.handle, src.view, src.handle, mask, loc(fileID, line, column))
}

private func dma(
  _ d: View, _ dh: TensorHandle, _ s: View, _ sh: TensorHandle, _ mask: Mask?, _ l: SourceLocation
) -> KernelStatement {
  Emit.instruction(
    .dmaCopy(dst: NKIRules.canonicalView(d), src: NKIRules.canonicalView(s)), uses: [dh, sh], mask: mask, l)
  return KernelStatement(kind: "dma_copy", location: l)
}

// MARK: - Kernel-level tensors

/// `nl.ndarray(shape, dtype, buffer=nl.shared_hbm)` returned by the kernel: an HBM output.
///
/// Outputs are returned in the order they are declared.
///
/// ```swift
/// let out = output("out", shape: [rows, cols], dtype: x.dtype)
/// ```
public func output(
  _ name: String, shape: [Int], dtype: DType, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tensor<HBM> {
  let l = loc(fileID, line, column)
  guard let r = Recorder.current else {
    return Tensor(handle: Emit.placeholder(name, .sharedHBM, shape, dtype, l))
  }
  if r.backend.runsPerInstance, r.outputCursor < r.outputHandles.count {
    // Eager SPMD: every program instance writes the same outputs.
    let h = r.outputHandles[r.outputCursor]
    r.outputCursor += 1
    return Tensor(handle: h)
  }
  let h = r.declare(name: name, space: .sharedHBM, shape: shape, dtype: dtype, location: l)
  r.outputs.append(h.id)
  r.outputHandles.append(h)
  r.outputCursor += 1
  return Tensor(handle: h)
}
