/// The bit layout of a narrow binary floating-point format (fp16 and the fp8 family), with exact
/// round-to-nearest-even conversions between it and `Float`.
///
/// A format is described by its exponent and mantissa widths, its exponent bias, and whether the
/// all-ones exponent encodes infinities and NaNs (IEEE-like, `hasInfinity == true`) or only the
/// single NaN pattern `S.1111.111` of the OCP "fn" formats (`hasInfinity == false`).
///
/// All conversions work on `Float` bit patterns. Rounding keeps the exponent unbounded above, so a
/// value that rounds past the largest finite value overflows: to ±infinity for IEEE-like formats,
/// and to NaN for "fn" formats (the `ml_dtypes` behaviour, see `docs/numerics.md`). NaN inputs
/// become the canonical quiet NaN `sign | 0x7FC0_0000`.
///
/// The narrow format's subnormals are handled exactly: below the smallest normal value the
/// rounding quantum is fixed at `2^(emin - M)`, which is done by adding and subtracting a "magic"
/// constant whose ulp equals that quantum.
struct NarrowFloatFormat: Sendable {
  /// The number of exponent bits, `E`.
  let exponentBits: UInt32
  /// The number of stored mantissa bits, `M`.
  let mantissaBits: UInt32
  /// The exponent bias.
  let bias: Int32
  /// Whether the all-ones exponent encodes ±infinity and NaNs (IEEE-like).
  let hasInfinity: Bool

  /// IEEE binary16 (1/5/10, bias 15).
  static let float16 = NarrowFloatFormat(exponentBits: 5, mantissaBits: 10, bias: 15, hasInfinity: true)
  /// Trainium's legacy fp8 `float8_e4m3` (1/4/3, bias 7, IEEE-like, max 240).
  static let float8e4m3 = NarrowFloatFormat(exponentBits: 4, mantissaBits: 3, bias: 7, hasInfinity: true)
  /// `float8_e5m2` (1/5/2, bias 15, IEEE-like, max 57344).
  static let float8e5m2 = NarrowFloatFormat(exponentBits: 5, mantissaBits: 2, bias: 15, hasInfinity: true)
  /// OCP `float8_e4m3fn` (1/4/3, bias 7, no infinities, max 448).
  static let float8e4m3fn = NarrowFloatFormat(
    exponentBits: 4, mantissaBits: 3, bias: 7, hasInfinity: false)

  // MARK: Derived constants (all fold to literals once the format is known)

  /// The unbiased exponent of the smallest normal value, `1 - bias`.
  @inline(__always) var minNormalExponent: Int32 { 1 - bias }

  /// The number of low `Float` mantissa bits that the format drops, `23 - M`.
  @inline(__always) var droppedBits: UInt32 { 23 - mantissaBits }

  /// The `Float` bit pattern of the smallest positive normal value of the format.
  @inline(__always) var minNormalBits32: UInt32 { UInt32(127 + minNormalExponent) << 23 }

  /// The `Float` bit pattern of the largest finite value of the format.
  @inline(__always) var maxFiniteBits32: UInt32 {
    let allOnes = (UInt32(1) << exponentBits) - 1
    let maxExponentField = hasInfinity ? allOnes - 1 : allOnes
    let mantissaMask = (UInt32(1) << mantissaBits) - 1
    let maxMantissa = hasInfinity ? mantissaMask : mantissaMask - 1
    let unbiased = Int32(maxExponentField) - bias
    return UInt32(127 + unbiased) << 23 | maxMantissa << droppedBits
  }

  /// What an overflowing magnitude becomes, as a `Float` bit pattern: infinity or the quiet NaN.
  @inline(__always) var overflowBits32: UInt32 { hasInfinity ? 0x7F80_0000 : 0x7FC0_0000 }

  /// A power of two whose ulp is the format's subnormal quantum `2^(emin - M)`.
  @inline(__always) var subnormalMagic: Float {
    Float(bitPattern: UInt32(127 + minNormalExponent - Int32(mantissaBits) + 23) << 23)
  }

  /// The format's subnormal quantum `2^(emin - M)`.
  @inline(__always) var subnormalQuantum: Float {
    Float(bitPattern: UInt32(127 + minNormalExponent - Int32(mantissaBits)) << 23)
  }

  /// The inverse of the subnormal quantum, `2^(M - emin)`.
  @inline(__always) var inverseSubnormalQuantum: Float {
    Float(bitPattern: UInt32(127 - minNormalExponent + Int32(mantissaBits)) << 23)
  }

  /// The position of the sign bit in the format's encoding, `E + M`.
  @inline(__always) var signShift: UInt32 { exponentBits + mantissaBits }

  /// The all-ones exponent field value.
  @inline(__always) var exponentMask: UInt32 { (UInt32(1) << exponentBits) - 1 }

