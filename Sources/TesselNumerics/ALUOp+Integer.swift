import TesselIR

/// NKI's integer arithmetic: when it applies, and the exact result of each ALU op on integers.
///
/// Engines compute arithmetic in fp32 and round the result to the destination's dtype, except
/// that an elementwise instruction whose tiles (inputs and destination) are all `int32` or
/// `uint32` runs on the GpSimd engine's native 32-bit integer ALU, which is exact. NKI falls back
/// to the Vector engine's fp32 arithmetic when an operand is in PSUM (GpSimd cannot reach PSUM).
/// So `nl.divide(int32_tile, 38, dtype=nl.int32)` truncates (2224 / 38 = 58), where fp32
/// arithmetic would round 58.53 to 59. See `docs/numerics.md`, "Integer arithmetic".
public enum IntegerArithmetic {
  /// Whether an instruction computes in integer arithmetic.
  ///
  /// - Parameters:
  ///   - tiles: The dtype and memory of every tile the instruction reads or writes.
  ///   - scalars: Its immediate operands; each must be an integer (a Python `int`).
  /// - Returns: `true` when every tile is `int32`/`uint32` outside PSUM and every scalar is an
  ///   integer.
  public static func applies(tiles: [(dtype: DType, space: MemorySpace)], scalars: [Float]) -> Bool {
    guard !tiles.isEmpty else { return false }
    for t in tiles where !(t.dtype == .int32 || t.dtype == .uint32) || t.space == .psum { return false }
    for x in scalars where !(x.isFinite && x == x.rounded(.towardZero)) { return false }
    return true
  }

  /// The largest magnitude every integer up to which a `Float` holds exactly (2^24).
  public static var exactFloatLimit: Int64 { 1 << 24 }

  /// Whether `x` survives the round trip through `Float` unchanged.
  @inlinable
  public static func isExactInFloat(_ x: Int64) -> Bool {
    isExactInFloat(magnitude: x.magnitude)
  }

  /// Whether an integer of this magnitude (either sign) survives the round trip through `Float`
  /// unchanged: up to 2^24 every one does, above only those whose significant bits fit in 24.
  @inlinable
  public static func isExactInFloat(magnitude: UInt64) -> Bool {
    if magnitude <= 1 << 24 { return true }
    return UInt64(exactly: Float(magnitude)) == magnitude
  }
}

extension ALUOp {
  /// Computes `a op b` exactly on integers, as the GpSimd engine's integer ALU does.
  ///
  /// - `add`, `subtract`, `multiply`, `maximum`, `minimum`, `abs_max`, `abs_min`: exact.
  /// - `divide`: truncates toward zero (`-17 / 4` is `-4`).
  /// - `mod`: the sign of the divisor, as Python's `%` (`-17 mod 4` is `3`); `fmod`: the sign of
  ///   the dividend (`-17 fmod 4` is `-1`).
  /// - `power`: exact for a non-negative exponent.
  /// - Comparisons and logical ops: 1 or 0.
  /// - Bitwise ops: on the low 32 bits of the two's complement, as ``apply(_:_:)`` describes.
  ///
  /// ```swift
  /// ALUOp.divide.applyInteger(2224, 38)  // .success(58)
  /// ALUOp.mod.applyInteger(-17, 4)       // .success(3)
  /// ALUOp.divide.applyInteger(1, 0)      // .failure(.divisionByZero)
  /// ```
  ///
  /// - Returns: The exact result, or why there is none: a zero divisor, a negative exponent, or a
  ///   result beyond 64 bits.
  public func applyInteger(_ a: Int64, _ b: Int64) -> Result<Int64, KernelError.IntegerFault> {
    switch self {
    case .add: return exact(a.addingReportingOverflow(b))
    case .subtract: return exact(a.subtractingReportingOverflow(b))
    case .multiply: return exact(a.multipliedReportingOverflow(by: b))
    case .divide:
      guard b != 0 else { return .failure(.divisionByZero) }
      return exact(a.dividedReportingOverflow(by: b))
    case .fmod:
      guard b != 0 else { return .failure(.divisionByZero) }
      return exact(a.remainderReportingOverflow(dividingBy: b))
    case .mod:
      guard b != 0 else { return .failure(.divisionByZero) }
      let (r, overflow) = a.remainderReportingOverflow(dividingBy: b)
      if overflow { return .failure(.beyond64Bits) }
      return .success(r != 0 && (r < 0) != (b < 0) ? r + b : r)
    case .maximum: return .success(Swift.max(a, b))
    case .minimum: return .success(Swift.min(a, b))
    case .absMax: return .success(Int64(Swift.max(a.magnitude, b.magnitude) & UInt64(Int64.max)))
    case .absMin: return .success(Int64(Swift.min(a.magnitude, b.magnitude) & UInt64(Int64.max)))
    case .power:
      guard b >= 0 else { return .failure(.negativeExponent) }
      var result: Int64 = 1
      var base = a
      var e = b
      while e > 0 {
        if e & 1 == 1 {
          let (r, o) = result.multipliedReportingOverflow(by: base)
          if o { return .failure(.beyond64Bits) }
          result = r
        }
        e >>= 1
        if e > 0 {
          let (s, o) = base.multipliedReportingOverflow(by: base)
          if o { return .failure(.beyond64Bits) }
          base = s
        }
      }
      return .success(result)
    case .equal: return .success(a == b ? 1 : 0)
    case .notEqual: return .success(a != b ? 1 : 0)
    case .greater: return .success(a > b ? 1 : 0)
    case .greaterEqual: return .success(a >= b ? 1 : 0)
    case .less: return .success(a < b ? 1 : 0)
    case .lessEqual: return .success(a <= b ? 1 : 0)
    case .logicalAnd: return .success(a != 0 && b != 0 ? 1 : 0)
    case .logicalOr: return .success(a != 0 || b != 0 ? 1 : 0)
    case .logicalXor: return .success((a != 0) != (b != 0) ? 1 : 0)
    case .bitwiseAnd, .bitwiseOr, .bitwiseXor, .leftShift, .rightShift:
      return .success(ALUOp.bitwise(self, a, b))
    }
  }

  /// The bitwise ops on the low 32 bits of the two's complement of integer operands.
  ///
  /// `bitwise_and`/`or`/`xor` read the result as signed if either operand is negative and as
  /// unsigned otherwise; `left_shift` reads it with the sign of `a`; `right_shift` is logical. A
  /// shift count below 0 or above 31 gives 0.
  @inlinable
  static func bitwise(_ op: ALUOp, _ x: Int64, _ y: Int64) -> Int64 {
    switch op {
    case .leftShift:
      guard y >= 0 && y <= 31 else { return 0 }
      let bits = UInt32(truncatingIfNeeded: x) << UInt32(y)
      return x < 0 ? Int64(Int32(bitPattern: bits)) : Int64(bits)
    case .rightShift:
      guard y >= 0 && y <= 31 else { return 0 }
      return Int64(UInt32(truncatingIfNeeded: x) >> UInt32(y))
    default:
      let p = UInt32(truncatingIfNeeded: x)
      let q = UInt32(truncatingIfNeeded: y)
      let bits = op == .bitwiseAnd ? p & q : (op == .bitwiseOr ? p | q : p ^ q)
      return x < 0 || y < 0 ? Int64(Int32(bitPattern: bits)) : Int64(bits)
    }
  }

  /// The exact result of an operation that reported whether it overflowed 64 bits.
  private func exact(_ r: (partialValue: Int64, overflow: Bool)) -> Result<Int64, KernelError.IntegerFault> {
    r.overflow ? .failure(.beyond64Bits) : .success(r.partialValue)
  }
}
