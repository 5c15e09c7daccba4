import TesselIR
import TesselNKI

/// `nisa.nc_matmul(stationary, moving)` not yet bound to a destination: the right-hand side of
/// `psum += matmul(a, b)`.
///
/// ```swift
/// var resPsum = zeros([128, 512], dtype: .float32, buffer: PSUM.self)
/// resPsum += matmul(lhsTile, rhsTile)   // accumulate: add
/// ```
public struct MatmulProduct: Sendable {
  /// The stationary operand `[K, M]`.
  public let stationary: Tile<SBUF>
  /// The moving operand `[K, N]`.
  public let moving: Tile<SBUF>
  /// Where `matmul` was called.
  public let location: SourceLocation
}

/// `nisa.nc_matmul(stationary, moving)` / `nl.matmul(x, y, transpose_x=True)`:
/// `stationary[K, M]ᵀ · moving[K, N]` into a new fp32 `Tile<PSUM>` `[M, N]`.
///
/// Both operands are SBUF tiles with the contraction dimension K on the partitions; the result
/// can only be PSUM. `accumulate` is NKI's default (the first write overwrites).
///
/// ```swift
/// let product = matmul(lhsT, rhs)          // Tile<PSUM>
/// ```
///
/// - Parameters:
///   - stationary: `[K ≤ 128, M ≤ 128]` in SBUF.
///   - moving: `[K, N ≤ 512]` in SBUF.
/// - Returns: The product `[M, N]` in PSUM.
public func matmul(
  _ stationary: Tile<SBUF>, _ moving: Tile<SBUF>, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<PSUM> {
  let l = loc(fileID, line, column)
  let m = stationary.view.freeElementCount
  let n = moving.view.freeElementCount
  let t = Emit.tile("nc_matmul", [m, n], .float32, PSUM.self, l)
  Emit.instruction(
    .matmul(dst: t.view, stationary: stationary.view, moving: moving.view, accumulation: .auto),
    uses: [t.handle, stationary.handle, moving.handle], l)
  return t
}

/// `nisa.nc_matmul(stationary, moving)` as the right-hand side of `psum += ...` (no tile yet).
///
/// ```swift
/// resPsum += matmul(lhsTile, rhsTile)
/// ```
@_disfavoredOverload
public func matmul(
  _ stationary: Tile<SBUF>, _ moving: Tile<SBUF>, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> MatmulProduct {
  MatmulProduct(stationary: stationary, moving: moving, location: loc(fileID, line, column))
}

/// `psum += nisa.nc_matmul(a, b)`: accumulates a product into a PSUM tile.
///
/// As in NKI, into a tile that only matmuls have written (a fresh `ndarray`), the first product
/// written to each element overwrites it and the later ones add (an accumulation group,
/// ``Accumulation/auto``); into a tile another instruction has set (`zeros`, `full`, a copy),
/// every product adds (``Accumulation/add``).
///
/// ```swift
/// affineRange(kTiles) { k in
///   resPsum += matmul(load(lhsT[k * 128 ..+ 128, 0 ..< 128]), load(rhs[k * 128 ..+ 128, 0 ..< 512]))
/// }
/// ```
public func += (psum: Tile<PSUM>, product: MatmulProduct) {
  let group = Recorder.current?.backend.onlyMatmulsWrite(psum.handle.id) ?? false
  Emit.instruction(
    .matmul(
      dst: psum.view, stationary: product.stationary.view, moving: product.moving.view,
      accumulation: group ? .auto : .add),
    uses: [psum.handle, product.stationary.handle, product.moving.handle], product.location)
}

/// `nisa.nc_matmul(dst=, stationary, moving, accumulate=)`: a matmul into an existing PSUM view.
///
/// ```swift
/// matmul(into: psum, lhsT, rhs, accumulation: .overwrite)
/// ```
@discardableResult
public func matmul(
  into dst: Tile<PSUM>, _ stationary: Tile<SBUF>, _ moving: Tile<SBUF>,
  accumulation: Accumulation = .auto, fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> KernelStatement {
  let l = loc(fileID, line, column)
  Emit.instruction(
    .matmul(
      dst: NKIRules.canonicalView(dst.view), stationary: NKIRules.canonicalView(stationary.view),
      moving: NKIRules.canonicalView(moving.view), accumulation: accumulation),
    uses: [dst.handle, stationary.handle, moving.handle], l)
  return KernelStatement(kind: "nc_matmul", location: l)
}

/// `nisa.nc_transpose(data)` on the Tensor engine: `[P, F]` in SBUF → a new `[F, P]` `Tile<PSUM>`
/// (both ≤ 128), in the input's dtype.
///
/// ```swift
/// let kT = copy(transpose(kTile))     // PSUM → SBUF
/// ```
public func transpose(
  _ data: Tile<SBUF>, fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> Tile<PSUM> {
  let l = loc(fileID, line, column)
  let t = Emit.tile("nc_transpose", [data.view.freeElementCount, data.view.partitionCount], data.dtype, PSUM.self, l)
  Emit.instruction(.transpose(dst: t.view, src: data.view), uses: [t.handle, data.handle], l)
  return t
}

/// `nisa.nc_transpose(data, engine=nki.isa.vector_engine)`: a `[P, F]` → `[F, P]` transpose of at
/// most 32×32 on the Vector engine, into a new `Tile<SBUF>`.
///
/// ```swift
/// let small = transposeOnVectorEngine(t[0 ..< 32, 0 ..< 16])   // [16, 32]
/// ```
public func transposeOnVectorEngine<S: OnChipMemory>(
  _ data: Tile<S>, fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  let l = loc(fileID, line, column)
  let t = Emit.tile("nc_transpose", [data.view.freeElementCount, data.view.partitionCount], data.dtype, SBUF.self, l)
  Emit.instruction(.transpose(dst: t.view, src: data.view), uses: [t.handle, data.handle], engine: .vector, l)
  return t
}
