import Foundation
import TesselIR

/// numpy's elementwise functions and reductions on trace-time values (`np.exp(0.5)`,
/// `np.maximum(a, 1)`, `np.prod(shape)`, `np.max(a, axis=0)`).
extension NumpyModule {
  /// Unary functions whose result is floating point (`np.exp(2)` is `7.389...`).
  static let floatFunctions: [(String, @Sendable (Double) -> Double)] = [
    ("sqrt", { $0.squareRoot() }), ("exp", Foundation.exp), ("log", Foundation.log), ("log2", Foundation.log2),
    ("log10", Foundation.log10), ("tanh", Foundation.tanh), ("sin", Foundation.sin), ("cos", Foundation.cos),
    ("tan", Foundation.tan), ("arctan", Foundation.atan), ("reciprocal", { 1 / $0 }),
    ("ceil", { $0.rounded(.up) }), ("floor", { $0.rounded(.down) }), ("trunc", { $0.rounded(.towardZero) }),
    ("rint", { $0.rounded(.toNearestOrEven) }), ("fabs", { Swift.abs($0) }),
  ]

  /// Unary functions that keep an integer type (`np.abs(-3)` is `3`).
  static let typePreservingFunctions: [(String, @Sendable (Double) -> Double)] = [
    ("abs", { Swift.abs($0) }), ("absolute", { Swift.abs($0) }), ("negative", { -$0 }), ("square", { $0 * $0 }),
    ("sign", { $0 > 0 ? 1 : $0 < 0 ? -1 : 0 }),
  ]

  static func defineUfuncs(_ m: TableModule) {
    for (name, f) in floatFunctions {
      m.define("\(name)(x, /)") { a, ev, loc throws(TraceError) in
        try unary(name, a[0] ?? .none, float: true, f, ev, at: loc)
      }
    }
    for (name, f) in typePreservingFunctions {
      m.define("\(name)(x, /)") { a, ev, loc throws(TraceError) in
        try unary(name, a[0] ?? .none, float: false, f, ev, at: loc)
      }
    }
    for (name, test) in [
      ("isnan", { (x: Double) in x.isNaN }), ("isinf", { $0.isInfinite }), ("isfinite", { $0.isFinite }),
    ] {
      m.define("\(name)(x, /)") { a, ev, loc throws(TraceError) in
        let x = a[0] ?? .none
        if x.native(NDArray.self) == nil, case .float = x { return .bool(test(try ev.floatValue(x, at: loc))) }
        return .native(try operand(x, name, ev, at: loc).map(.nki(.bool), at: loc) { test($0) ? 1 : 0 })
      }
    }
    let operators: [(String, BinaryOperator)] = [
      ("add", .add), ("subtract", .subtract), ("multiply", .multiply), ("divide", .divide), ("true_divide", .divide),
      ("floor_divide", .floorDivide), ("mod", .modulo), ("remainder", .modulo), ("power", .power),
      ("bitwise_and", .bitwiseAnd), ("bitwise_or", .bitwiseOr), ("bitwise_xor", .bitwiseXor),
    ]
    for (name, op) in operators {
      m.define("\(name)(x1, x2, /)") { a, ev, loc throws(TraceError) in
        let (x, y) = (a[0] ?? .none, a[1] ?? .none)
        _ = try operand(x, name, ev, at: loc)
        _ = try operand(y, name, ev, at: loc)
        if x.native(NDArray.self) == nil && y.native(NDArray.self) == nil, !isSequence(x), !isSequence(y) {
          return try ev.binary(op, x, y, at: loc)
        }
        return try ev.binary(op, .native(try operand(x, name, ev, at: loc)), y, at: loc)
      }
    }
    for (name, pickFirst) in [
      ("maximum", { (x: Double, y: Double) in x >= y || x.isNaN }), ("minimum", { $0 <= $1 || $0.isNaN }),
    ] {
      m.define("\(name)(x1, x2, /)") { a, ev, loc throws(TraceError) in
        let (x, y) = (a[0] ?? .none, a[1] ?? .none)
        let l = try operand(x, name, ev, at: loc)
        let r = try operand(y, name, ev, at: loc)
        let scalars =
          l.shape.isEmpty && r.shape.isEmpty && x.native(NDArray.self) == nil && y.native(NDArray.self) == nil
        let type = ArrayDType.promote(l.dtype, r.dtype)
        let result = try NDArray.zipWith(l, r, dtype: type, at: loc) { p, q in pickFirst(p, q) ? p : q }
        return scalars ? result.scalar(result.values[0]) : .native(result)
      }
    }
  }

  static func isSequence(_ v: Value) -> Bool {
    switch v {
    case .list, .tuple: true
    default: false
    }
  }

  /// A unary ufunc on a Python number (a Python number back) or an array.
  static func unary(
    _ name: String, _ x: Value, float: Bool, _ f: (Double) -> Double, _ ev: Evaluator, at loc: SourceLocation
  ) throws(TraceError) -> Value {
    let arr = try operand(x, name, ev, at: loc)
    let type = float && !arr.dtype.isFloat ? ArrayDType.float64 : arr.dtype.isBool ? .int64 : arr.dtype
    let result = try arr.map(type, at: loc) { f($0) }
    if x.native(NDArray.self) == nil && !isSequence(x) { return result.scalar(result.values[0]) }
    return .native(result)
  }

  static func defineReductions(_ m: TableModule) {
    let names = [
      ("sum", "sum"), ("prod", "prod"), ("mean", "mean"), ("max", "max"), ("amax", "max"), ("min", "min"),
      ("amin", "min"), ("any", "any"), ("all", "all"),
    ]
    for (name, reduction) in names {
      m.define("\(name)(a, axis=None, dtype=None, out=None, keepdims=False)") { a, ev, loc throws(TraceError) in
        if let out = a[3], !out.isNone { throw TraceError.unsupported("np.\(name)(out=...) at trace time", at: loc) }
        let arr = try operand(a[0] ?? .none, name, ev, at: loc)
        return try arr.reduce(
          reduction, axis: a[1] ?? .none, keepdims: try ev.truth(a[4] ?? .bool(false), at: loc),
          dtype: try dtypeArgument(a[2], at: loc), ev, at: loc)
      }
    }
    for name in ["argmax", "argmin"] {
      m.define("\(name)(a, axis=None)") { a, ev, loc throws(TraceError) in
        try operand(a[0] ?? .none, name, ev, at: loc).reduce(
          name, axis: a[1] ?? .none, keepdims: false, dtype: nil, ev, at: loc)
      }
    }
  }
}
