#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// The few transcendental functions the references need, on `Double`, taken from the platform C
/// math library (the standard library has `squareRoot()` but no `exp`, `log`, `cos` or `sin`).
///
/// Kept in one place so that no other file imports a platform module. The method names differ
/// from the C names so that the calls below resolve to the C functions.
enum Math {
  /// e raised to `x`.
  static func exponential(_ x: Double) -> Double { exp(x) }

  /// The natural logarithm of `x`.
  static func naturalLogarithm(_ x: Double) -> Double { log(x) }

  /// The cosine of `x` radians.
  static func cosine(_ x: Double) -> Double { cos(x) }

  /// The sine of `x` radians.
  static func sine(_ x: Double) -> Double { sin(x) }
}
