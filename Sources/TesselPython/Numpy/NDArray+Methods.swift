import Foundation
import TesselIR

/// The attributes and methods of trace-time arrays (`a.shape`, `a.max()`, `a.reshape(2, 3)`).
extension NDArray {
  /// The methods an array has, for `dir()` and completion.
  static let methodNames = [
    "all", "any", "argmax", "argmin", "astype", "copy", "flatten", "item", "max", "mean", "min", "prod", "ravel",
    "reshape", "sum", "tolist", "transpose",
  ]

  package func attribute(_ name: String, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    switch name {
    case "shape": return .tuple(shape.map { .int($0) })
    case "ndim": return .int(shape.count)
    case "size": return .int(count)
    case "dtype": return .native(DTypeObject(dtype))
    case "itemsize": return .int(dtype.itemsize)
    case "nbytes": return .int(dtype.itemsize * count)
    case "T": return .native(try transposed(Array(shape.indices.reversed()), at: loc))
    default: break
    }
    guard NDArray.methodNames.contains(name) else { return nil }
    return .builtin(
      BuiltinFunction(method(name)) { a, ev, loc throws(TraceError) in try self.callMethod(name, a, ev, at: loc) })
  }

  /// The Python signature of method `name`.
  private func method(_ name: String) -> String {
    switch name {
    case "sum", "prod", "mean", "max", "min", "any", "all":
      return "ndarray.\(name)(axis=None, dtype=None, out=None, keepdims=False)"
    case "argmax", "argmin": return "ndarray.\(name)(axis=None)"
    case "astype": return "ndarray.astype(dtype)"
    case "reshape": return "ndarray.reshape(*shape)"
    case "transpose": return "ndarray.transpose(*axes)"
    default: return "ndarray.\(name)()"
    }
  }

  private func callMethod(_ name: String, _ a: BoundArguments, _ ev: Evaluator, at loc: SourceLocation)
    throws(TraceError)
    -> Value
  {
    switch name {
    case "sum", "prod", "mean", "max", "min", "any", "all":
      if let out = a[2], !out.isNone { throw TraceError.unsupported("ndarray.\(name)(out=...) at trace time", at: loc) }
      let type = try (a[1]).flatMap { (v) throws(TraceError) -> ArrayDType? in
        v.isNone ? nil : try NDArray.dtypeArgument(v, at: loc)
      }
      return try reduce(
        name, axis: a[0] ?? .none, keepdims: try ev.truth(a[3] ?? .bool(false), at: loc), dtype: type, ev, at: loc)
    case "argmax", "argmin": return try reduce(name, axis: a[0] ?? .none, keepdims: false, dtype: nil, ev, at: loc)
    case "astype":
      return .native(
        try NDArray(shape: shape, dtype: try NDArray.dtypeArgument(a[0] ?? .none, at: loc), values: values, at: loc))
    case "reshape":
      var dims = a.extraPositional
      if dims.count == 1, case .tuple(let xs) = dims[0] { dims = xs }
      if dims.count == 1, case .list(let l) = dims[0] { dims = l.items }
      return .native(try reshaped(try dims.map { (d) throws(TraceError) in try ev.intValue(d, at: loc) }, at: loc))
    case "transpose":
      var axes = a.extraPositional
      if axes.count == 1, case .tuple(let xs) = axes[0] { axes = xs }
      let order =
        axes.isEmpty
        ? Array(shape.indices.reversed()) : try axes.map { (d) throws(TraceError) in try ev.intValue(d, at: loc) }
      return .native(try transposed(order, at: loc))
    case "tolist": return nestedList()
    case "item":
      guard count == 1 else {
        throw TraceError.python("ValueError", "can only convert an array of size 1 to a Python scalar", at: loc)
      }
      return scalar(values[0])
    case "flatten", "ravel": return .native(try NDArray(shape: [count], dtype: dtype, values: values, at: loc))
    default: return .native(try NDArray(shape: shape, dtype: dtype, values: values, at: loc))
    }
  }

  /// The dtype an argument names (`np.int32`, `"float32"`, `int`), or a `TypeError`.
  package static func dtypeArgument(_ v: Value, at loc: SourceLocation) throws(TraceError) -> ArrayDType {
    if let k = DTypeObject.kind(of: v) { return k }
    throw TraceError.typeError(.message("data type \(v.typeName) not understood"), at: loc)
  }

  /// The same elements in another shape (one dimension may be -1).
  package func reshaped(_ dims: [Int], at loc: SourceLocation) throws(TraceError) -> NDArray {
    var dims = dims
    if let u = dims.firstIndex(of: -1) {
      let known = dims.enumerated().filter { $0.offset != u }.reduce(1) { $0 * $1.element }
      if known > 0 && count % known == 0 { dims[u] = count / known }
    }
    guard dims.allSatisfy({ $0 >= 0 }), dims.reduce(1, *) == count else {
      throw TraceError.python(
        "ValueError",
        "cannot reshape array of size \(count) into shape (\(dims.map(String.init).joined(separator: ",")))", at: loc)
    }
    return try NDArray(shape: dims, dtype: dtype, values: values, at: loc)
  }

