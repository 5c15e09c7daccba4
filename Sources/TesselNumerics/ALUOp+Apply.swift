import TesselIR

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ALUOp {
  /// Computes `a op b` with this ALU operation's reference semantics, in fp32.
  ///
  /// - Arithmetic (`add` ... `divide`, `power`, `fmod`): IEEE fp32, C `powf`/`fmodf`.
  /// - `maximum`/`minimum`, `abs_max`/`abs_min`: NaN in either operand gives NaN.
  /// - `mod`: numpy's `np.mod` (the result takes the divisor's sign; `mod(a, 0)` is NaN).
  /// - Comparisons and logical ops: 1.0 or 0.0; for logical ops any nonzero value (NaN
  ///   included) is true; comparisons with NaN are false except `not_equal`.
  /// - Bitwise ops: each operand is converted to an integer by truncation toward zero
  ///   (NaN → 0, saturating), and the op acts on the low 32 bits of its two's complement.
  ///   `bitwise_and`/`or`/`xor` read the result as signed (`Int32`) if either operand is
  ///   negative and as unsigned (`UInt32`) otherwise, so both int32 and uint32 values round-trip;
  ///   `left_shift` reads it with the sign of `a`; `right_shift` is logical and unsigned. A shift
  ///   count below 0 or above 31 gives 0.
  ///
  /// ```swift
  /// ALUOp.mod.apply(-7, 3)          // 2.0
  /// ALUOp.fmod.apply(-7, 3)         // -1.0
  /// ALUOp.maximum.apply(.nan, 1)    // nan
  /// ALUOp.rightShift.apply(-8, 28)  // 15.0
  /// ```
  ///
  /// - Parameters:
  ///   - a: The first (left) operand.
  ///   - b: The second (right) operand.
  /// - Returns: The result, as a `Float`.
  @inlinable
  public func apply(_ a: Float, _ b: Float) -> Float {
    switch self {
    case .add: return a + b
    case .subtract: return a - b
    case .multiply: return a * b
    case .divide: return a / b
    case .maximum: return a > b || a.isNaN ? a : b
    case .minimum: return a < b || a.isNaN ? a : b
    case .power: return powf(a, b)
    case .mod: return ALUOp.numpyMod(a, b)
    case .fmod: return fmodf(a, b)
    case .absMax:
      let x = a.magnitude
      let y = b.magnitude
      return x > y || x.isNaN ? x : y
    case .absMin:
      let x = a.magnitude
      let y = b.magnitude
      return x < y || x.isNaN ? x : y
    case .equal: return a == b ? 1 : 0
    case .notEqual: return a != b ? 1 : 0
    case .greater: return a > b ? 1 : 0
    case .greaterEqual: return a >= b ? 1 : 0
    case .less: return a < b ? 1 : 0
    case .lessEqual: return a <= b ? 1 : 0
    case .logicalAnd: return a != 0 && b != 0 ? 1 : 0
    case .logicalOr: return a != 0 || b != 0 ? 1 : 0
    case .logicalXor: return (a != 0) != (b != 0) ? 1 : 0
    case .bitwiseAnd, .bitwiseOr, .bitwiseXor, .leftShift, .rightShift:
      return Float(ALUOp.bitwise(self, ALUOp.integerValue(a), ALUOp.integerValue(b)))
    }
  }

  /// numpy's floating-point `np.mod` (`npy_divmod`): `fmod`, then moved into the divisor's sign.
  @inlinable
  static func numpyMod(_ a: Float, _ b: Float) -> Float {
    let remainder = fmodf(a, b)
    if b == 0 { return remainder }  // NaN
    if remainder != 0 {
      return (b < 0) != (remainder < 0) ? remainder + b : remainder
    }
    return b < 0 ? -0.0 : 0.0
  }

  /// The integer value of `x` for bitwise ops: truncated toward zero, NaN → 0, saturating.
  @inlinable
  static func integerValue(_ x: Float) -> Int64 {
    if x.isNaN { return 0 }
    if x >= 9_223_372_036_854_775_808 { return .max }
    if x <= -9_223_372_036_854_775_808 { return .min }
    return Int64(x)
  }
}
