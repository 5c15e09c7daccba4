import TesselIR
import TesselPython

/// `tensor.reshape(shape)` of an HBM tensor or an on-chip tile, and returning a reshaped tensor.
///
/// HBM is contiguous row-major memory, so reshaping a whole HBM tensor is a view of the same
/// elements in the same order; an on-chip tile holds each partition's free elements row-major,
/// so a reshape that keeps the partition dimension is likewise a view. A reshape that only splits dimensions (or drops and adds size-1
/// ones) is an affine view of the tensor itself; one whose new dimensions span several old ones
/// (`[b, h, w, c] → [b, h * w, c]`) names the tensor's storage with the new shape (a storage
/// alias).
extension Tracer {
  /// `t.reshape(shape)` / `t.reshape(*shape)` / `t.reshape(shape=...)`.
  func reshape(_ t: TensorRef, _ a: CallArguments) throws(TraceError) -> Value {
    let loc = a.location
    let shape = try shapeArgument(.tuple(try shapeValues(a)), at: loc)
    let d = decl(t)
    if !t.view.isWhole(of: d.shape), d.bitcast == nil, !d.space.isOnChip {
      return try reshapeSlice(t, to: shape, at: loc)
    }
    guard t.view.isWhole(of: d.shape), d.bitcast == nil else {
      throw TraceError.unsupported(
        "reshape of a sliced on-chip tile or of a bitcast view (reshape the whole tensor, then index the result)",
        at: loc)
    }
    guard shape.reduce(1, *) == d.elementCount else {
      throw TraceError.python(
        "ValueError", "cannot reshape tensor of \(d.elementCount) elements into shape \(shape)", at: loc)
    }
    if d.space.isOnChip {
      // Each partition holds its free elements row-major, so a reshape that keeps the partition
      // dimension is the same storage under another free shape.
      guard shape.first == d.shape.first else {
        throw TraceError.python(
          "ValueError",
          "reshape of an on-chip tile must keep the partition dimension (\(d.partitionCount)), got \(shape)", at: loc)
      }
    }
    if let dims = Self.splittingDims(from: d.shape, to: shape) {
      return .tensor(TensorRef(id: t.id, view: View(tensor: t.id, start: t.view.start, dims: dims)))
    }
    let id = builder.declareAlias(name: "\(d.name)_reshaped", of: t.id, shape: shape, location: loc)
    return .tensor(TensorRef(id: id, view: .whole(id, shape: shape)))
  }

  /// `t.reshape(shape)` of a slice of an HBM tensor: a view of the same elements in the same
  /// order, as NumPy reshapes a view without copying.
  ///
  /// The slice's dimensions are flat strides into the tensor's row-major storage; each run of
  /// them that the new shape merges or splits must be contiguous (a stride equal to the next
  /// one's times its count), or the reshape would need a copy, which NKI's HBM views cannot make:
  /// a `ValueError`. The result views a one-dimensional alias of the storage.
  func reshapeSlice(_ t: TensorRef, to shape: [Int], at loc: SourceLocation) throws(TraceError) -> Value {
    let d = decl(t)
    let count = t.view.shape.reduce(1, *)
    guard shape.reduce(1, *) == count else {
      throw TraceError.python(
        "ValueError", "cannot reshape a slice of \(count) elements into shape \(shape)", at: loc)
    }
    guard t.view.runtimeOffsets.isEmpty else {
      throw TraceError.unsupported("reshape of a slice at a run-time offset", at: loc)
    }
    let oldStrides = RowMajorIndex.strides(of: d.shape)
    let flatStart = zip(t.view.start, oldStrides).reduce(AffineExpr(constant: 0)) { $0 + $1.0 * $1.1 }
    let from = t.view.dims.filter { $0.count != 1 }.map { dim in
      (count: dim.count, stride: zip(dim.steps, oldStrides).reduce(0) { $0 + $1.0 * $1.1 })
    }
    guard let strides = Self.reshapedStrides(from, to: shape) else {
      throw TraceError.python(
        "ValueError",
        "cannot reshape this slice of `\(d.name)` (view shape \(t.view.shape)) into \(shape) without copying: "
          + "the dimensions it merges are not contiguous in memory",
        at: loc)
    }
    let flat = builder.declareAlias(name: "\(d.name)_flat", of: t.id, shape: [d.elementCount], location: loc)
    let dims = zip(shape, strides).map { View.Dim(count: $0.0, steps: [$0.1]) }
    return .tensor(TensorRef(id: flat, view: View(tensor: flat, start: [flatStart], dims: dims)))
  }

