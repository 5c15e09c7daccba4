import Foundation
import TesselIR

/// `numpy` at trace time: dtypes, `np.dtype`, `np.finfo`/`np.iinfo`, and small constant arrays
/// (`np.arange`, `np.identity`, `np.zeros`, ufuncs, reductions) computed while the kernel is
/// traced, as NKI's front end evaluates them.
///
/// A binding reaches these through ``function(named:)`` and ``dtype(named:)``; numpy applied to
/// kernel data (a tile) is refused with a located error, since numpy runs on the host.
package enum NumpyModule {
  /// The module's attributes, built once per evaluator.
  package static func table(_ ev: Evaluator) -> TableModule {
    if let t = ev.numpyTable { return t }
    let t = make()
    ev.numpyTable = t
    return t
  }

  /// The names of numpy's dtypes Tessel knows.
  static let dtypeNames = [
    "bool_", "bool", "float_", "double", "float64", "int_", "int64", "intp", "single", "half", "float16", "float32",
    "int8",
    "int16", "int32", "uint8", "uint16", "uint32",
  ]

  /// The dtype `np.name` denotes (`float32`, `int64`, `bool_`).
  package static func dtype(named name: String) -> ArrayDType? {
    switch name {
    case "bool_", "bool": return .nki(.bool)
    case "float_", "double", "float64": return .float64
    case "int_", "int64", "intp": return .int64
    case "single": return .nki(.float32)
    case "half": return .nki(.float16)
    case "float16", "float32", "int8", "int16", "int32", "uint8", "uint16", "uint32": return ArrayDType(named: name)
    default: return nil
    }
  }

  /// The function or constant `np.name`; nil when Tessel does not provide it at trace time.
  package static func attribute(named name: String, _ ev: Evaluator) -> Value? {
    table(ev).table[name]
  }

  /// The element type of an array argument, or the dtype an argument names.
  static func elementType(of v: Value, at loc: SourceLocation) throws(TraceError) -> ArrayDType {
    if let a = v.native(NDArray.self) { return a.dtype }
    return try NDArray.dtypeArgument(v, at: loc)
  }

  private static func make() -> TableModule {
    let m = TableModule("numpy")
    m.table["pi"] = .float(Double.pi)
    m.table["e"] = .float(M_E)
    m.table["inf"] = .float(.infinity)
    m.table["nan"] = .float(.nan)
    m.table["newaxis"] = Value.none
    for name in dtypeNames {
      if let d = dtype(named: name) { m.table[name] = .native(DTypeObject(d)) }
    }
    defineTypes(m)
    defineConstructors(m)
    defineUfuncs(m)
    defineReductions(m)
    return m
  }

  /// The array an argument denotes, or the refusal for kernel data (a tile, an index).
  static func operand(_ v: Value, _ function: String, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError)
    -> NDArray
  {
    guard NDArray.isOperand(v) else {
      guard case .native = v else {
        throw TraceError.typeError(
          .message("np.\(function)() does not accept a value of type '\(v.typeName)'"), at: loc)
      }
      throw TraceError.unsupported(
        "np.\(function) on a \(v.typeName) (numpy runs on the host at trace time; use the kernel language's own operation)",
        at: loc)
    }
    return try NDArray.from(v, ev, at: loc)
  }

  /// The `dtype=` argument, if given.
  static func dtypeArgument(_ v: Value?, at loc: SourceLocation) throws(TraceError) -> ArrayDType? {
    guard let v, !v.isNone else { return nil }
    return try NDArray.dtypeArgument(v, at: loc)
  }

  /// A shape argument: an integer or a sequence of integers.
  static func shapeArgument(_ v: Value, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> [Int] {
    switch v {
    case .tuple, .list: return try ev.iterate(v, at: loc).map { (x) throws(TraceError) in try ev.intValue(x, at: loc) }
    default: return [try ev.intValue(v, at: loc)]
    }
  }

  private static func defineTypes(_ m: TableModule) {
    m.define("dtype(dtype, /)") { a, ev, loc throws(TraceError) in
      .native(DTypeObject(try NDArray.dtypeArgument(a[0] ?? .none, at: loc)))
    }
    m.define("finfo(dtype, /)") { a, ev, loc throws(TraceError) in
      let v = a[0] ?? .none
      let t = try elementType(of: v, at: loc)
      guard t.isFloat, let eps = t.epsilon else {
        throw TraceError.python("ValueError", "data type <class 'numpy.\(t)'> not inexact", at: loc)
      }
      return .native(
        NumpyInfo(
          "finfo",
          [
            "bits": .int(t.itemsize * 8), "eps": .float(eps), "max": .float(t.maximum), "min": .float(t.minimum),
            "tiny": .float(t.tiny ?? 0), "smallest_normal": .float(t.tiny ?? 0), "dtype": .native(DTypeObject(t)),
            "resolution": .float(Foundation.pow(10, (-Foundation.log10(eps)).rounded(.down) * -1)),
          ]))
    }
    m.define("iinfo(int_type, /)") { a, ev, loc throws(TraceError) in
      let v = a[0] ?? .none
      let t = try elementType(of: v, at: loc)
      guard t.isInteger else {
        throw TraceError.python("ValueError", "Invalid integer data type '\(t.isBool ? "b" : "f")'.", at: loc)
      }
      return .native(
        NumpyInfo(
          "iinfo",
          [
            "bits": .int(t.itemsize * 8), "max": .int(Int(t.maximum)), "min": .int(Int(t.minimum)),
            "dtype": .native(DTypeObject(t)),
          ]))
    }
  }

  private static func defineConstructors(_ m: TableModule) {
    m.define("array(object, dtype=None, copy=True, ndmin=0)") { a, ev, loc throws(TraceError) in
      let arr = try NDArray.from(a[0] ?? .none, dtype: try dtypeArgument(a[1], at: loc), ev, at: loc)
      return .native(arr === a[0]?.native(NDArray.self) ? try arr.reshaped(arr.shape, at: loc) : arr)
    }
    m.define("asarray(a, dtype=None)") { a, ev, loc throws(TraceError) in
      .native(try NDArray.from(a[0] ?? .none, dtype: try dtypeArgument(a[1], at: loc), ev, at: loc))
    }
    m.define("arange(start, stop=None, step=None, dtype=None)") { a, ev, loc throws(TraceError) in
      var bounds: [Value] = [a[0] ?? .none]
      if let s = a[1], !s.isNone { bounds.append(s) }
      if let s = a[2], !s.isNone { bounds.append(s) }
      let p = try bounds.map { (x) throws(TraceError) in try ev.floatValue(x, at: loc) }
      let (start, stop) = p.count >= 2 ? (p[0], p[1]) : (0, p[0])
      let step = p.count >= 3 ? p[2] : 1
      guard step != 0 else { throw TraceError.python("ZeroDivisionError", "division by zero", at: loc) }
      let n = max(0, Int(((stop - start) / step).rounded(.up)))
      _ = try NDArray.count(of: [n], at: loc)
      let isFloat = bounds.contains {
        if case .float = $0 { return true }
        return false
      }
      let type = try dtypeArgument(a[3], at: loc) ?? (isFloat ? .float64 : .int64)
      return .native(try NDArray(shape: [n], dtype: type, values: (0..<n).map { start + Double($0) * step }, at: loc))
    }
    m.define("identity(n, dtype=None)") { a, ev, loc throws(TraceError) in
      let n = try ev.intValue(a[0] ?? .none, at: loc)
      return .native(try eye(n, n, 0, try dtypeArgument(a[1], at: loc) ?? .float64, at: loc))
    }
    m.define("eye(N, M=None, k=0, dtype=None)") { a, ev, loc throws(TraceError) in
      let n = try ev.intValue(a[0] ?? .none, at: loc)
      let cols = a[1].flatMap { $0.isNone ? nil : $0 }
      return .native(
        try eye(
          n, try cols.map { (c) throws(TraceError) in try ev.intValue(c, at: loc) } ?? n,
          try ev.intValue(a[2] ?? .int(0), at: loc),
          try dtypeArgument(a[3], at: loc) ?? .float64, at: loc))
    }
    for (name, fill) in [("zeros", 0.0), ("ones", 1.0), ("empty", 0.0)] {
      m.define("\(name)(shape, dtype=None)") { a, ev, loc throws(TraceError) in
        let shape = try shapeArgument(a[0] ?? .none, ev, at: loc)
        return .native(
          try NDArray(shape: shape, dtype: try dtypeArgument(a[1], at: loc) ?? .float64, fill: fill, at: loc))
      }
      m.define("\(name)_like(a, dtype=None)") { a, ev, loc throws(TraceError) in
        let like = try operand(a[0] ?? .none, name + "_like", ev, at: loc)
        return .native(
          try NDArray(shape: like.shape, dtype: try dtypeArgument(a[1], at: loc) ?? like.dtype, fill: fill, at: loc))
      }
    }
    m.define("full(shape, fill_value, dtype=None)") { a, ev, loc throws(TraceError) in
      let shape = try shapeArgument(a[0] ?? .none, ev, at: loc)
      let fill = try operand(a[1] ?? .none, "full", ev, at: loc)
      guard fill.count == 1 else {
        throw TraceError.unsupported("np.full with an array fill value at trace time", at: loc)
      }
      return .native(
        try NDArray(shape: shape, dtype: try dtypeArgument(a[2], at: loc) ?? fill.dtype, fill: fill.values[0], at: loc))
    }
    m.define("full_like(a, fill_value, dtype=None)") { a, ev, loc throws(TraceError) in
      let like = try operand(a[0] ?? .none, "full_like", ev, at: loc)
      let fill = try ev.floatValue(a[1] ?? .none, at: loc)
      return .native(
        try NDArray(shape: like.shape, dtype: try dtypeArgument(a[2], at: loc) ?? like.dtype, fill: fill, at: loc))
    }
    m.define("fromfunction(function, shape, *, dtype=None, **kwargs)") { a, ev, loc throws(TraceError) in
      // numpy calls `function` once, with one array of coordinates per axis (float64 by default).
      let shape = try shapeArgument(a[1] ?? .none, ev, at: loc)
      let type = try dtypeArgument(a[2], at: loc) ?? .float64
      let count = try NDArray.count(of: shape, at: loc)
      let strides = RowMajorIndex.strides(of: shape)
      var coordinates: [Value] = []
      for (axis, n) in shape.enumerated() {
        let values = (0..<count).map { Double($0 / strides[axis] % n) }
        coordinates.append(.native(try NDArray(shape: shape, dtype: type, values: values, at: loc)))
      }
      return try ev.call(a[0] ?? .none, coordinates, a.extraKeywords, at: loc)
    }
    m.define("reshape(a, newshape)") { a, ev, loc throws(TraceError) in
      .native(
        try operand(a[0] ?? .none, "reshape", ev, at: loc).reshaped(
          try shapeArgument(a[1] ?? .none, ev, at: loc), at: loc))
    }
    m.define("transpose(a, axes=None)") { a, ev, loc throws(TraceError) in
      let arr = try operand(a[0] ?? .none, "transpose", ev, at: loc)
      let order = try a[1].flatMap { (v) throws(TraceError) -> [Int]? in
        v.isNone ? nil : try shapeArgument(v, ev, at: loc)
      }
      return .native(try arr.transposed(order ?? Array(arr.shape.indices.reversed()), at: loc))
    }
  }

  /// `np.eye(n, m, k)`: ones on the `k`-th diagonal.
  static func eye(_ n: Int, _ m: Int, _ k: Int, _ dtype: ArrayDType, at loc: SourceLocation) throws(TraceError)
    -> NDArray
  {
    let count = try NDArray.count(of: [n, m], at: loc)
    var values = [Double](repeating: 0, count: count)
    for i in 0..<n where i + k >= 0 && i + k < m { values[i * m + i + k] = 1 }
    return try NDArray(shape: [n, m], dtype: dtype, values: values, at: loc)
  }
}

/// The result of `np.finfo` or `np.iinfo`: read-only attributes.
final class NumpyInfo: NativeObject {
  let kind: String
  let attributes: [String: Value]
  init(_ kind: String, _ attributes: [String: Value]) {
    self.kind = kind
    self.attributes = attributes
  }
  var typeName: String { "numpy.\(kind)" }
  func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    attributes[name]
  }
}
