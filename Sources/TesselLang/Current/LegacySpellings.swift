import TesselIR
import TesselPython

/// Legacy NKI spellings met in a current-dialect file, and what the current dialect writes
/// instead: every such error names the current spelling.
///
/// Three kinds: `nki.language` names the current dialect removed (`nl.arange`, `nl.mgrid`); the `nki.language` convenience functions Tessel does not model (`nl.load`,
/// `nl.store`, `nl.zeros`, ...); and legacy call shapes of `nki.isa` functions (a `mask=`
/// argument, a value-returning call without its destination).
enum LegacySpelling {
  /// `nki.language` names of the legacy dialect that the current one removed, with what to write.
  static let removed: [String: String] = [
    "arange":
      "index with integers and slices (t[0:128, i]) or nl.ds(start, size), or describe the access with "
      + "t.ap(pattern, offset); nisa.iota(dst, pattern) writes index values into a tile",
    "mgrid":
      "index with integers and slices (t[0:128, 0:512]) or nl.ds(start, size), or describe the access with "
      + "t.ap(pattern, offset)",
  ]

  /// `nki.language` functions Tessel does not model, with the `nki.isa` spelling to use instead.
  static let unmodelled: [String: String] = [
    "load": "nisa.dma_copy(dst=tile, src=tensor[...]) into a tile made with nl.ndarray(shape, dtype, buffer=nl.sbuf)",
    "store": "nisa.dma_copy(dst=tensor[...], src=tile)",
    "load_transpose2d": "nisa.dma_transpose(dst, src)",
    "zeros": "nl.ndarray(shape, dtype, buffer=...) then nisa.memset(dst, value=0)",
    "ones": "nl.ndarray(shape, dtype, buffer=...) then nisa.memset(dst, value=1)",
    "full": "nl.ndarray(shape, dtype, buffer=...) then nisa.memset(dst, value=fill_value)",
    "zeros_like": "nl.ndarray(x.shape, x.dtype, buffer=...) then nisa.memset(dst, value=0)",
    "empty_like": "nl.ndarray(x.shape, x.dtype, buffer=...)",
    "copy": "nisa.tensor_copy(dst, src)",
    "matmul": "nisa.nc_matmul(dst=psum_tile, stationary=lhs_t, moving=rhs)",
    "transpose": "nisa.nc_transpose(dst, data) or nisa.dma_transpose(dst, src)",
    "broadcast_to": "nisa.tensor_scalar with a [P, 1] operand, or an access pattern with a zero step (t.ap(...))",
    "expand_dims": "t.reshape(...)",
    "where": "nisa.affine_select or nisa.range_select",
    "sum": "nisa.tensor_reduce(dst, op=nl.add, data=x, axis=...)",
    "max": "nisa.tensor_reduce(dst, op=nl.maximum, data=x, axis=...)",
    "min": "nisa.tensor_reduce(dst, op=nl.minimum, data=x, axis=...)",
    "prod": "nisa.tensor_reduce(dst, op=nl.multiply, data=x, axis=...)",
    "mean":
      "nisa.tensor_reduce(dst, op=nl.add, data=x, axis=...) then nisa.tensor_scalar(..., op0=nl.multiply, operand0=1/n)",
    "var": "nisa.bn_stats(dst, data) then nisa.bn_aggr(dst, data)",
    "all": "nisa.tensor_reduce(dst, op=nl.minimum, data=x, axis=...)",
    "softmax": "nisa.tensor_reduce, nisa.activation(op=nl.exp, ...) and nisa.reciprocal",
    "rms_norm": "nisa.activation_reduce and nisa.tensor_scalar",
  ]

  /// The error for `nl.<name>` when the current dialect has another spelling, or nil.
  static func error(forLanguage name: String, at location: SourceLocation) -> TraceError? {
    if let use = removed[name] {
      return TraceError.python(
        "AttributeError",
        "module 'nki.language' has no attribute '\(name)': nl.\(name) is legacy NKI, removed from the current dialect; \(use)",
        at: location)
    }
    if let use = unmodelled[name] {
      return TraceError.unsupported("nl.\(name) (the nki.language convenience layer); write \(use)", at: location)
    }
    return nil
  }

  /// Binds a call of `nisa.<name>` to `list`, naming the current spelling when the call has a
  /// legacy shape: a `mask=` argument, or missing arguments of a call that passed no `dst`
  /// (the legacy habit `x = nisa.tensor_copy(src)`).
  static func bindISA(
    _ name: String, _ list: ParameterList, _ positional: [Value], _ keywords: [(String, Value)],
    at location: SourceLocation
  ) throws(TraceError) -> BoundArguments {
    let function = "nisa." + name
    if keywords.contains(where: { $0.0 == "mask" }) {
      throw TraceError.typeError(
        .message(
          "\(function)() got an unexpected keyword argument 'mask': masks are legacy NKI, removed from the current "
            + "dialect; compute on slices of the operands instead (dst=t[0:n, :], data=x[0:n, :])"),
        at: location)
    }
    do {
      return try list.bind(function: function, positional: positional, keywords: keywords, at: location)
    } catch {
      guard case .exception(let e) = error.kind, case .arguments(_, .missing) = e.reason,
        list.named.first?.name == "dst", !keywords.contains(where: { $0.0 == "dst" })
      else { throw error }
      throw TraceError.typeError(
        .message(
          "\(e.message); ISA calls of the current dialect return nothing and write into a destination passed "
            + "first: \(function)(dst, ...) with dst = nl.ndarray(shape, dtype, buffer=nl.sbuf)"),
        at: location)
    }
  }
}
