import Foundation
import TesselIR

/// Elementwise arithmetic and comparisons of trace-time arrays, with numpy's broadcasting and
/// type promotion.
extension NDArray {
  /// `value` as an array: an array itself, a Python number (0-d), or nested lists and tuples.
  package static func from(_ value: Value, dtype: ArrayDType? = nil, _ ev: Evaluator, at loc: SourceLocation)
    throws(TraceError) -> NDArray
  {
    if let a = value.native(NDArray.self) {
      guard let dtype, dtype != a.dtype else { return a }
      return try NDArray(shape: a.shape, dtype: dtype, values: a.values, at: loc)
    }
    var shape: [Int] = []
    var flat: [Double] = []
    var inferred: ArrayDType = .nki(.bool)
    var sawScalar = false
    func walk(_ x: Value, _ depth: Int) throws(TraceError) {
      switch x {
      case .list, .tuple:
        let items = try ev.iterate(x, at: loc)
        if shape.count == depth && !sawScalar {
          shape.append(items.count)
        } else if depth >= shape.count || shape[depth] != items.count {
          throw TraceError.python(
            "ValueError", "setting an array element with a sequence. The requested array has an inhomogeneous shape",
            at: loc)
        }
        for i in items { try walk(i, depth + 1) }
      case .native(let o) where o is NDArray:
        guard let a = o as? NDArray else { return }
        try walk(a.nestedList(), depth)
        inferred = ArrayDType.promote(inferred, a.dtype)
      default:
        if depth != shape.count {
          throw TraceError.python(
            "ValueError", "setting an array element with a sequence. The requested array has an inhomogeneous shape",
            at: loc)
        }
        sawScalar = true
        switch x {
        case .bool(let b): flat.append(b ? 1 : 0)
        case .int(let i):
          flat.append(Double(i))
          if inferred.isBool { inferred = .int64 }
        case .float(let f):
          flat.append(f)
          if !inferred.isFloat { inferred = .float64 }
        default:
          if case .native(let o) = x, !(o is NDArray) {
            throw TraceError.unsupported("a numpy array of \(x.typeName) values at trace time", at: loc)
          }
          flat.append(try ev.floatValue(x, at: loc))
          if !inferred.isFloat { inferred = .float64 }
        }
      }
    }
    try walk(value, 0)
    _ = try count(of: shape, at: loc)
    if flat.isEmpty && !shape.isEmpty { inferred = .float64 }
    return try NDArray(shape: shape, dtype: dtype ?? inferred, values: flat, at: loc)
  }

  /// Whether a value takes part in array arithmetic (an array, a Python number, a list).
  static func isOperand(_ v: Value) -> Bool {
    switch v {
    case .bool, .int, .float, .list, .tuple: true
    case .native(let o): o is NDArray
    default: false
    }
  }

