/// A binary ALU operation usable as `op=` in NKI ISA instructions (`docs/numerics.md`).
///
/// Arithmetic and comparison operations compute in fp32; comparisons and logical operations
/// produce 1.0 or 0.0. Bitwise operations act on the integer value of their operands.
public enum ALUOp: String, Sendable, Hashable, CaseIterable, Codable {
  // MARK: Arithmetic
  /// `nl.add` / `np.add`: `a + b`.
  case add
  /// `nl.subtract` / `np.subtract`: `a - b`.
  case subtract
  /// `nl.multiply` / `np.multiply`: `a * b`.
  case multiply
  /// `nl.divide` / `np.divide`: `a / b`.
  case divide
  /// `nl.maximum` / `np.maximum` (also `np.max` as an op): `max(a, b)`; NaN propagates.
  case maximum
  /// `nl.minimum` / `np.minimum` (also `np.min` as an op): `min(a, b)`; NaN propagates.
  case minimum
  /// `nl.power` / `np.power`: `pow(a, b)`.
  case power
  /// `nl.mod` / `np.mod`: `a - floor(a / b) * b` (sign of the divisor, as numpy).
  case mod
  /// `nl.fmod` / `np.fmod`: C `fmod` (sign of the dividend).
  case fmod
  /// `nl.abs_max`: `max(|a|, |b|)`.
  case absMax = "abs_max"
  /// `nl.abs_min`: `min(|a|, |b|)`.
  case absMin = "abs_min"

  // MARK: Comparison (1.0 / 0.0)
  /// `nl.equal`: `a == b`.
  case equal
  /// `nl.not_equal`: `a != b`.
  case notEqual = "not_equal"
  /// `nl.greater`: `a > b`.
  case greater
  /// `nl.greater_equal`: `a >= b`.
  case greaterEqual = "greater_equal"
  /// `nl.less`: `a < b`.
  case less
  /// `nl.less_equal`: `a <= b`.
  case lessEqual = "less_equal"

  // MARK: Logical (1.0 / 0.0; nonzero is true)
  /// `nl.logical_and`.
  case logicalAnd = "logical_and"
  /// `nl.logical_or`.
  case logicalOr = "logical_or"
  /// `nl.logical_xor`.
  case logicalXor = "logical_xor"

  // MARK: Bitwise (on integer values)
  /// `nl.bitwise_and`.
  case bitwiseAnd = "bitwise_and"
  /// `nl.bitwise_or`.
  case bitwiseOr = "bitwise_or"
  /// `nl.bitwise_xor`.
  case bitwiseXor = "bitwise_xor"
  /// `nl.left_shift`.
  case leftShift = "left_shift"
  /// `nl.right_shift` (logical).
  case rightShift = "right_shift"

  /// The NKI spelling, as in `nl.add`.
  public var nkiName: String { rawValue }

  /// Whether the op may be used as a reduction (`tensor_reduce`, `reduce_op=`).
  public var isReducible: Bool {
    switch self {
    case .add, .multiply, .maximum, .minimum, .logicalAnd, .logicalOr, .logicalXor, .bitwiseAnd,
      .bitwiseOr, .bitwiseXor, .absMax, .absMin:
      true
    default: false
    }
  }

  /// Whether the op compares its operands and yields 1.0 or 0.0.
  public var isComparison: Bool {
    switch self {
    case .equal, .notEqual, .greater, .greaterEqual, .less, .lessEqual: true
    default: false
    }
  }

  /// Whether the op works on integer bit patterns.
  public var isBitwise: Bool {
    switch self {
    case .bitwiseAnd, .bitwiseOr, .bitwiseXor, .leftShift, .rightShift: true
    default: false
    }
  }

  /// The identity element of a reducible op (`add` → 0, `maximum` → -inf, ...).
  public var reductionIdentity: Float? {
    switch self {
    case .add, .logicalOr, .logicalXor, .bitwiseOr, .bitwiseXor, .absMax: 0
    case .multiply, .logicalAnd: 1
    case .maximum: -.infinity
    case .minimum, .absMin: .infinity
    case .bitwiseAnd: -1
    default: nil
    }
  }
}