  /// The axes permuted to `order`.
  func transposed(_ order: [Int], at loc: SourceLocation) throws(TraceError) -> NDArray {
    guard order.sorted() == Array(shape.indices) else {
      throw TraceError.python("ValueError", "axes don't match array", at: loc)
    }
    let own = strides
    let axes = order.map { Axis.range(start: 0, step: 1, count: shape[$0]) }
    let permuted = NDArray.shape(of: axes)
    // Offsets of the permuted array: walk it row-major, stepping the source's strides.
    var out: [Double] = []
    out.reserveCapacity(count)
    var index = [Int](repeating: 0, count: order.count)
    for _ in 0..<count {
      out.append(values[zip(index, order).reduce(0) { $0 + $1.0 * own[$1.1] }])
      RowMajorIndex.advance(&index, in: permuted)
    }
    return try NDArray(shape: permuted, dtype: dtype, values: out, at: loc)
  }

  /// The axes an `axis=` argument names, normalised (all of them for `None`).
  func reductionAxes(_ axis: Value, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> [Int] {
    if axis.isNone { return Array(shape.indices) }
    let raw: [Value]
    if case .tuple(let xs) = axis { raw = xs } else { raw = [axis] }
    var axes: [Int] = []
    for v in raw {
      var a = try ev.intValue(v, at: loc)
      if a < 0 { a += shape.count }
      guard a >= 0 && a < shape.count else {
        throw TraceError.python(
          "ValueError", "axis \(try ev.intValue(v, at: loc)) is out of bounds for array of dimension \(shape.count)",
          at: loc)
      }
      axes.append(a)
    }
    return axes
  }

  /// `a.sum()`, `a.max(axis=0)`, `np.mean(a, keepdims=True)`, `a.argmax()`.
  package func reduce(
    _ name: String, axis: Value, keepdims: Bool, dtype requested: ArrayDType?, _ ev: Evaluator, at loc: SourceLocation
  ) throws(TraceError) -> Value {
    let axes = Set(try reductionAxes(axis, ev, at: loc))
    if (name == "argmax" || name == "argmin") && axes.count > 1 && shape.count > 1 {
      // numpy's argmax without an axis indexes the flattened array.
      return try NDArray(shape: [count], dtype: dtype, values: values, at: loc).reduce(
        name, axis: .int(0), keepdims: false, dtype: nil, ev, at: loc)
    }
    let outShape = shape.indices.compactMap { axes.contains($0) ? (keepdims ? 1 : nil) : shape[$0] }
    let keptShape = shape.indices.map { axes.contains($0) ? 1 : shape[$0] }
    let n = keptShape.reduce(1, *)
    let reducedCount = count / max(n, 1)
    if reducedCount == 0, ["max", "min", "argmax", "argmin"].contains(name) {
      let op = name.hasSuffix("max") ? "maximum" : "minimum"
      throw TraceError.python(
        "ValueError", "zero-size array to reduction operation \(op) which has no identity", at: loc)
    }
    let resultType: ArrayDType
    switch name {
    case "any", "all": resultType = .nki(.bool)
    case "argmax", "argmin": resultType = .int64
    case "mean": resultType = requested ?? (dtype.isFloat ? dtype : .float64)
    case "sum", "prod": resultType = requested ?? (dtype.isFloat ? dtype : dtype.isUnsigned ? dtype : .int64)
    default: resultType = dtype
    }
    var acc = [Double](repeating: name == "prod" || name == "all" ? 1 : 0, count: n)
    var best = [Double](repeating: .nan, count: n)
    var seen = [Int](repeating: 0, count: n)
    let keptStrides = RowMajorIndex.strides(of: keptShape)
    let own = strides
    for flat in 0..<count {
      var o = 0
      var rest = flat
      for d in shape.indices {
        let i = rest / own[d]
        rest %= own[d]
        if !axes.contains(d) { o += i * keptStrides[d] }
      }
      let x = values[flat]
      switch name {
      case "sum", "mean": acc[o] += x
      case "prod": acc[o] *= x
      case "any": if x != 0 { acc[o] = 1 }
      case "all": if x == 0 { acc[o] = 0 }
      case "max", "argmax":
        if seen[o] == 0 || x > best[o] || x.isNaN && !best[o].isNaN {
          best[o] = x
          acc[o] = Double(seen[o])
        }
      default:
        if seen[o] == 0 || x < best[o] || x.isNaN && !best[o].isNaN {
          best[o] = x
          acc[o] = Double(seen[o])
        }
      }
      seen[o] += 1
    }
    switch name {
    case "max", "min": acc = best
    case "mean": acc = zip(acc, seen).map { $0 / Double($1) }
    default: break
    }
    let result = try NDArray(shape: outShape, dtype: resultType, values: acc, at: loc)
    return outShape.isEmpty && !keepdims ? result.scalar(result.values[0]) : .native(result)
  }

}
