import TesselIR
import TesselNKI

/// A view of one of a kernel's tensors: a ``Tile`` on chip or a ``Tensor`` in device memory.
///
/// Both kinds share their members (shape, dtype, name, subscripts and access patterns) through
/// this protocol; the memory space is the `Space` type parameter.
///
/// ```swift
/// func rows<T: KernelTensor>(_ t: T) -> Int { t.shape[0] }
/// ```
public protocol KernelTensor: Sendable {
  /// The memory the tensor lives in (`HBM`, `SBUF`, `PSUM`).
  associatedtype Space: MemoryKind
  /// The tensor this is a view of.
  var handle: TensorHandle { get }
  /// The access pattern into the tensor.
  var view: View { get }
  /// A view of `handle`'s tensor.
  init(handle: TensorHandle, view: View)
}

extension KernelTensor {
  /// The whole tensor of `handle`.
  init(handle: TensorHandle) {
    self.init(handle: handle, view: .whole(handle.id, shape: handle.decl.shape))
  }

  /// The shape of this view (partition dimension first on chip).
  public var shape: [Int] { view.shape }
  /// The element dtype.
  public var dtype: DType { handle.decl.dtype }
  /// The underlying tensor's name.
  public var name: String { handle.decl.name }
  /// The underlying tensor in the kernel's IR.
  public var tensorID: TensorID { handle.id }
  /// The underlying tensor's declaration.
  public var declaration: TensorDecl { handle.decl }

  /// A view selected by one component per leading dimension; see ``AxisSlice``.
  ///
  /// ```swift
  /// acc[0..., t, bn * 512 ..+ 512]         // acc[i_p, t, bn*512 + i_n]
  /// delta[b, c0 ..+ 128, 0 ..< seqLen]     // delta[b, c0:c0 + 128, 0:seq_len]
  /// ```
  public subscript(
    _ components: any SliceConvertible..., fileID fileID: String = #fileID, line line: Int = #line,
    column column: Int = #column
  ) -> Self {
    let location = loc(fileID, line, column)
    let slices = components.map(\.axisSlice)
    return Self(handle: handle, view: handle.sliced(view, slices, onChip: Space.memorySpace.isOnChip, at: location))
  }

  /// A general access pattern over `shape` iteration axes: `indices` gives, for every dimension
  /// of this view, an affine expression of the axes (NKI's `nl.mgrid`/`nl.arange` indexing).
  ///
  /// ```swift
  /// // windows = image[k_c, pool * k_oh + k_ph, pool * k_ow + k_pw]
  /// let windows = image.view(shape: [128, oh, ow, pool, pool]) { i in
  ///   [i[0], i[1] * pool + i[3], i[2] * pool + i[4]]
  /// }
  /// x.view(shape: [128, 512]) { i in [t * 128 + i[0], i[1]] }   // x[t*128 + i_p, i_f]
  /// ```
  public func view(
    shape: [Int], fileID: String = #fileID, line: Int = #line, column: Int = #column,
    _ indices: ([GridIndex]) -> [GridIndex]
  ) -> Self {
    Self(handle: handle, view: handle.patterned(view, shape: shape, indices, at: loc(fileID, line, column)))
  }
}

/// A view `dmaCopy` can move data between: a ``Tensor`` in device memory or an SBUF ``Tile``.
public protocol DMAEndpoint: KernelTensor {}

extension Tensor: DMAEndpoint {}

extension Tile: DMAEndpoint where Space == SBUF {}

extension TensorHandle {
  /// `view` sliced by `components` (``KernelTensor`` subscripts), or `view` itself after
  /// recording the error at `location`.
  func sliced(_ view: View, _ components: [AxisSlice], onChip: Bool, at location: SourceLocation) -> View {
    switch ViewAlgebra.slice(view, components, onChip: onChip) {
    case .success(let v): return v
    case .failure(let e):
      Recorder.current?.fail(KernelError(.malformed("in a subscript of `\(decl.name)`: \(e.message)"), at: location))
      return view
    }
  }

  /// `view` under a general access pattern over `shape` iteration axes (``KernelTensor/view(shape:fileID:line:column:_:)``),
  /// or `view` itself after recording the error at `location`.
  func patterned(
    _ view: View, shape: [Int], _ indices: ([GridIndex]) -> [GridIndex], at location: SourceLocation
  ) -> View {
    switch ViewAlgebra.pattern(view, shape: shape, indices(shape.indices.map { GridIndex.axis($0) })) {
    case .success(let v): return v
    case .failure(let e):
      Recorder.current?.fail(
        KernelError(.malformed("in an access pattern of `\(decl.name)`: \(e.message)"), at: location))
      return view
    }
  }
}

extension KernelTensor {
  /// `t.ap(pattern, offset=)`: a raw access pattern over the tensor's storage, one
  /// `[stride, count]` pair per dimension, strides and `offset` in elements of the row-major
  /// storage (on chip, element `(p, f)` of a tile with `F` elements per partition is `p·F + f`).
  ///
  /// Like NKI's, it starts from the storage, not from this view.
  ///
  /// ```swift
  /// // weight.ap([[0, 128], [1, cols]]): a [cols] vector repeated on 128 partitions
  /// dmaCopy(dst: w, src: weight.ap([[0, 128], [1, cols]]))
  /// ```
  ///
  /// A pattern whose dimensions do not each walk one dimension of the storage (NKI lowers those
  /// to a flat alias of the storage) is a located error.
  public func ap(
    _ pattern: [[Int]], offset: Int = 0, fileID: String = #fileID, line: Int = #line, column: Int = #column
  ) -> Self {
    let l = loc(fileID, line, column)
    guard !pattern.isEmpty, pattern.allSatisfy({ $0.count == 2 && $0[1] >= 1 }) else {
      Recorder.current?.fail(
        KernelError(
          .malformed("an access pattern of `\(name)` is a non-empty list of [stride, count] pairs with counts ≥ 1"),
          at: l))
      return self
    }
    let decl = handle.decl
    guard
      let v = NKIRules.storageView(
        of: handle.id, storageShape: decl.shape, onChip: Space.memorySpace.isOnChip, shape: pattern.map { $0[1] },
        strides: pattern.map { $0[0] }, offset: offset)
    else {
      Recorder.current?.fail(
        KernelError(
          .unsupported(
            "the access pattern \(pattern) (offset \(offset)) over `\(name)` \(decl.shape): each [stride, count] pair must walk one dimension of the tensor and stay inside it (and on chip only the first may cross partitions)"
          ), at: l))
      return self
    }
    return Self(handle: handle, view: v)
  }
}