  /// The flat strides of `shape` over dimensions `from` (count, flat stride; no size-1 ones) when
  /// the reshape needs no copy (NumPy's rule), else nil; a size-1 new dimension gets stride 0.
  static func reshapedStrides(_ from: [(count: Int, stride: Int)], to shape: [Int]) -> [Int]? {
    var strides = Array(repeating: 0, count: shape.count)
    let new = shape.indices.filter { shape[$0] != 1 }
    var (oi, ni) = (0, 0)
    while oi < from.count && ni < new.count {
      var (oj, nj) = (oi + 1, ni + 1)
      var (op, np) = (from[oi].count, shape[new[ni]])
      while op != np {
        if np < op {
          guard nj < new.count else { return nil }
          np *= shape[new[nj]]
          nj += 1
        } else {
          guard oj < from.count else { return nil }
          op *= from[oj].count
          oj += 1
        }
      }
      for k in oi..<(oj - 1) where from[k].stride != from[k + 1].stride * from[k + 1].count { return nil }
      var s = from[oj - 1].stride
      for k in stride(from: nj - 1, through: ni, by: -1) {
        strides[new[k]] = s
        s *= shape[new[k]]
      }
      (oi, ni) = (oj, nj)
    }
    return oi == from.count && ni == new.count ? strides : nil
  }

  /// The dimensions of a row-major reshape `old → new` as an affine view of the old tensor, when
  /// every new dimension steps through a single old one; nil when one spans several.
  static func splittingDims(from old: [Int], to shape: [Int]) -> [View.Dim]? {
    let newStrides = RowMajorIndex.strides(of: shape)
    let oldStrides = RowMajorIndex.strides(of: old)
    var dims: [View.Dim] = []
    for (i, n) in shape.enumerated() {
      var steps = Array(repeating: 0, count: old.count)
      if n > 1 {
        // The outermost old dimension whose stride divides this one's flat stride, without wrapping.
        let f = newStrides[i]
        guard
          let k = old.indices.first(where: {
            f % oldStrides[$0] == 0 && f / oldStrides[$0] * (n - 1) < old[$0] && f >= oldStrides[$0]
          })
        else { return nil }
        steps[k] = f / oldStrides[k]
      }
      dims.append(View.Dim(count: n, steps: steps))
    }
    return dims
  }

  /// The tensor a kernel returns for `t`: the tensor itself when `t` views it whole; for a
  /// reshape of a whole local HBM tensor (`return out.reshape(...)`), a tensor of the reshaped
  /// shape that owns the storage; nil for anything else (a slice).
  func returnedTensor(_ t: TensorRef) -> TensorID? {
    let d = decl(t)
    if t.view.isWhole(of: d.shape) {
      if d.alias == nil || builder.makeStorageOwner(t.id) { return t.id }
      return nil
    }
    // An affine reshape view: the same elements in row-major order under another shape.
    let shape = t.view.shape
    let oldStrides = RowMajorIndex.strides(of: d.shape)
    let flat = t.view.dims.map { dim in zip(dim.steps, oldStrides).reduce(0) { $0 + $1.0 * $1.1 } }
    let expected = RowMajorIndex.strides(of: shape)
    guard t.view.start.allSatisfy({ $0.isConstant && $0.constant == 0 }),
      shape.reduce(1, *) == d.elementCount,
      zip(zip(flat, expected), shape).allSatisfy({ $0.1 == 1 || $0.0.0 == $0.0.1 })
    else { return nil }
    let id = builder.declareAlias(name: "\(d.name)_reshaped", of: t.id, shape: shape, location: d.location)
    return builder.makeStorageOwner(id) ? id : nil
  }
}

extension Tracer {
  /// The shape given to a tensor method as `(shape)`, `(*shape)` or `(shape=...)`
  /// (`t.reshape`, `t.broadcast_to`): its dimensions, unchecked; a `TypeError` for another
  /// keyword or for `shape` given twice.
  func shapeValues(_ a: CallArguments) throws(TraceError) -> [Value] {
    var rest = a.positional
    if let s = try a.onlyKeyword("shape") {
      guard rest.isEmpty else {
        throw TraceError.typeError(.arguments(function: a.function, problem: .multipleValues("shape")), at: a.location)
      }
      rest = [s]
    }
    if rest.count == 1, case .tuple = rest[0] {
      rest = try iterate(rest[0], at: a.location)
    } else if rest.count == 1, case .list = rest[0] {
      rest = try iterate(rest[0], at: a.location)
    }
    return rest
  }
}
