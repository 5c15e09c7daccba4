import TesselIR
import TesselNKI
import TesselPython

/// A tensor of the current NKI dialect (`NkiTensor`): a view of the storage of an IR tensor.
///
/// NKI describes a view by its `shape`, its `strides` and its `offset`, in elements of the
/// underlying storage (on chip, element `(p, f)` of a tile with `F` elements per partition is
/// storage element `p·F + f`). Every view operation (`t[...]`, `.reshape`, `.ap(...)`) makes a
/// new view of the same storage; only ISA calls touch the data. ``irView()`` turns a view into an
/// IR ``View``: of the storage tensor itself when each dimension walks one of its dimensions, or
/// of a flat alias of the storage otherwise.
final class NkiTensor: NativeObject {
  /// The IR tensor that owns the storage.
  let storage: TensorID
  /// Its memory space, dtype and shape (in elements of the view: packed elements for a packed
  /// dtype).
  let space: MemorySpace
  let dtype: DType
  let storageShape: [Int]
  /// Values per element: 4 for the packed MX dtypes (`nl.float8_e5m2_x4`), else 1.
  ///
  /// A packed tensor's storage is an IR tensor of the value dtype whose last dimension is
  /// `packing` times the NKI one; shapes, strides and offsets count packed elements, and
  /// ``irView(at:)`` adds a last dimension of `packing` consecutive values (the `[P, F, 4]` operand
  /// ``Operation/QuantizeMX`` and ``Operation/MatmulMX`` read and write).
  let packing: Int
  /// The view: shape, element strides and element offset in the storage.
  let shape: [Int]
  let strides: [Int]
  let offset: Int
  /// `scalar_offset`s: a one-element IR view whose value, times `stride`, adds to the offset at
  /// run time.
  let runtimeOffsets: [(source: View, stride: Int)]
  /// The `vector_offset` of an `.ap(...)` view, if any: an index tile and its unit.
  ///
  /// The `[P, 1]` on-chip integer tile's value at partition `p`, times `unit` storage elements
  /// (the stride of `indirect_dim` in the tensor `.ap` was called on), places partition `p` of
  /// the view (the view's own partition stride is not applied). Only `nisa.dma_copy` lowers such a view
  /// (to an ``Operation/IndirectDMA``); ``irView(at:)`` refuses it.
  let vectorOffset: (indices: View, unit: Int)?
  /// The user-visible name (`nl.ndarray(..., name=)` or the variable it was first bound to).
  let name: String
  unowned let tracer: CurrentTracer

  init(
    storage: TensorID, space: MemorySpace, dtype: DType, storageShape: [Int], shape: [Int], strides: [Int],
    offset: Int, runtimeOffsets: [(source: View, stride: Int)] = [], vectorOffset: (indices: View, unit: Int)? = nil,
    packing: Int = 1, name: String, tracer: CurrentTracer
  ) {
    self.storage = storage
    self.space = space
    self.dtype = dtype
    self.storageShape = storageShape
    self.packing = packing
    self.shape = shape
    self.strides = strides
    self.offset = offset
    self.runtimeOffsets = runtimeOffsets
    self.vectorOffset = vectorOffset
    self.name = name
    self.tracer = tracer
  }

  /// The whole of a storage tensor, in elements of `packing` values (the decl's last dimension
  /// must divide by it).
  static func whole(_ id: TensorID, decl: TensorDecl, packing: Int = 1, tracer: CurrentTracer) -> NkiTensor {
    let shape = packedShape(decl.shape, packing)
    return NkiTensor(
      storage: id, space: decl.space, dtype: decl.dtype, storageShape: shape, shape: shape,
      strides: RowMajorIndex.strides(of: shape), offset: 0, packing: packing, name: decl.name, tracer: tracer)
  }

  /// A storage shape counted in elements of `packing` values: the last dimension divided.
  static func packedShape(_ shape: [Int], _ packing: Int) -> [Int] {
    guard packing > 1, let last = shape.last else { return shape }
    return Array(shape.dropLast()) + [last / packing]
  }

  /// A view of the same storage.
  func with(
    shape: [Int], strides: [Int], offset: Int, runtimeOffsets: [(source: View, stride: Int)]? = nil
  ) -> NkiTensor {
    NkiTensor(
      storage: storage, space: space, dtype: dtype, storageShape: storageShape, shape: shape, strides: strides,
      offset: offset, runtimeOffsets: runtimeOffsets ?? self.runtimeOffsets, vectorOffset: vectorOffset,
      packing: packing, name: name, tracer: tracer)
  }

  var isOnChip: Bool { space.isOnChip }
  /// The NKI name of the dtype (`float8_e5m2_x4` for a packed tensor).
  var dtypeName: String { packing == 1 ? dtype.nkiName : "\(dtype.nkiName)_x\(packing)" }
  var elementCount: Int { shape.reduce(1, *) }
  /// Elements per partition of the storage (on chip).
  var storageFree: Int { storageShape.dropFirst().reduce(1, *) }

