/// A float format that is the high bits of an IEEE binary32 (bfloat16 and tfloat32), with exact
/// round-to-nearest-even conversions from `Float`.
///
/// These formats share `Float`'s sign and 8-bit exponent, so rounding is a single integer step
/// on the bit pattern: add `half-ulp - 1` plus the lowest kept bit, then clear the dropped bits.
/// A carry out of the mantissa bumps the exponent, which also makes subnormals, the step to the
/// next binade and overflow to ±infinity come out right with no special cases. Only NaN needs a
/// select, because rounding could turn a NaN payload into infinity. NaNs follow ``NarrowNaN``: a
/// NaN tagged by the format is kept, any other becomes the canonical quiet NaN
/// `sign | 0x7FC0_0000`; `encodeBits` and `decodeBits` map between tagged NaNs and the format's
/// NaN patterns.
@usableFromInline
struct TruncatedFloat32Format: Sendable {
  /// The number of mantissa bits kept (7 for bfloat16, 10 for tfloat32).
  @usableFromInline let mantissaBits: UInt32

  /// A format keeping `mantissaBits` of `Float`'s 23.
  @inlinable init(mantissaBits: UInt32) { self.mantissaBits = mantissaBits }

  /// `bfloat16` (1/8/7): the high 16 bits of a `Float`.
  @inlinable static var bfloat16: TruncatedFloat32Format { TruncatedFloat32Format(mantissaBits: 7) }
  /// `tfloat32` (1/8/10): a `Float` whose low 13 mantissa bits are zero.
  @inlinable static var tfloat32: TruncatedFloat32Format {
    TruncatedFloat32Format(mantissaBits: 10)
  }

  /// The number of low `Float` mantissa bits that are dropped, `23 - M`.
  @inlinable var droppedBits: UInt32 { 23 - mantissaBits }

  /// The mask that keeps the sign, exponent and kept mantissa bits.
  @inlinable var keepMask: UInt32 { ~((UInt32(1) << droppedBits) &- 1) }

  /// The format's tag in a ``NarrowNaN`` payload.
  @inlinable var nanFormat: NarrowNaN.Format { mantissaBits == 7 ? .bfloat16 : .tfloat32 }

  /// The mantissa field mask of the format (in its own position, not `Float`'s).
  @inlinable var mantissaMask: UInt32 { (UInt32(1) << mantissaBits) &- 1 }

  /// The mantissa of the format's canonical quiet NaN (its top mantissa bit).
  @inlinable var canonicalNaNMantissa: UInt32 { UInt32(1) << (mantissaBits &- 1) }

  /// The `Float` bit pattern of the largest finite value.
  @inlinable var maxFiniteBits32: UInt32 { 0x7F7F_FFFF & keepMask }

  /// Rounds the `Float` with bit pattern `bits` to this format and returns the widened result's
  /// bit pattern (branch-free, so loops over it vectorize).
  @inlinable @inline(__always)
  func quantizeBits(_ bits: UInt32) -> UInt32 {
    let shift = droppedBits
    let lsb = (bits &>> shift) & 1
    let rounded = (bits &+ ((UInt32(1) << (shift &- 1)) &- 1) &+ lsb) & keepMask
    let a = bits & 0x7FFF_FFFF
    let nan = (bits & 0x8000_0000) | NarrowNaN.rounded(a, to: nanFormat, mask: mantissaMask)
    return a > 0x7F80_0000 ? nan : rounded
  }

  /// Rounds the `Float` with bit pattern `bits` to this format and returns the format's own
  /// pattern in `Float`'s position (the dropped bits zero): `quantizeBits`, except that a NaN
  /// becomes the format's NaN pattern (its tagged one, or the canonical `0x7FC0_0000`).
  @inlinable @inline(__always)
  func encodeBits(_ bits: UInt32) -> UInt32 {
    let a = bits & 0x7FFF_FFFF
    guard a > 0x7F80_0000 else { return quantizeBits(bits) }
    let m = NarrowNaN.mantissa(of: a, in: nanFormat, mask: mantissaMask, canonical: canonicalNaNMantissa)
    return (bits & 0x8000_0000) | 0x7F80_0000 | m << droppedBits
  }

  /// The `Float` bit pattern of the value a pattern of this format (in `Float`'s position; the
  /// dropped bits are ignored) stands for, NaNs tagged as ``NarrowNaN`` says.
  @inlinable @inline(__always)
  func decodeBits(_ wide: UInt32) -> UInt32 {
    let kept = wide & keepMask
    guard kept & 0x7FFF_FFFF > 0x7F80_0000 else { return kept }
    let m = (kept &>> droppedBits) & mantissaMask
    return (kept & 0x8000_0000) | NarrowNaN.magnitude(mantissa: m, canonical: canonicalNaNMantissa, format: nanFormat)
  }

  /// Rounds every element of `buffer` to this format in place.
  @inlinable @inline(__always)
  func quantize(_ buffer: UnsafeMutableBufferPointer<Float>) {
    transformBitPatterns(buffer) { quantizeBits($0) }
  }
}
