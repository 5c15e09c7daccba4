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
    let function = "tensor.view"
    if let k = a.keywords.first(where: { $0.0 != "dtype" }) {
      throw TraceError.typeError(.arguments(function: function, problem: .unexpectedKeyword(k.0)), at: loc)
    }
    let keyword = a.keywords.first(where: { $0.0 == "dtype" })?.1
    if a.positional.count + (keyword == nil ? 0 : 1) > 1 {
      throw TraceError.typeError(
        .arguments(
          function: function,
          problem: keyword == nil
            ? .tooManyPositional(minimum: 1, maximum: 1, given: a.positional.count, keywordOnlyGiven: 0)
            : .multipleValues("dtype")),
        at: loc)
    }
    guard let dtype = try dtypeArgument(a.positional.first ?? keyword, at: loc) else {
      throw TraceError.typeError(
        .arguments(function: function, problem: .missing(["dtype"], keywordOnly: false)), at: loc)
    }
    let d = decl(t)
    guard t.view.isWhole(of: d.shape) else {
      throw TraceError.unsupported(
        "view(\(dtype.nkiName)) of a slice of `\(d.name)` (view the whole tile, then index the view)", at: loc)
    }
    let id: TensorID
    do {
      id = try builder.declareBitcast(name: "\(d.name)_view", of: t.id, as: dtype, location: loc)
    } catch {
      throw TraceError(.kernel(error), at: loc)
    }
    return .tensor(TensorRef(id: id, view: .whole(id, shape: builder.tensor(id).shape)))
  }
}
