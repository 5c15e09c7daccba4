import TesselIR

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Evaluator {
  // MARK: - Unary

  package func unary(_ op: UnaryOperator, _ v: Value, at loc: SourceLocation) throws(TraceError) -> Value {
    if op == .not { return .bool(!(try truth(v, at: loc))) }
    switch (op, v) {
    case (.negate, .int(let i)):
      let (r, o) = Int(0).subtractingReportingOverflow(i)
      if o { throw Evaluator.intOverflow(at: loc) }
      return .int(r)
    case (.negate, .bool(let b)): return .int(b ? -1 : 0)
    case (.negate, .float(let f)): return .float(-f)
    case (.plus, .int), (.plus, .float): return v
    case (.plus, .bool(let b)): return .int(b ? 1 : 0)
    case (.invert, .int(let i)): return .int(~i)
    case (.invert, .bool(let b)): return .int(b ? -2 : -1)
    case (_, .native(let o)):
      if let r = try o.unary(op, self, at: loc) { return r }
    case (_, .instance(let i)):
      let name = op == .negate ? "__neg__" : op == .plus ? "__pos__" : "__invert__"
      if let m = try lookupSpecial(i, name) { return try call(m, [], [], at: loc) }
    default: break
    }
    throw TraceError.typeError(.badUnaryOperand(operator: op.rawValue, type: v.typeName), at: loc)
  }

  // MARK: - Binary

  static let dunder: [BinaryOperator: (String, String)] = [
    .add: ("__add__", "__radd__"), .subtract: ("__sub__", "__rsub__"), .multiply: ("__mul__", "__rmul__"),
    .matrixMultiply: ("__matmul__", "__rmatmul__"), .divide: ("__truediv__", "__rtruediv__"),
    .floorDivide: ("__floordiv__", "__rfloordiv__"), .modulo: ("__mod__", "__rmod__"), .power: ("__pow__", "__rpow__"),
    .leftShift: ("__lshift__", "__rlshift__"), .rightShift: ("__rshift__", "__rrshift__"),
    .bitwiseAnd: ("__and__", "__rand__"), .bitwiseOr: ("__or__", "__ror__"), .bitwiseXor: ("__xor__", "__rxor__"),
  ]

  /// Python's operator protocol for class instances: `l.__op__(r)`, then the reflected
  /// `r.__rop__(l)` (`names`); nil when neither operand defines its method or both return
  /// `NotImplemented`.
  func instanceOperator(_ names: (String, String)?, _ l: Value, _ r: Value, at loc: SourceLocation)
    throws(TraceError) -> Value?
  {
    guard let (name, reflected) = names else { return nil }
    if case .instance(let i) = l, let m = try lookupSpecial(i, name) {
      let v = try call(m, [r], [], at: loc)
      if !isNotImplemented(v) { return v }
    }
    if case .instance(let i) = r, let m = try lookupSpecial(i, reflected) {
      let v = try call(m, [l], [], at: loc)
      if !isNotImplemented(v) { return v }
    }
    return nil
  }

  /// `l op r`.
  package func binary(_ op: BinaryOperator, _ l: Value, _ r: Value, at loc: SourceLocation) throws(TraceError) -> Value
  {
    switch (l, r) {
    case (.int(let a), .int(let b)): return try intBinary(op, a, b, at: loc)
    case (.float(let a), .float(let b)): return try floatBinary(op, a, b, at: loc)
    case (.int(let a), .float(let b)): return try floatBinary(op, Double(a), b, at: loc)
    case (.float(let a), .int(let b)): return try floatBinary(op, a, Double(b), at: loc)
    default: break
    }
    if case .native(let o) = l, let v = try o.binary(op, r, reflected: false, self, at: loc) { return v }
    if case .native(let o) = r, let v = try o.binary(op, l, reflected: true, self, at: loc) { return v }
    if let v = try instanceOperator(Evaluator.dunder[op], l, r, at: loc) { return v }
    if let a = intLike(l) { return try binary(op, a, r, at: loc) }
    if let b = intLike(r) { return try binary(op, l, b, at: loc) }
    switch (l, r) {
    case (.bool, .bool), (.bool, .int), (.int, .bool):
      let a = try intValue(l, at: loc)
      let b = try intValue(r, at: loc)
      if case .bool(let x) = l, case .bool(let y) = r {
        switch op {
        case .bitwiseAnd: return .bool(x && y)
        case .bitwiseOr: return .bool(x || y)
        case .bitwiseXor: return .bool(x != y)
        default: break
        }
      }
      return try intBinary(op, a, b, at: loc)
    case (.bool(let b), .float(let f)): return try floatBinary(op, b ? 1 : 0, f, at: loc)
    case (.float(let f), .bool(let b)): return try floatBinary(op, f, b ? 1 : 0, at: loc)
    case (.string(let a), .string(let b)) where op == .add:
      try checkSequenceLength(a.utf8.count, b.utf8.count, 1, at: loc)
      return .string(a + b)
    case (.string(let a), .int(let n)) where op == .multiply, (.int(let n), .string(let a)) where op == .multiply:
      try checkSequenceLength(a.utf8.count, 0, n, at: loc)
      return .string(String(repeating: a, count: Swift.max(0, n)))
    case (.string(let fmt), _) where op == .modulo:
      return .string(try percentFormat(fmt, r, at: loc))
    case (.tuple(let a), .tuple(let b)) where op == .add:
      try checkSequenceLength(a.count, b.count, 1, at: loc)
      return .tuple(a + b)
    case (.tuple(let a), .int(let n)) where op == .multiply, (.int(let n), .tuple(let a)) where op == .multiply:
      try checkSequenceLength(a.count, 0, n, at: loc)
      return .tuple(Array([[Value]](repeating: a, count: Swift.max(0, n)).joined()))
    case (.list(let a), .list(let b)) where op == .add:
      try checkSequenceLength(a.items.count, b.items.count, 1, at: loc)
      return .list(PyList(a.items + b.items))
    case (.list(let a), .int(let n)) where op == .multiply, (.int(let n), .list(let a)) where op == .multiply:
      try checkSequenceLength(a.items.count, 0, n, at: loc)
      return .list(PyList(Array([[Value]](repeating: a.items, count: Swift.max(0, n)).joined())))
    case (.set(let a), .set(let b)):
      if let s = setOperation(op, a, b) { return .set(s) }
    case (.type, .type), (.type, .none), (.none, .type), (.type, .native), (.native, .type):
      if op == .bitwiseOr { return .native(UnionType(unionMembers(l) + unionMembers(r))) }
    case (.dict(let a), .dict(let b)) where op == .bitwiseOr:
      let d = a.copy()
      for i in 0..<b.count { d.set(b.keys[i], b.hashKey(at: i), b.values[i]) }
      return .dict(d)
    case (.string, _) where op == .add, (.tuple, _) where op == .add, (.list, _) where op == .add:
      throw TraceError.typeError(
        .message("can only concatenate \(l.typeName) (not \"\(r.typeName)\") to \(l.typeName)"), at: loc)
    case (.string, _) where op == .multiply, (.tuple, _) where op == .multiply, (.list, _) where op == .multiply:
      throw TraceError.typeError(.message("can't multiply sequence by non-int of type '\(r.typeName)'"), at: loc)
    case (_, .string) where op == .multiply, (_, .tuple) where op == .multiply, (_, .list) where op == .multiply:
      throw TraceError.typeError(.message("can't multiply sequence by non-int of type '\(l.typeName)'"), at: loc)
    default: break
    }
    throw TraceError.typeError(
      .unsupportedOperands(operator: op.rawValue, left: l.typeName, right: r.typeName), at: loc)
  }

  /// An integer result that does not fit in 64 bits.
  static func intOverflow(at loc: SourceLocation) -> TraceError {
    TraceError.python(
      "OverflowError", "integer result does not fit in 64 bits (Tessel's trace-time integers are 64-bit)", at: loc)
  }

  func intBinary(_ op: BinaryOperator, _ a: Int, _ b: Int, at loc: SourceLocation) throws(TraceError) -> Value {
    func checked(_ r: (partialValue: Int, overflow: Bool)) throws(TraceError) -> Value {
      if r.overflow { throw Evaluator.intOverflow(at: loc) }
      return .int(r.partialValue)
    }
    switch op {
    case .add: return try checked(a.addingReportingOverflow(b))
    case .subtract: return try checked(a.subtractingReportingOverflow(b))
    case .multiply: return try checked(a.multipliedReportingOverflow(by: b))
    case .divide:
      if b == 0 { throw TraceError.python("ZeroDivisionError", "division by zero", at: loc) }
      return .float(Double(a) / Double(b))
    case .floorDivide:
      if b == 0 { throw TraceError.python("ZeroDivisionError", "integer division or modulo by zero", at: loc) }
      if a == Int.min && b == -1 { throw Evaluator.intOverflow(at: loc) }
      return .int(pyFloorDiv(a, b))
    case .modulo:
      if b == 0 { throw TraceError.python("ZeroDivisionError", "integer modulo by zero", at: loc) }
      if b == -1 { return .int(0) }
      return .int(a - pyFloorDiv(a, b) * b)
    case .power:
      if b < 0 {
        if a == 0 { throw TraceError.python("ZeroDivisionError", "0.0 cannot be raised to a negative power", at: loc) }
        return .float(pow(Double(a), Double(b)))
      }
      var result = 1
      var base = a
      var e = b
      while e > 0 {
        if e & 1 == 1 { result = try Evaluator.mul(result, base, at: loc) }
        e >>= 1
        if e > 0 { base = try Evaluator.mul(base, base, at: loc) }
      }
      return .int(result)
    case .leftShift:
      if b < 0 { throw TraceError.python("ValueError", "negative shift count", at: loc) }
      if a == 0 { return .int(0) }
      guard b < 63, (a << b) >> b == a else { throw Evaluator.intOverflow(at: loc) }
      return .int(a << b)
    case .rightShift:
      if b < 0 { throw TraceError.python("ValueError", "negative shift count", at: loc) }
      return .int(b >= 63 ? (a < 0 ? -1 : 0) : a >> b)
    case .bitwiseAnd: return .int(a & b)
    case .bitwiseOr: return .int(a | b)
    case .bitwiseXor: return .int(a ^ b)
    case .matrixMultiply:
      throw TraceError.typeError(.unsupportedOperands(operator: "@", left: "int", right: "int"), at: loc)
    }
  }

  static func mul(_ a: Int, _ b: Int, at loc: SourceLocation) throws(TraceError) -> Int {
    let (r, o) = a.multipliedReportingOverflow(by: b)
    if o { throw intOverflow(at: loc) }
    return r
  }

  func floatBinary(_ op: BinaryOperator, _ a: Double, _ b: Double, at loc: SourceLocation) throws(TraceError) -> Value {
    switch op {
    case .add: return .float(a + b)
    case .subtract: return .float(a - b)
    case .multiply: return .float(a * b)
    case .divide:
      if b == 0 { throw TraceError.python("ZeroDivisionError", "float division by zero", at: loc) }
      return .float(a / b)
    case .floorDivide:
      if b == 0 { throw TraceError.python("ZeroDivisionError", "float floor division by zero", at: loc) }
      return .float(Evaluator.floatDivmod(a, b).0)
    case .modulo:
      if b == 0 { throw TraceError.python("ZeroDivisionError", "float modulo", at: loc) }
      return .float(Evaluator.floatDivmod(a, b).1)
    case .power:
      if a == 0 && b < 0 {
        throw TraceError.python("ZeroDivisionError", "0.0 cannot be raised to a negative power", at: loc)
      }
      if a < 0 && b != b.rounded() && b.isFinite {
        throw TraceError.unsupported("complex numbers (a negative number to a fractional power)", at: loc)
      }
      return .float(pow(a, b))
    default:
      throw TraceError.typeError(.unsupportedOperands(operator: op.rawValue, left: "float", right: "float"), at: loc)
    }
  }

  /// CPython's `float_divmod`: floor quotient and a remainder with the divisor's sign.
  static func floatDivmod(_ a: Double, _ b: Double) -> (Double, Double) {
    var mod = fmod(a, b)
    var div = (a - mod) / b
    if mod != 0 {
      if (b < 0) != (mod < 0) {
        mod += b
        div -= 1
      }
    } else {
      mod = Double(signOf: b, magnitudeOf: 0)
    }
    var floordiv: Double
    if div != 0 {
      floordiv = div.rounded(.down)
      if div - floordiv > 0.5 { floordiv += 1 }
    } else {
      floordiv = Double(signOf: a / b, magnitudeOf: 0)
    }
    return (floordiv, mod)
  }

  func setOperation(_ op: BinaryOperator, _ a: PySet, _ b: PySet) -> PySet? {
    let out = PySet(frozen: a.frozen)
    switch op {
    case .bitwiseOr:
      for (v, k) in a.entries { out.insert(v, k) }
      for (v, k) in b.entries { out.insert(v, k) }
    case .bitwiseAnd:
      for (v, k) in a.entries where b.contains(k) { out.insert(v, k) }
    case .subtract:
      for (v, k) in a.entries where !b.contains(k) { out.insert(v, k) }
    case .bitwiseXor:
      for (v, k) in a.entries where !b.contains(k) { out.insert(v, k) }
      for (v, k) in b.entries where !a.contains(k) { out.insert(v, k) }
    default: return nil
    }
    return out
  }

  /// `fmt % args` with the conversions kernels use (`%s`, `%d`, `%r`, `%f`, widths and precisions).
  package func percentFormat(_ fmt: String, _ arg: Value, at loc: SourceLocation) throws(TraceError) -> String {
    var args: [Value]
    if case .tuple(let xs) = arg { args = xs } else { args = [arg] }
    var out = ""
    var chars = Array(fmt)[...]
    while let c = chars.popFirst() {
      if c != "%" {
        out.append(c)
        continue
      }
      // printf flags, width and precision, translated to a format spec.
      var flags = ""
      while let k = chars.first, "-+ #0".contains(k) {
        flags.append(k)
        chars.removeFirst()
      }
      var width = ""
      while let k = chars.first, k.isNumber {
        width.append(k)
        chars.removeFirst()
      }
      var precision = ""
      if chars.first == "." {
        precision = "."
        chars.removeFirst()
        while let k = chars.first, k.isNumber {
          precision.append(k)
          chars.removeFirst()
        }
        if precision == "." { precision = ".0" }
      }
      guard let conversion = chars.popFirst() else {
        throw TraceError.python("ValueError", "incomplete format", at: loc)
      }
      if conversion == "%" {
        out.append("%")
        continue
      }
      guard !args.isEmpty else {
        throw TraceError.typeError(.message("not enough arguments for format string"), at: loc)
      }
      let v = args.removeFirst()
      let left = flags.contains("-")
      let sign = flags.contains("+") ? "+" : flags.contains(" ") ? " " : ""
      let zero = flags.contains("0") && !left ? "0" : ""
      let align = left ? "<" : ""
      let alternate = flags.contains("#") ? "#" : ""
      switch conversion {
      case "s": out += try format(.string(try str(v)), (left ? "<" : ">") + width + precision, at: loc)
      case "r", "a": out += try format(.string(try repr(v)), (left ? "<" : ">") + width + precision, at: loc)
      case "d", "i", "u":
        var i: Int
        if case .float(let f) = v {
          i = try pyInt(f.rounded(.towardZero), at: loc)
        } else {
          i = try intValue(v, at: loc)
        }
        out += try format(.int(i), align + sign + zero + width + "d", at: loc)
      case "f", "F", "e", "E", "g", "G", "x", "X", "o":
        out += try format(v, align + sign + alternate + zero + width + precision + String(conversion), at: loc)
      case "c": out += try format(v, align + width + "c", at: loc)
      default:
        throw TraceError.python("ValueError", "unsupported format character '\(conversion)'", at: loc)
      }
    }
    if !args.isEmpty, case .tuple = arg {
      throw TraceError.typeError(.message("not all arguments converted during string formatting"), at: loc)
    }
    return out
  }

  /// The classes of one side of `X | Y`.
  func unionMembers(_ v: Value) -> [Value] {
    switch v {
    case .none: return [.type(builtinClass("NoneType"))]
    case .native(let o): return (o as? UnionType)?.members ?? [v]
    default: return [v]
    }
  }

  /// Whether `v` is Python's `NotImplemented`.
  func isNotImplemented(_ v: Value) -> Bool {
    if case .native(let o) = v { return o is NotImplementedObject }
    return false
  }
}

/// The most items (bytes of a string) that `+` and `*` build at trace time; more is a runaway
/// kernel (`s = s + s` in a loop), which would otherwise exhaust memory or overflow the count.
package let maxSequenceLength = 1 << 24

/// Throws unless `(a + b) * n` items fit in ``maxSequenceLength``.
package func checkSequenceLength(_ a: Int, _ b: Int, _ n: Int, at loc: SourceLocation) throws(TraceError) {
  guard n > 0 else { return }
  let (sum, o1) = a.addingReportingOverflow(b)
  let (total, o2) = sum.multipliedReportingOverflow(by: n)
  if o1 || o2 || total > maxSequenceLength {
    throw TraceError.python("MemoryError", "a sequence of more than \(maxSequenceLength) items", at: loc)
  }
}

/// Python's floor division of integers (`b` nonzero, not `Int.min // -1`).
package func pyFloorDiv(_ a: Int, _ b: Int) -> Int {
  if b == -1 { return 0 &- a }
  let q = a / b
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q
}

/// Python's `NotImplemented`.
package final class NotImplementedObject: NativeObject {
  package var typeName: String { "NotImplementedType" }
  package func repr(_ ev: Evaluator) throws(TraceError) -> String { "NotImplemented" }
}