  /// The numpy broadcast of two shapes, or nil.
  static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let n = max(a.count, b.count)
    var out = [Int](repeating: 1, count: n)
    for i in 0..<n {
      let x = i < n - a.count ? 1 : a[i - (n - a.count)]
      let y = i < n - b.count ? 1 : b[i - (n - b.count)]
      guard x == y || x == 1 || y == 1 else { return nil }
      out[i] = x == 1 ? y : x
    }
    return out
  }

  /// Applies `f` elementwise to `a` and `b` broadcast together; the result has type `dtype`.
  static func zipWith(
    _ a: NDArray, _ b: NDArray, dtype: ArrayDType, at loc: SourceLocation,
    _ f: (Double, Double) throws(TraceError) -> Double
  ) throws(TraceError) -> NDArray {
    guard let shape = broadcastShape(a.shape, b.shape), let x = a.broadcast(to: shape), let y = b.broadcast(to: shape)
    else {
      throw TraceError.python(
        "ValueError",
        "operands could not be broadcast together with shapes \(shapeText(a.shape)) \(shapeText(b.shape)) ", at: loc)
    }
    var out = [Double](repeating: 0, count: x.count)
    for i in out.indices { out[i] = try f(x[i], y[i]) }
    return try NDArray(shape: shape, dtype: dtype, values: out, at: loc)
  }

  /// The type of `self op other` for an arithmetic operator.
  func resultType(_ op: BinaryOperator, _ other: Value, _ otherArray: NDArray) -> ArrayDType {
    let t =
      other.native(NDArray.self) != nil
      ? ArrayDType.promote(dtype, otherArray.dtype) : ArrayDType.promote(dtype, scalar: other)
    switch op {
    case .divide: return t.isFloat ? t : .float64
    case .add, .subtract, .multiply, .floorDivide, .modulo, .power:
      return t.isBool && op != .add && op != .multiply ? .int64 : t
    default: return t
    }
  }

  package func binary(_ op: BinaryOperator, _ other: Value, reflected: Bool, _ ev: Evaluator, at loc: SourceLocation)
    throws(TraceError) -> Value?
  {
    guard NDArray.isOperand(other) else { return nil }
    let o = try NDArray.from(other, ev, at: loc)
    let type = resultType(op, other, o)
    let (a, b) = reflected ? (o, self) : (self, o)
    if op == .matrixMultiply { throw TraceError.unsupported("`@` on numpy arrays at trace time", at: loc) }
    let integer = !type.isFloat
    let result = try NDArray.zipWith(a, b, dtype: type, at: loc) { (x, y) throws(TraceError) in
      try NDArray.apply(op, x, y, integer: integer, at: loc)
    }
    return .native(result)
  }

  /// One element of `x op y`; `integer` selects integer semantics (floor division, errors on zero).
  static func apply(_ op: BinaryOperator, _ x: Double, _ y: Double, integer: Bool, at loc: SourceLocation)
    throws(TraceError) -> Double
  {
    func bits(_ f: (Int64, Int64) -> Int64) throws(TraceError) -> Double {
      guard integer else {
        throw TraceError.typeError(.message("ufunc '\(op.rawValue)' not supported for floating-point arrays"), at: loc)
      }
      return Double(f(Int64(x), Int64(y)))
    }
    switch op {
    case .add: return x + y
    case .subtract: return x - y
    case .multiply: return x * y
    case .divide: return x / y
    case .floorDivide:
      if integer && y == 0 {
        throw TraceError.python("ZeroDivisionError", "integer division by zero in a numpy array", at: loc)
      }
      return (x / y).rounded(.down)
    case .modulo:
      if integer && y == 0 {
        throw TraceError.python("ZeroDivisionError", "integer modulo by zero in a numpy array", at: loc)
      }
      let r = Foundation.fmod(x, y)
      return r != 0 && (r < 0) != (y < 0) ? r + y : r
    case .power:
      if integer && y < 0 {
        throw TraceError.python("ValueError", "Integers to negative integer powers are not allowed.", at: loc)
      }
      return Foundation.pow(x, y)
    case .bitwiseAnd: return try bits { $0 & $1 }
    case .bitwiseOr: return try bits { $0 | $1 }
    case .bitwiseXor: return try bits { $0 ^ $1 }
    case .leftShift: return try bits { $0 << $1 }
    case .rightShift: return try bits { $0 >> $1 }
    case .matrixMultiply: throw TraceError.unsupported("`@` on numpy arrays at trace time", at: loc)
    }
  }

  package func compare(
    _ op: ComparisonOperator, _ other: Value, reflected: Bool, _ ev: Evaluator, at loc: SourceLocation
  ) throws(TraceError) -> Value? {
    guard NDArray.isOperand(other) else { return nil }
    let o = try NDArray.from(other, ev, at: loc)
    let (a, b) = reflected ? (o, self) : (self, o)
    let test: (Double, Double) -> Bool
    switch op {
    case .equal: test = { $0 == $1 }
    case .notEqual: test = { $0 != $1 }
    case .less: test = { $0 < $1 }
    case .lessEqual: test = { $0 <= $1 }
    case .greater: test = { $0 > $1 }
    case .greaterEqual: test = { $0 >= $1 }
    default: return nil
    }
    return .native(try NDArray.zipWith(a, b, dtype: .nki(.bool), at: loc) { x, y in test(x, y) ? 1 : 0 })
  }

  package func unary(_ op: UnaryOperator, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    switch op {
    case .plus: return .native(self)
    case .negate: return .native(try map(dtype.isBool ? .int64 : dtype, at: loc) { -$0 })
    case .invert:
      if dtype.isBool { return .native(try map(dtype, at: loc) { $0 != 0 ? 0 : 1 }) }
      guard dtype.isInteger else {
        throw TraceError.typeError(.message("ufunc 'invert' not supported for floating-point arrays"), at: loc)
      }
      return .native(try map(dtype, at: loc) { Double(~Int64($0)) })
    case .not: return nil
    }
  }

  package func absolute(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    .native(try map(dtype, at: loc) { Swift.abs($0) })
  }

  /// `f` applied to every element; the result has type `dtype`.
  package func map(_ dtype: ArrayDType, at loc: SourceLocation, _ f: (Double) throws(TraceError) -> Double)
    throws(TraceError) -> NDArray
  {
    var out = values
    for i in out.indices { out[i] = try f(out[i]) }
    return try NDArray(shape: shape, dtype: dtype, values: out, at: loc)
  }
}
