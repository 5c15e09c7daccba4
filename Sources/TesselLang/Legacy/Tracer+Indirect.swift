import TesselIR
import TesselPython

/// `t[…, idx, …]`: an HBM tensor subscripted with a tile of indices, which only `nl.load`,
/// `nl.store` and `nisa.dma_copy` accept (NKI's vector-indirect DMA).
final class IndirectAccessObject: NativeObject {
  /// The access with every index 0.
  let base: TensorRef
  /// The `[P, 1]` integer tile of indices.
  let indices: TensorRef
  /// How far one unit of an index moves along each dimension of the tensor.
  let offsetSteps: [Int]

  init(base: TensorRef, indices: TensorRef, offsetSteps: [Int]) {
    self.base = base
    self.indices = indices
    self.offsetSteps = offsetSteps
  }

  /// Named so that any message about a misuse says what only can use it.
  var typeName: String {
    "indirect access (a tensor indexed by a tile of indices, for nl.load, nl.store, nisa.dma_copy)"
  }
}

extension Tracer {
  /// `t[entries]` where one entry is a tile of indices: the access at index 0 and the move of one
  /// index unit, with NKI's rules — an HBM tensor, one `[P, 1]` integer tile along the access's
  /// partition dimension, or one `[1, 1]` tile that moves every partition alike.
  func indirectAccess(_ t: TensorRef, _ entries: [IndexEntry], at loc: SourceLocation) throws(TraceError)
    -> IndirectAccessObject
  {
    let decl = builder.tensor(t.id)
    var found: (position: Int, tile: TensorRef)?
    for (i, e) in entries.enumerated() {
      switch e {
      case .indices(let tile):
        if found != nil {
          throw TraceError.unsupported("indexing tensor `\(decl.name)` with more than one tile of indices", at: loc)
        }
        found = (i, tile)
      case .newAxis, .ellipsis:
        throw TraceError.unsupported("`None` or `...` in a subscript with a tile of indices", at: loc)
      default: break
      }
    }
    guard let (position, tile) = found else {
      throw TraceError.unsupported("an indirect access without a tile of indices", at: loc)
    }
    if decl.space.isOnChip {
      throw TraceError.unsupported(
        "indexing on-chip tile `\(decl.name)` with a tile of indices (only HBM tensors are indexed indirectly)",
        at: loc)
    }
    let idx = builder.tensor(tile.id)
    let shape = tile.view.shape
    guard shape.count == 2, shape[1] == 1, !idx.space.isHBM else {
      throw TraceError.python(
        "IndexError",
        "the indices of an indirect access must be an on-chip [P, 1] tile (one index per partition), got `\(idx.name)` of shape \(shape) in \(idx.space.nkiName)",
        at: loc)
    }
    guard idx.dtype.isInteger else {
      throw TraceError.python(
        "TypeError",
        "the indices of an indirect access must be integers, got `\(idx.name)` of dtype \(idx.dtype.rawValue)",
        at: loc)
    }
    guard position < t.view.dims.count else {
      throw TraceError.python("IndexError", "too many indices for tensor `\(decl.name)`", at: loc)
    }
    // The access at index 0: the tile stands for a grid of its shape that walks nothing.
    var replaced = entries
    replaced[position] = .grid(
      IndexGrid(shape: shape, coefficients: Array(repeating: 0, count: shape.count), base: AffineExpr()))
    let base = try subscriptTensor(t, replaced, at: loc)
    if shape == [1, 1], let partitions = base.view.dims.first?.count, partitions > 1 {
      // One index for the whole access (`w[expert[0, 0], p, f]`, NKI's dynamic slice): every
      // partition moves by the same index, so the tile is copied to each partition first.
      guard let spread = try broadcastTo(tile, [partitions, 1], at: loc).tensor else {
        throw TraceError.unsupported("broadcasting the index tile `\(idx.name)`", at: loc)
      }
      return IndirectAccessObject(base: base, indices: spread, offsetSteps: t.view.dims[position].steps)
    }
    guard base.view.dims.first?.count == shape[0] else {
      throw TraceError.unsupported(
        "a tile of indices of shape \(shape) that does not lie along the partition dimension of the access \(base.view.shape)",
        at: loc)
    }
    return IndirectAccessObject(base: base, indices: tile, offsetSteps: t.view.dims[position].steps)
  }

