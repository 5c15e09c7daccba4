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
public struct Tile<Space: OnChipMemory>: KernelTensor {
  /// The tensor this is a view of.
  public let handle: TensorHandle
  /// The access pattern into the tensor.
  public let view: View

  /// A view of `handle`'s tensor.
  public init(handle: TensorHandle, view: View) {
    self.handle = handle
    self.view = view
  }
}

/// A device-memory (HBM) tensor, or a view of one: kernel parameters and outputs.
///
/// ```swift
/// // SwiftKernel(name: "k", KernelParameter("x", ...), KernelParameter("weight", ...)) { x, weight in
/// let block = x[t * 128 ..+ 128, 0 ..< cols]
/// let row = weight.reshaped([1, cols])           // weight.reshape((1, cols))
/// ```
public struct Tensor<Space: DeviceMemory>: KernelTensor {
  /// The tensor this is a view of.
  public let handle: TensorHandle
  /// The access pattern into the tensor.
  public let view: View

  /// A view of `handle`'s tensor.
  public init(handle: TensorHandle, view: View) {
    self.handle = handle
    self.view = view
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
    guard view.isWhole(of: decl.shape), newShape.reduce(1, *) == decl.elementCount, newShape.allSatisfy({ $0 >= 1 })
    else {
      Recorder.current?.fail(
        KernelError(
          .malformed("cannot reshape `\(name)` of shape \(shape) to \(newShape)"), at: loc(fileID, line, column)))
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
        guard
          let k = oldStrides.indices.first(where: {
            s % oldStrides[$0] == 0 && s / oldStrides[$0] * (n - 1) < decl.shape[$0]
          })
        else {
          Recorder.current?.fail(
            KernelError(
              .unsupported("reshape of `\(name)` from \(decl.shape) to \(newShape) that does not split its dimensions"),
              at: loc(fileID, line, column)))
          return self
        }
        steps[k] = s / oldStrides[k]
      }
      dims.append(View.Dim(count: n, steps: steps))
    }
    return Tensor(handle: handle, view: View(tensor: handle.id, start: view.start, dims: dims))
  }
}
