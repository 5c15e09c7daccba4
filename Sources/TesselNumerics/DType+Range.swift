import TesselIR

extension DType {
  /// The largest finite value of this dtype, as a `Float`.
  ///
  /// Float dtypes: 65504 (`float16`), 240 (`float8e4m3`), 57344 (`float8e5m2`), 448
  /// (`float8e4m3fn`), `0x7F7F0000` ≈ 3.3895e38 (`bfloat16`), `0x7F7FE000` (`tfloat32`) and
  /// `Float.greatestFiniteMagnitude`. Integer dtypes: the type's maximum widened to `Float`, so
  /// `int32` gives `2^31` and `uint32` gives `2^32` (the nearest floats to `Int32.max` and
  /// `UInt32.max`). `bool`: 1.
  public var maxFinite: Float {
    switch self {
    case .float32: .greatestFiniteMagnitude
    case .tfloat32: Float(bitPattern: TruncatedFloat32Format.tfloat32.maxFiniteBits32)
    case .bfloat16: Float(bitPattern: TruncatedFloat32Format.bfloat16.maxFiniteBits32)
    case .float16: Float(bitPattern: Float16Format.maxFiniteBits32)
    case .float8e4m3: Float(bitPattern: Float8E4M3Format.maxFiniteBits32)
    case .float8e5m2: Float(bitPattern: Float8E5M2Format.maxFiniteBits32)
    case .float8e4m3fn: Float(bitPattern: Float8E4M3FNFormat.maxFiniteBits32)
    case .int8, .int16, .int32, .uint8, .uint16, .uint32, .bool: IntegerFormat(self)?.highest ?? 1  // bool: 1
    }
  }

  /// The lowest (most negative) finite value of this dtype, as a `Float`.
  ///
  /// `-maxFinite` for float dtypes (`nl.fp32.min` is `0xFF7FFFFF`); the type's minimum for
  /// integer dtypes (`-2^31` for `int32`, 0 for unsigned types and `bool`).
  public var minFinite: Float {
    if let integer = IntegerFormat(self) { return integer.lowest }
    return self == .bool ? 0 : -maxFinite
  }
}
