import TesselIR
import TesselPython

/// `tile.view(dtype)`: a tile's (or an HBM tensor's) bytes read as another dtype.
///
/// The view keeps the leading dimensions and rescales the last one by the ratio of the element
/// sizes (`[P, 1]` float32 viewed as float8_e4m3 is `[P, 4]`). Reads and writes through it are
/// reads and writes of the tile's bytes (``BitcastView``).
extension Tracer {
  /// `t.view(dtype)` / `t.view(dtype=...)`.
  func bitcastView(_ t: TensorRef, _ a: CallArguments) throws(TraceError) -> Value {
    let loc = a.location
    guard let dtype = try dtypeArgument(try a.onlyArgument("dtype"), at: loc) else {
      throw TraceError.typeError(
        .arguments(function: a.function, problem: .missing(["dtype"], keywordOnly: false)), at: loc)
    }
    let d = decl(t)
    if t.view.isWhole(of: d.shape) {
      let id = try bitcast(t, as: dtype, at: loc)
      return .tensor(TensorRef(id: id, view: .whole(id, shape: builder.tensor(id).shape)))
    }
    // Elements of the same size are reinterpreted one for one: any slice keeps its positions.
    let sameSize = d.dtype.byteSize == dtype.byteSize
    guard sameSize || d.alias == nil, d.bitcast == nil, t.view.runtimeOffsets.isEmpty,
      let dims = sameSize
        ? t.view.dims : Self.bitcastDims(t.view, lastDimension: d.shape.count - 1, from: d.dtype, to: dtype),
      let start = sameSize ? t.view.start : Self.bitcastStart(t.view.start, from: d.dtype, to: dtype)
    else {
      throw TraceError.unsupported(
        "view(\(dtype.nkiName)) of this slice of `\(d.name)` (its last dimension must be read in order, "
          + "whole elements of the new dtype; view the whole tile, then index the view)", at: loc)
    }
    let id = try bitcast(t, as: dtype, at: loc)
    return .tensor(TensorRef(id: id, view: View(tensor: id, start: start, dims: dims)))
  }

  /// The bitcast view of the whole tensor `t` names.
  private func bitcast(_ t: TensorRef, as dtype: DType, at loc: SourceLocation) throws(TraceError) -> TensorID {
    do {
      return try builder.declareBitcast(name: "\(decl(t).name)_view", of: t.id, as: dtype, location: loc)
    } catch {
      throw TraceError(.kernel(error), at: loc)
    }
  }

  /// The dimensions of a slice (or of a blocked tile's reordered view) read as `new`.
  ///
  /// They are the same iteration dimensions over the bitcast tensor, the last one rescaled by the
  /// ratio of the element sizes. Nil unless the view's last dimension walks the tensor's last
  /// dimension in order (step 1) and no other dimension moves along it, and its length is a whole
  /// number of new elements.
  static func bitcastDims(_ v: View, lastDimension k: Int, from old: DType, to new: DType) -> [View.Dim]? {
    guard k >= 0, let last = v.dims.last, last.steps[k] == 1,
      last.steps.indices.allSatisfy({ $0 == k || last.steps[$0] == 0 }),
      v.dims.dropLast().allSatisfy({ $0.steps[k] == 0 })
    else { return nil }
    var dims = v.dims
    let bytes = last.count * old.byteSize
    guard bytes % new.byteSize == 0 else { return nil }
    dims[dims.count - 1].count = bytes / new.byteSize
    return dims
  }

  /// The start of a slice read as `new`: the last dimension's start in new elements (a whole
  /// number of them).
  static func bitcastStart(_ start: [AffineExpr], from old: DType, to new: DType) -> [AffineExpr]? {
    guard var s = start.last else { return nil }
    if old.byteSize >= new.byteSize {
      s = s * (old.byteSize / new.byteSize)
    } else {
      let q = new.byteSize / old.byteSize
      guard new.byteSize % old.byteSize == 0, s.constant % q == 0, s.terms.allSatisfy({ $0.coefficient % q == 0 })
      else { return nil }
      s = AffineExpr(constant: s.constant / q, terms: s.terms.map { .init($0.variable, $0.coefficient / q) })
    }
    return start.dropLast() + [s]
  }
}