  /// The mantissa field mask.
  @inline(__always) var mantissaMask: UInt32 { (UInt32(1) << mantissaBits) - 1 }

  /// The canonical positive quiet NaN encoding: `0.11111.10` style for IEEE-like formats,
  /// `0.1111.111` for "fn" formats.
  @inline(__always) var canonicalNaN: UInt32 {
    hasInfinity
      ? exponentMask << mantissaBits | UInt32(1) << (mantissaBits - 1)
      : exponentMask << mantissaBits | mantissaMask
  }

  // MARK: Scalar kernels

  /// Rounds a non-NaN `Float` magnitude (sign bit clear) to the format's precision, with an
  /// unbounded exponent above; the result is a `Float` bit pattern.
  @inline(__always)
  func roundedMagnitude(_ a: UInt32) -> UInt32 {
    if a >= minNormalBits32 {
      let shift = droppedBits
      let lsb = (a &>> shift) & 1
      let half = UInt32(1) << (shift - 1)
      return (a &+ (half &- 1) &+ lsb) & ~((UInt32(1) << shift) &- 1)
    } else {
      let magic = subnormalMagic
      return ((Float(bitPattern: a) + magic) - magic).bitPattern
    }
  }

  /// Rounds the `Float` with bit pattern `bits` to this format and returns the widened result's
  /// bit pattern.
  @inline(__always)
  func quantizeBits(_ bits: UInt32) -> UInt32 {
    let sign = bits & 0x8000_0000
    let a = bits & 0x7FFF_FFFF
    if a > 0x7F80_0000 { return sign | 0x7FC0_0000 }
    let r = roundedMagnitude(a)
    return sign | (r > maxFiniteBits32 ? overflowBits32 : r)
  }

  /// Encodes a `Float` as this format's bit pattern (in the low `E + M + 1` bits).
  @inline(__always)
  func encode(_ x: Float) -> UInt32 {
    let bits = x.bitPattern
    let sign = (bits &>> 31) << signShift
    let q = quantizeBits(bits) & 0x7FFF_FFFF
    if q > 0x7F80_0000 { return sign | canonicalNaN }
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
  @inline(__always)
  func decode(_ bits: UInt32) -> Float {
    let sign = ((bits &>> signShift) & 1) << 31
    let exponentField = (bits &>> mantissaBits) & exponentMask
    let mantissa = bits & mantissaMask
    let magnitude: UInt32
    if exponentField == exponentMask && (hasInfinity || mantissa == mantissaMask) {
      magnitude = hasInfinity && mantissa == 0 ? 0x7F80_0000 : 0x7FC0_0000
    } else if exponentField == 0 {
      magnitude = (Float(mantissa) * subnormalQuantum).bitPattern
    } else {
      let unbiased = Int32(exponentField) - bias
      magnitude = UInt32(127 + unbiased) << 23 | mantissa << droppedBits
    }
    return Float(bitPattern: sign | magnitude)
  }

  // MARK: Bulk kernel

  /// Rounds eight `Float` bit patterns at once; lane-for-lane identical to `quantizeBits(_:)`.
  @inline(__always)
  func quantizeBits(_ bits: SIMD8<UInt32>) -> SIMD8<UInt32> {
    let sign = bits & 0x8000_0000
    let a = bits & 0x7FFF_FFFF
    let shift = droppedBits
    let lsb = (a &>> shift) & 1
    let half = UInt32(1) << (shift - 1)
    let normal = (a &+ (half &- 1) &+ lsb) & ~((UInt32(1) << shift) &- 1)
    let magic = SIMD8<Float>(repeating: subnormalMagic)
    let small = unsafeBitCast((unsafeBitCast(a, to: SIMD8<Float>.self) + magic) - magic, to: SIMD8<UInt32>.self)
    var r = normal.replacing(with: small, where: a .< minNormalBits32)
    r.replace(with: overflowBits32, where: r .> maxFiniteBits32)
    r.replace(with: 0x7FC0_0000, where: a .> 0x7F80_0000)
    return r | sign
  }

  /// Rounds every element of `buffer` to this format in place.
  @inline(__always)
  func quantize(_ buffer: UnsafeMutableBufferPointer<Float>) {
    guard let base = buffer.baseAddress else { return }
    let count = buffer.count
    let raw = UnsafeMutableRawPointer(base)
    var i = 0
    while i &+ 8 <= count {
      let offset = i &* 4
      let v = raw.loadUnaligned(fromByteOffset: offset, as: SIMD8<UInt32>.self)
      raw.storeBytes(of: quantizeBits(v), toByteOffset: offset, as: SIMD8<UInt32>.self)
      i &+= 8
    }
    while i < count {
      base[i] = Float(bitPattern: quantizeBits(base[i].bitPattern))
      i &+= 1
    }
  }
}
