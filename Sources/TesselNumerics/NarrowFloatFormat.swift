/// The bit layout of a narrow binary floating-point format (fp16 and the fp8 family), with exact
/// round-to-nearest-even conversions between it and `Float`.
///
/// A format is described by its exponent and mantissa widths, its exponent bias, and whether the
/// all-ones exponent encodes infinities and NaNs (IEEE-like, `hasInfinity == true`) or only the
/// single NaN pattern `S.1111.111` of the OCP "fn" formats (`hasInfinity == false`). Each format
/// is a caseless enum whose layout is static, so the generic kernels below are specialized with
/// literal constants and their loops vectorize.
///
/// All conversions work on `Float` bit patterns. Rounding keeps the exponent unbounded above, so a
/// value that rounds past the largest finite value overflows: to ±infinity for IEEE-like formats,
/// and to NaN for "fn" formats (the `ml_dtypes` behaviour, see `docs/numerics.md`). NaN patterns
/// follow ``NarrowNaN``: the canonical one decodes to `sign | 0x7FC0_0000`, any other to a tagged
/// fp32 NaN that encodes back to it exactly; a NaN not tagged by the format becomes its canonical
/// NaN.
///
/// The narrow format's subnormals are handled exactly: below the smallest normal value the
/// rounding quantum is fixed at `2^(emin - M)`, which is done by adding and subtracting a "magic"
/// constant whose ulp equals that quantum.
@usableFromInline
protocol NarrowFloatFormat {
  /// The number of exponent bits, `E`.
  static var exponentBits: UInt32 { get }
  /// The number of stored mantissa bits, `M`.
  static var mantissaBits: UInt32 { get }
  /// The exponent bias.
  static var bias: Int32 { get }
  /// Whether the all-ones exponent encodes ±infinity and NaNs (IEEE-like).
  static var hasInfinity: Bool { get }
  /// The format's tag in a ``NarrowNaN`` payload.
  static var nanFormat: NarrowNaN.Format { get }
}

/// IEEE binary16 (1/5/10, bias 15).
@usableFromInline
enum Float16Format: NarrowFloatFormat {
  @inlinable static var exponentBits: UInt32 { 5 }
  @inlinable static var mantissaBits: UInt32 { 10 }
  @inlinable static var bias: Int32 { 15 }
  @inlinable static var hasInfinity: Bool { true }
  @inlinable static var nanFormat: NarrowNaN.Format { .float16 }
}

/// Trainium's legacy fp8 `float8_e4m3` (1/4/3, bias 7, IEEE-like, max 240).
@usableFromInline
enum Float8E4M3Format: NarrowFloatFormat {
  @inlinable static var exponentBits: UInt32 { 4 }
  @inlinable static var mantissaBits: UInt32 { 3 }
  @inlinable static var bias: Int32 { 7 }
  @inlinable static var hasInfinity: Bool { true }
  @inlinable static var nanFormat: NarrowNaN.Format { .float8e4m3 }
}

/// `float8_e5m2` (1/5/2, bias 15, IEEE-like, max 57344).
@usableFromInline
enum Float8E5M2Format: NarrowFloatFormat {
  @inlinable static var exponentBits: UInt32 { 5 }
  @inlinable static var mantissaBits: UInt32 { 2 }
  @inlinable static var bias: Int32 { 15 }
  @inlinable static var hasInfinity: Bool { true }
  @inlinable static var nanFormat: NarrowNaN.Format { .float8e5m2 }
}

/// OCP `float8_e4m3fn` (1/4/3, bias 7, no infinities, NaN = S.1111.111, max 448).
@usableFromInline
enum Float8E4M3FNFormat: NarrowFloatFormat {
  @inlinable static var exponentBits: UInt32 { 4 }
  @inlinable static var mantissaBits: UInt32 { 3 }
  @inlinable static var bias: Int32 { 7 }
  @inlinable static var hasInfinity: Bool { false }
  @inlinable static var nanFormat: NarrowNaN.Format { .float8e4m3fn }
}

extension NarrowFloatFormat {
  // MARK: Derived constants (all fold to literals once the format is known)

  /// The unbiased exponent of the smallest normal value, `1 - bias`.
  @inlinable static var minNormalExponent: Int32 { 1 - bias }

  /// The number of low `Float` mantissa bits that the format drops, `23 - M`.
  @inlinable static var droppedBits: UInt32 { 23 - mantissaBits }

  /// The `Float` bit pattern of the smallest positive normal value of the format.
  @inlinable static var minNormalBits32: UInt32 { UInt32(127 + minNormalExponent) << 23 }

  /// The `Float` bit pattern of the largest finite value of the format.
  @inlinable static var maxFiniteBits32: UInt32 {
    let allOnes = (UInt32(1) << exponentBits) - 1
    let maxExponentField = hasInfinity ? allOnes - 1 : allOnes
    let mantissaMask = (UInt32(1) << mantissaBits) - 1
    let maxMantissa = hasInfinity ? mantissaMask : mantissaMask - 1
    let unbiased = Int32(maxExponentField) - bias
    return UInt32(127 + unbiased) << 23 | maxMantissa << droppedBits
  }