  /// Whether the view is the whole storage in order.
  var isWhole: Bool {
    shape == storageShape && strides == RowMajorIndex.strides(of: storageShape) && offset == 0 && runtimeOffsets.isEmpty
  }

  /// Whether the view's elements are contiguous in storage, in row-major order.
  var isContiguous: Bool {
    var expected = 1
    for d in shape.indices.reversed() where shape[d] != 1 {
      if strides[d] != expected { return false }
      expected *= shape[d]
    }
    return true
  }

  // MARK: - Lowering to the IR

  /// The IR view of this NKI view: on the storage tensor when it decomposes dimension by
  /// dimension, else on a flat alias of the storage (``TensorDecl/alias``).
  func irView(at location: SourceLocation) throws(TraceError) -> View {
    if vectorOffset != nil {
      throw TraceError.unsupported(
        "a view with vector_offset outside nisa.dma_copy (`\(name)`: only a DMA places partitions by index)",
        at: location)
    }
    if let v = storageView() { return unpacked(v) }
    return unpacked(try flatView(at: location))
  }

  /// `v`, counted in packed elements along its tensor's last dimension, as a view of the values:
  /// the last dimension's start and steps scaled by ``packing`` and a last iteration dimension of
  /// `packing` consecutive values.
  func unpacked(_ v: View) -> View {
    guard packing > 1, let last = v.start.indices.last else { return v }
    var w = v
    w.start[last] = w.start[last] * packing
    for d in w.dims.indices { w.dims[d].steps[last] *= packing }
    for r in w.runtimeOffsets.indices { w.runtimeOffsets[r].steps[last] *= packing }
    w.dims.append(.along(last, of: v.start.count, count: packing))
    return w
  }

  /// The view on the storage tensor, when each view dimension walks one storage dimension with a
  /// constant step and stays inside it.
  func storageView() -> View? {
    guard
      var v = NKIRules.storageView(
        of: storage, storageShape: storageShape, onChip: isOnChip, shape: shape, strides: strides, offset: offset)
    else { return nil }
    let rank = storageShape.count
    let ts = RowMajorIndex.strides(of: storageShape)
    for r in runtimeOffsets {
      guard let k = (0..<rank).first(where: { r.stride % ts[$0] == 0 }) else { return nil }
      var steps = [Int](repeating: 0, count: rank)
      steps[k] = r.stride / ts[k]
      v.runtimeOffsets.append(RuntimeOffset(source: r.source, steps: steps))
    }
    return v
  }

  /// The view on the storage's flat alias: `[N]` in HBM, `[P, F]` on chip.
  func flatView(at location: SourceLocation) throws(TraceError) -> View {
    let alias = tracer.flatAlias(of: storage)
    if !isOnChip {
      return View(
        tensor: alias, start: [AffineExpr(constant: offset)],
        dims: zip(shape, strides).map { .along(0, of: 1, count: $0, stride: $1) },
        runtimeOffsets: runtimeOffsets.map { RuntimeOffset(source: $0.source, steps: [$0.stride]) })
    }
    let f = storageFree
    var dims: [View.Dim] = []
    for (d, (c, s)) in zip(shape, strides).enumerated() {
      if d == 0 {
        guard s % f == 0 || c == 1 else {
          throw TraceError(
            rule: .malformed(
              "an access pattern of `\(name)` steps \(s) elements across partitions of \(f) elements; its first [stride, count] pair must move whole partitions"
            ), at: location)
        }
        dims.append(View.Dim(count: c, steps: [c == 1 ? 0 : s / f, 0]))
      } else {
        dims.append(View.Dim(count: c, steps: [0, s]))
      }
    }
    var runtime: [RuntimeOffset] = []
    for r in runtimeOffsets {
      runtime.append(RuntimeOffset(source: r.source, steps: r.stride % f == 0 ? [r.stride / f, 0] : [0, r.stride]))
    }
    return View(
      tensor: alias, start: [AffineExpr(constant: offset / f), AffineExpr(constant: offset % f)], dims: dims,
      runtimeOffsets: runtime)
  }

  // MARK: - NativeObject

  var typeName: String { "NkiTensor" }

  func repr(_ ev: Evaluator) throws(TraceError) -> String {
    "NkiTensor(name='\(name)', shape=(\(shape.map(String.init).joined(separator: ", "))\(shape.count == 1 ? "," : "")), dtype=\(dtypeName), buffer=\(space.nkiName))"
  }

  func hashKey(_ ev: Evaluator) -> HashKey? { .object(ObjectIdentifier(self)) }

  func isInstance(of cls: PyClass, _ ev: Evaluator) -> Bool {
    cls.builtin == .object || cls.name == "NkiTensor" || cls.name == "ndarray"
  }
}
