import TesselIR

/// An on-chip tile (or a view of one) in SBUF or PSUM: `Tile<SBUF>`, `Tile<PSUM>`.
///
/// A tile is a value: a reference to an on-chip tensor of the kernel plus an access pattern.
/// Subscripting returns a smaller view of the same tensor; no data moves until an operation
/// uses it. The partition dimension comes first.
///
/// ```swift
/// let t: Tile<SBUF> = load(x[0 ..< 128, 0 ..< 512])
/// let left = t[0..., 0 ..< 256]              // a [128, 256] view
/// let even = t[0..., (0 ..< 512).strided(by: 2)]
/// ```
public struct Tile<Space: OnChipMemory>: Sendable {
  let handle: TensorHandle
  /// The access pattern into the tensor.
  public let view: View

  init(handle: TensorHandle, view: View) {
    self.handle = handle
    self.view = view
  }

  init(handle: TensorHandle) {
    self.init(handle: handle, view: .whole(handle.id, shape: handle.decl.shape))
  }

  /// The shape of this view (partition dimension first).
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
  /// acc[0..., t, bn * 512 ..+ 512]     // acc[i_p, t, bn*512 + i_n]
  /// ```
  public subscript(
    _ components: any SliceConvertible..., fileID fileID: String = #fileID, line line: Int = #line,
    column column: Int = #column
  ) -> Tile<Space> {
    Tile(handle: handle, view: handle.sliced(view, components.map(\.axisSlice), onChip: true, at: loc(fileID, line, column)))
  }

  /// A general access pattern over `shape` iteration axes: `indices` gives, for every dimension
  /// of this view, an affine expression of the axes (NKI's `nl.mgrid`/`nl.arange` indexing).
  ///
  /// ```swift
  /// // windows = image[k_c, pool * k_oh + k_ph, pool * k_ow + k_pw]
  /// let windows = image.view(shape: [128, oh, ow, pool, pool]) { i in
  ///   [i[0], i[1] * pool + i[3], i[2] * pool + i[4]]
  /// }
  /// ```
  public func view(
    shape: [Int], fileID: String = #fileID, line: Int = #line, column: Int = #column,
    _ indices: ([GridIndex]) -> [GridIndex]
  ) -> Tile<Space> {
    Tile(handle: handle, view: handle.patterned(view, shape: shape, indices, at: loc(fileID, line, column)))
  }
}

/// A device-memory (HBM) tensor, or a view of one: kernel parameters and outputs.
///
/// ```swift
/// let x: Tensor<HBM> = args["x"]
/// let block = x[t * 128 ..+ 128, 0 ..< cols]
/// let row = weight.reshaped([1, cols])           // weight.reshape((1, cols))
/// ```
public struct Tensor<Space: DeviceMemory>: Sendable {
  let handle: TensorHandle
  /// The access pattern into the tensor.
  public let view: View

  init(handle: TensorHandle, view: View) {
    self.handle = handle
    self.view = view
  }

  init(handle: TensorHandle) {
    self.init(handle: handle, view: .whole(handle.id, shape: handle.decl.shape))
  }

  /// The shape of this view.
  public var shape: [Int] { view.shape }
  /// The element dtype.
  public var dtype: DType { handle.decl.dtype }
  /// The tensor's name.
  public var name: String { handle.decl.name }
  /// The underlying tensor in the kernel's IR.
  public var tensorID: TensorID { handle.id }
  /// The underlying tensor's declaration.
  public var declaration: TensorDecl { handle.decl }

  /// A view selected by one component per leading dimension; see ``AxisSlice``.
  ///
  /// ```swift
  /// delta[b, c0 ..+ 128, 0 ..< seqLen]     // delta[b, c0:c0 + 128, 0:seq_len]
  /// ```
  public subscript(
    _ components: any SliceConvertible..., fileID fileID: String = #fileID, line line: Int = #line,
    column column: Int = #column
  ) -> Tensor<Space> {
    Tensor(handle: handle, view: handle.sliced(view, components.map(\.axisSlice), onChip: false, at: loc(fileID, line, column)))
  }