  /// What an overflowing magnitude becomes, as a `Float` bit pattern: infinity or the quiet NaN.
  @inlinable static var overflowBits32: UInt32 { hasInfinity ? 0x7F80_0000 : 0x7FC0_0000 }

  /// A power of two whose ulp is the format's subnormal quantum `2^(emin - M)`.
  @inlinable static var subnormalMagic: Float {
    Float(bitPattern: UInt32(127 + minNormalExponent - Int32(mantissaBits) + 23) << 23)
  }

  /// The format's subnormal quantum `2^(emin - M)`.
  @inlinable static var subnormalQuantum: Float {
    Float(bitPattern: UInt32(127 + minNormalExponent - Int32(mantissaBits)) << 23)
  }

  /// The inverse of the subnormal quantum, `2^(M - emin)`.
  @inlinable static var inverseSubnormalQuantum: Float {
    Float(bitPattern: UInt32(127 - minNormalExponent + Int32(mantissaBits)) << 23)
  }

  /// The position of the sign bit in the format's encoding, `E + M`.
  @inlinable static var signShift: UInt32 { exponentBits + mantissaBits }

  /// The all-ones exponent field value.
  @inlinable static var exponentMask: UInt32 { (UInt32(1) << exponentBits) - 1 }

  /// The mantissa field mask.
  @inlinable static var mantissaMask: UInt32 { (UInt32(1) << mantissaBits) - 1 }

  /// The canonical positive quiet NaN encoding: `0.11111.10` style for IEEE-like formats,
  /// `0.1111.111` for "fn" formats.
  @inlinable static var canonicalNaN: UInt32 {
    hasInfinity
      ? exponentMask << mantissaBits | UInt32(1) << (mantissaBits - 1)
      : exponentMask << mantissaBits | mantissaMask
  }

  // MARK: Scalar kernels

  /// Rounds the `Float` with bit pattern `bits` to this format and returns the widened result's
  /// bit pattern.
  ///
  /// Branch-free (both rounding paths are computed and selected), so a loop over it vectorizes.
  @inlinable @inline(__always)
  static func quantizeBits(_ bits: UInt32) -> UInt32 {
    let sign = bits & 0x8000_0000
    let a = bits & 0x7FFF_FFFF
    let shift = droppedBits
    let lsb = (a &>> shift) & 1
    let normal = (a &+ ((UInt32(1) << (shift &- 1)) &- 1) &+ lsb) & ~((UInt32(1) << shift) &- 1)
    let magic = subnormalMagic
    let small = ((Float(bitPattern: a) + magic) - magic).bitPattern
    var r = a < minNormalBits32 ? small : normal
    r = r > maxFiniteBits32 ? overflowBits32 : r
    r = a > 0x7F80_0000 ? NarrowNaN.rounded(a, to: nanFormat, mask: mantissaMask) : r
    return r | sign
  }

  /// Encodes a `Float` as this format's bit pattern (in the low `E + M + 1` bits).
  @inlinable @inline(__always)
  static func encode(_ x: Float) -> UInt32 {
    let bits = x.bitPattern
    let sign = (bits &>> 31) << signShift
    let q = quantizeBits(bits) & 0x7FFF_FFFF
    if q > 0x7F80_0000 {
      let canonical = canonicalNaN & mantissaMask
      return sign | exponentMask << mantissaBits
        | NarrowNaN.mantissa(of: q, in: nanFormat, mask: mantissaMask, canonical: canonical)
    }
    if q == 0x7F80_0000 { return sign | exponentMask << mantissaBits }
    if q >= minNormalBits32 {
      let exponentField = UInt32(Int32(q &>> 23) - 127 + bias)
      let mantissa = (q &>> droppedBits) & mantissaMask
      return sign | exponentField << mantissaBits | mantissa
    }
    // Subnormal or zero: the value is an exact multiple of the quantum below 2^emin.
    return sign | UInt32(Float(bitPattern: q) * inverseSubnormalQuantum)
  }

  /// Decodes this format's bit pattern (the low `E + M + 1` bits of `bits`) to a `Float`, exactly.
  @inlinable @inline(__always)
  static func decode(_ bits: UInt32) -> Float {
    let sign = ((bits &>> signShift) & 1) << 31
    let exponentField = (bits &>> mantissaBits) & exponentMask
    let mantissa = bits & mantissaMask
    let magnitude: UInt32
    if exponentField == exponentMask && (hasInfinity || mantissa == mantissaMask) {
      magnitude =
        hasInfinity && mantissa == 0
        ? 0x7F80_0000
        : NarrowNaN.magnitude(mantissa: mantissa, canonical: canonicalNaN & mantissaMask, format: nanFormat)
    } else if exponentField == 0 {
      magnitude = (Float(mantissa) * subnormalQuantum).bitPattern
    } else {
      let unbiased = Int32(exponentField) - bias
      magnitude = UInt32(127 + unbiased) << 23 | mantissa << droppedBits
    }
    return Float(bitPattern: sign | magnitude)
  }

  // MARK: Bulk kernel

  /// Rounds every element of `buffer` to this format in place.
  @inlinable @inline(__always)
  static func quantize(_ buffer: UnsafeMutableBufferPointer<Float>) {
    transformBitPatterns(buffer) { quantizeBits($0) }
  }
}
