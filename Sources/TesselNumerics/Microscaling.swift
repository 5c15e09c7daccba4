/// The OCP microscaling (MX) formats that Trainium3's `quantize_mx` and `nc_matmul_mx` use besides
/// the fp8 dtypes: 4-bit `float4_e2m1fn` elements and the 8-bit power-of-two block scale
/// `float8_e8m0fnu`.
///
/// MX data is a block of 32 elements (8 partitions × 4 elements of one packed `_x4` element) that
/// share one scale `2^(s - 127)`, where `s` is the scale's biased exponent byte. Both conversions
/// follow `ml_dtypes`, which is what NKI's simulator stores these types with.
///
/// ```swift
/// MXFloat4.quantize(2.5)    // 2.0 (a tie, to even)
/// MXFloat4.quantize(100)    // 6.0 (no infinity: saturates)
/// MXScale.decode(127)       // 1.0
/// MXScale.encode(3.0)       // 129, that is 4.0 (ties round up)
/// ```
public enum MXFloat4 {
  /// The magnitudes of the eight non-negative codes `0b0000 ... 0b0111` (1 sign, 2 exponent and
  /// 1 mantissa bit, exponent bias 1, no infinities, no NaN).
  public static let magnitudes: [Float] = [0, 0.5, 1, 1.5, 2, 3, 4, 6]

  /// The largest finite magnitude.
  public static let maxFinite: Float = 6

  /// Rounds a value to the nearest `float4_e2m1fn` value, ties to even; magnitudes beyond 6
  /// (infinities included) saturate to ±6, and NaN becomes +0 (the format has no NaN).
  public static func quantize(_ x: Float) -> Float {
    decode(encode(x))
  }

  /// Encodes a value as a 4-bit `float4_e2m1fn` pattern (rounded as `quantize(_:)` rounds it).
  public static func encode(_ x: Float) -> UInt32 {
    if x.isNaN { return 0 }
    let sign: UInt32 = x.sign == .minus ? 0b1000 : 0
    let a = Swift.min(x.magnitude, maxFinite)
    // The codes are ordered by magnitude: take the nearest, and on a tie the even code.
    var best: UInt32 = 0
    var bestDistance = Float.infinity
    for (code, m) in magnitudes.enumerated() {
      let d = abs(a - m)
      if d < bestDistance || (d == bestDistance && code % 2 == 0) {
        best = UInt32(code)
        bestDistance = d
      }
    }
    return sign | best
  }

  /// Decodes the low four bits of `bits` as a `float4_e2m1fn` value, exactly.
  public static func decode(_ bits: UInt32) -> Float {
    let m = magnitudes[Int(bits & 0b0111)]
    return bits & 0b1000 != 0 ? -m : m
  }
}

/// The `float8_e8m0fnu` block scale of the MX formats: an unsigned, biased exponent byte `s`
/// standing for `2^(s - 127)`, with `0xFF` as NaN and no zero.
public enum MXScale {
  /// The exponent bias.
  public static let bias = 127

  /// The value of a scale byte: `2^(s - 127)`, or NaN for `0xFF`.
  public static func decode(_ bits: UInt32) -> Float {
    let s = Int(bits & 0xFF)
    if s == 0xFF { return .nan }
    return exp2(s - bias)
  }

  /// Encodes a value as the scale byte of the nearest power of two, halfway cases rounding up
  /// (as `ml_dtypes` does: 3 → 4, 1.5 → 2); values below `2^-127` saturate to `0x00`, above
  /// `2^127` to `0xFE`; zero, negative values, infinities and NaN encode as NaN (`0xFF`).
  public static func encode(_ x: Float) -> UInt32 {
    guard x.isFinite, x > 0 else { return 0xFF }
    // x = m · 2^e with 1 ≤ m < 2; m ≥ 1.5 rounds up to the next power of two.
    var e = Int(x.exponent)
    if x.significand >= 1.5 { e += 1 }
    return UInt32(Swift.max(0, Swift.min(0xFE, e + bias)))
  }

  /// `2^e` as a `Float`, exact for every `e` in -149...127 (subnormal powers included).
  static func exp2(_ e: Int) -> Float {
    Float(sign: .plus, exponent: e, significand: 1)
  }
}