  /// The out-of-bounds rule an indirect DMA's `mode=`/`oob_mode=` names.
  func indirectOOBMode(_ v: Value?, of fn: String, at loc: SourceLocation) throws(TraceError)
    -> Operation.IndirectDMA.OutOfBoundsMode
  {
    guard let v, !v.isNone else { return .error }
    if case .string(let s) = v {
      if s == "nisa.oob_mode.error" { return .error }
      if s == "nisa.oob_mode.skip" { return .skip }
    }
    throw TraceError.python("ValueError", "\(fn)(): unknown out-of-bounds mode \(try repr(v))", at: loc)
  }

  /// The descriptor-generation mode a DMA's `dge_mode=` names: `unknown` (the default, the
  /// compiler's choice), `swdge`, `hwdge` or `none`.
  func dgeMode(_ v: Value?, of fn: String, at loc: SourceLocation) throws(TraceError) -> String {
    guard let v, !v.isNone else { return "unknown" }
    let prefix = "nisa.dge_mode."
    if case .string(let s) = v, s.hasPrefix(prefix),
      ["unknown", "swdge", "hwdge", "none"].contains(s.dropFirst(prefix.count))
    {
      return String(s.dropFirst(prefix.count))
    }
    throw TraceError.python("ValueError", "\(fn)(): unknown DGE mode \(try repr(v))", at: loc)
  }

  /// `nl.load(t[…, idx, …], mask=, dtype=)`: a gather into a new SBUF tile.
  func indirectLoad(
    _ src: IndirectAccessObject, dtype: DType?, mask: [AffineCondition], oob: Operation.IndirectDMA.OutOfBoundsMode,
    at loc: SourceLocation
  ) throws(TraceError) -> Value {
    let dst = try newTensor(src.base.view.shape, dtype ?? decl(src.base).dtype, .sbuf, at: loc)
    let i = try emit(
      .indirectDMA(
        dst: dst.view, src: src.base.view, indices: src.indices.view, side: .source, offsetSteps: src.offsetSteps,
        outOfBounds: oob), mask: mask, at: loc)
    return fresh(dst, i)
  }

  /// `nl.store(t[…, idx, …], value=v)` and `nisa.dma_copy(dst=t[…, idx, …], src=v)`: a scatter of
  /// `value` (broadcast to the access's shape); `nisa.dma_copy(dst=v, src=t[…, idx, …])`: a gather
  /// into an existing tile.
  func indirectCopy(
    dst: Value, src: Value, of fn: String, mask: [AffineCondition], oob: Operation.IndirectDMA.OutOfBoundsMode,
    at loc: SourceLocation
  ) throws(TraceError) {
    if let d = dst.native(IndirectAccessObject.self) {
      let value: TensorRef
      if let fill = try numberTile(src, shape: d.base.view.shape, dtype: decl(d.base).dtype, mask: mask, at: loc) {
        value = fill
      } else {
        value = try tensorArgument(src, "value", of: fn, at: loc)
      }
      guard let v = broadcast(value.view, to: d.base.view.shape) else {
        throw TraceError(
          .kernel(
            KernelError(
              .shapeMismatch(operands: ["dst", "value"], shapes: [d.base.view.shape, value.view.shape]), operation: fn)),
          at: loc)
      }
      try emit(
        .indirectDMA(
          dst: d.base.view, src: v, indices: d.indices.view, side: .destination, offsetSteps: d.offsetSteps,
          outOfBounds: oob), mask: mask, at: loc)
    } else if let s = src.native(IndirectAccessObject.self) {
      let d = try tensorArgument(dst, "dst", of: fn, at: loc)
      try emit(
        .indirectDMA(
          dst: d.view, src: s.base.view, indices: s.indices.view, side: .source, offsetSteps: s.offsetSteps,
          outOfBounds: oob), mask: mask, at: loc)
    }
  }
}
