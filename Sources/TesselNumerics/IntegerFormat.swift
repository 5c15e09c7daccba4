import TesselIR

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

  /// The range of an integer dtype; nil for a float dtype and for `bool` (which rounds any
  /// nonzero value to 1 rather than to the nearest integer).
  ///
  /// `int32` and `uint32` end at `2^31` and `2^32`, the nearest floats to `Int32.max` and
  /// `UInt32.max`.
  @inlinable init?(_ dtype: DType) {
    switch dtype {
    case .int8: self.init(lowest: -128, highest: 127)
    case .int16: self.init(lowest: -32768, highest: 32767)
    case .int32: self.init(lowest: -2_147_483_648, highest: 2_147_483_648)
    case .uint8: self.init(lowest: 0, highest: 255)
    case .uint16: self.init(lowest: 0, highest: 65535)
    case .uint32: self.init(lowest: 0, highest: 4_294_967_296)
    case .float32, .bfloat16, .tfloat32, .float16, .float8e4m3, .float8e5m2, .float8e4m3fn, .bool: return nil
    }
  }

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
