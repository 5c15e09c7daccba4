/// The range of an integer dtype, and the fp32 → integer conversion used on write: round to
/// nearest even, saturate to the range, NaN → 0.
///
/// Values are kept as `Float`, so the result is the rounded, saturated integer widened back to
/// `Float`. Negative zero becomes `+0`. For `int32` and `uint32` the upper bound is
/// `Float(Int32.max) == 2^31` and `Float(UInt32.max) == 2^32` (the nearest floats); `encode`
/// maps those to `Int32.max` and `UInt32.max`.
@usableFromInline
struct IntegerFormat: Sendable {
  /// The smallest value, as a `Float`.
  @usableFromInline let lowest: Float
  /// The largest value, as a `Float` (rounded to nearest for 32-bit types).
  @usableFromInline let highest: Float

  /// The range `[lowest, highest]`.
  @inlinable init(lowest: Float, highest: Float) {
    self.lowest = lowest
    self.highest = highest
  }

  /// `int8`: [-128, 127].
  @inlinable static var int8: IntegerFormat { IntegerFormat(lowest: -128, highest: 127) }
  /// `int16`: [-32768, 32767].
  @inlinable static var int16: IntegerFormat { IntegerFormat(lowest: -32768, highest: 32767) }
  /// `int32`: [-2^31, 2^31 - 1], whose upper end is `2^31` as a `Float`.
  @inlinable static var int32: IntegerFormat {
    IntegerFormat(lowest: -2_147_483_648, highest: 2_147_483_648)
  }
  /// `uint8`: [0, 255].
  @inlinable static var uint8: IntegerFormat { IntegerFormat(lowest: 0, highest: 255) }
  /// `uint16`: [0, 65535].
  @inlinable static var uint16: IntegerFormat { IntegerFormat(lowest: 0, highest: 65535) }
  /// `uint32`: [0, 2^32 - 1], whose upper end is `2^32` as a `Float`.
  @inlinable static var uint32: IntegerFormat { IntegerFormat(lowest: 0, highest: 4_294_967_296) }

  /// `2^23`: every `Float` at or above it is an integer, and adding then subtracting it rounds a
  /// smaller magnitude to an integer with round-to-nearest-even.
  ///
  /// This avoids a libm `rint` call,
  /// so loops vectorize on baseline x86-64 (which has no `roundps`).
  @inlinable static var roundingMagic: Float { 8_388_608 }

  /// Rounds, saturates and returns `x` as this integer type's value (NaN → 0, -0 → +0).
  @inlinable @inline(__always)
  func quantize(_ x: Float) -> Float {
    let magnitude = x.magnitude
    let roundedMagnitude =
      magnitude < IntegerFormat.roundingMagic
      ? (magnitude + IntegerFormat.roundingMagic) - IntegerFormat.roundingMagic : magnitude
    var r = x < 0 ? -roundedMagnitude : roundedMagnitude
    r = r < lowest ? lowest : r
    r = r > highest ? highest : r
    r = x.isNaN ? 0 : r
    return r + 0  // -0 + 0 == +0
  }

  /// Rounds every element of `buffer` to this integer type in place.
  @inlinable @inline(__always)
  func quantize(_ buffer: UnsafeMutableBufferPointer<Float>) {
    transformElements(buffer) { quantize($0) }
  }
}