  /// A general access pattern over `shape` iteration axes; see ``Tile/view(shape:fileID:line:column:_:)``.
  ///
  /// ```swift
  /// x.view(shape: [128, 512]) { i in [t * 128 + i[0], i[1]] }   // x[t*128 + i_p, i_f]
  /// ```
  public func view(
    shape: [Int], fileID: String = #fileID, line: Int = #line, column: Int = #column,
    _ indices: ([GridIndex]) -> [GridIndex]
  ) -> Tensor<Space> {
    Tensor(handle: handle, view: handle.patterned(view, shape: shape, indices, at: loc(fileID, line, column)))
  }

  /// The whole tensor seen with another row-major shape of the same element count
  /// (`tensor.reshape(shape)` in NKI; only on a whole, unsliced tensor).
  ///
  /// ```swift
  /// let row = weight.reshaped([1, cols])[0 ..< 1, 0 ..< cols]
  /// ```
  public func reshaped(
    _ newShape: [Int], fileID: String = #fileID, line: Int = #line, column: Int = #column
  ) -> Tensor<Space> {
    let decl = handle.decl
    guard view.isWhole(of: decl.shape), newShape.reduce(1, *) == decl.elementCount, newShape.allSatisfy({ $0 >= 1 }) else {
      Recorder.current?.fail(
        KernelError(.malformed("cannot reshape `\(name)` of shape \(shape) to \(newShape)"), at: loc(fileID, line, column)))
      return self
    }
    // Row-major strides of the new shape, expressed as steps on the old dimensions.
    let oldStrides = decl.strides
    var newStrides = Array(repeating: 1, count: newShape.count)
    var acc = 1
    for d in newShape.indices.reversed() {
      newStrides[d] = acc
      acc *= newShape[d]
    }
    var dims: [View.Dim] = []
    for (d, n) in newShape.enumerated() {
      // A new stride is a whole multiple of exactly one old stride when the old shape splits
      // cleanly (always true for the 1-D → 2-D reshapes kernels use).
      let s = newStrides[d]
      var steps = Array(repeating: 0, count: decl.shape.count)
      if n > 1 {
        guard let k = oldStrides.indices.first(where: { s % oldStrides[$0] == 0 && s / oldStrides[$0] * (n - 1) < decl.shape[$0] })
        else {
          Recorder.current?.fail(
            KernelError(.unsupported("reshape of `\(name)` from \(decl.shape) to \(newShape) that does not split its dimensions"), at: loc(fileID, line, column)))
          return self
        }
        steps[k] = s / oldStrides[k]
      }
      dims.append(View.Dim(count: n, steps: steps))
    }
    return Tensor(handle: handle, view: View(tensor: handle.id, start: view.start, dims: dims))
  }
}

extension TensorHandle {
  /// `view` sliced by `components` (``Tile`` and ``Tensor`` subscripts), or `view` itself after
  /// recording the error at `location`.
  func sliced(_ view: View, _ components: [AxisSlice], onChip: Bool, at location: SourceLocation) -> View {
    switch ViewAlgebra.slice(view, components, onChip: onChip) {
    case .success(let v): return v
    case .failure(let e):
      Recorder.current?.fail(KernelError(.malformed("in a subscript of `\(decl.name)`: \(e.message)"), at: location))
      return view
    }
  }

  /// `view` under a general access pattern over `shape` iteration axes (``Tile/view(shape:fileID:line:column:_:)``),
  /// or `view` itself after recording the error at `location`.
  func patterned(
    _ view: View, shape: [Int], _ indices: ([GridIndex]) -> [GridIndex], at location: SourceLocation
  ) -> View {
    switch ViewAlgebra.pattern(view, shape: shape, indices(shape.indices.map { GridIndex.axis($0) })) {
    case .success(let v): return v
    case .failure(let e):
      Recorder.current?.fail(KernelError(.malformed("in an access pattern of `\(decl.name)`: \(e.message)"), at: location))
      return view
    }
  }
}
