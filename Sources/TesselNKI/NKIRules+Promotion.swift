import TesselIR

/// The kind of a Python scalar written without a dtype (`2`, `0.5`, `True`): a weakly typed
/// scalar in NKI's promotion rules.
public enum WeakScalar: Sendable, Hashable {
  /// `True` / `False`.
  case bool
  /// An integer literal.
  case int
  /// A floating-point literal.
  case float

  /// The dtype NKI infers for it: the widest the hardware supports of its kind (`bool` as
  /// `uint8`, `int` as `int32`, `float` as `float32`).
  public var dtype: DType {
    switch self {
    case .bool: .uint8
    case .int: .int32
    case .float: .float32
    }
  }
}

extension NKIRules {
  /// The dtype of an arithmetic result on operands of dtypes `a` and `b` when no `dtype=` is
  /// given: NKI's promotion rules (`docs/nki-rules.md`).
  ///
  /// Symmetric in its arguments. A float with an integer gives the float; two floats the wider,
  /// or a widened type (`float16` with `bfloat16` gives `float32`, two different fp8 formats
  /// `bfloat16`); two integers the wider, or the narrowest type holding both ranges (`int8` with
  /// `uint8` gives `int16`, `int32` with `uint32` gives `float32`). `bool` is stored as `uint8`
  /// and promotes as one, except with itself.
  ///
  /// ```swift
  /// NKIRules.promote(.float8e4m3, .float16)   // .float16
  /// NKIRules.promote(.int8, .uint16)          // .int32
  /// ```
  public static func promote(_ a: DType, _ b: DType) -> DType {
    if a == b { return a }
    let x = a == .bool ? DType.uint8 : a
    let y = b == .bool ? DType.uint8 : b
    if x == y { return x }
    switch (x.isFloatingPoint, y.isFloatingPoint) {
    case (true, false): return x
    case (false, true): return y
    case (true, true): return promoteFloats(x, y)
    case (false, false): return promoteIntegers(x, y)
    }
  }

  /// Two different floating-point dtypes.
  private static func promoteFloats(_ a: DType, _ b: DType) -> DType {
    if a.isFloat8 && b.isFloat8 { return .bfloat16 }
    if a.isFloat8 { return b.byteSize == 2 ? b : .float32 }
    if b.isFloat8 { return a.byteSize == 2 ? a : .float32 }
    // float16 with bfloat16, and anything with a 32-bit format.
    return .float32
  }

  /// Two different integer dtypes (`bool` already read as `uint8`).
  private static func promoteIntegers(_ a: DType, _ b: DType) -> DType {
    if a.isSignedInteger == b.isSignedInteger { return a.byteSize >= b.byteSize ? a : b }
    let (signed, unsigned) = a.isSignedInteger ? (a, b) : (b, a)
    if signed.byteSize > unsigned.byteSize { return signed }
    switch unsigned.byteSize {
    case 1: return .int16
    case 2: return .int32
    default: return .float32
    }
  }

  /// The dtype of `a op b` without `dtype=`: `bool` for comparisons and logical operators, the
  /// promoted dtype otherwise; `explicit` wins when given.
  public static func resultDType(of op: ALUOp, _ a: DType, _ b: DType, explicit: DType? = nil) -> DType {
    if let explicit { return explicit }
    return producesBool(op) ? .bool : promote(a, b)
  }

  /// Whether `op`'s result is a truth value (`nl.equal`, `nl.logical_and`, ...), `bool` by default.
  public static func producesBool(_ op: ALUOp) -> Bool {
    switch op {
    case .equal, .notEqual, .greater, .greaterEqual, .less, .lessEqual, .logicalAnd, .logicalOr, .logicalXor: true
    default: false
    }
  }

  /// The dtype of `nl.where(condition, x, y)` without `dtype=`: the promoted dtype of its tile
  /// branches (scalar branches do not widen it), float32 when both branches are scalars.
  public static func whereDType(tileBranches: [DType], explicit: DType? = nil) -> DType {
    if let explicit { return explicit }
    guard let first = tileBranches.first else { return .float32 }
    return tileBranches.dropFirst().reduce(first, promote)
  }
}
