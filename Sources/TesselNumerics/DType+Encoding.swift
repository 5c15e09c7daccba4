import TesselIR

extension DType {
  /// Encodes an fp32 value as this dtype's raw bit pattern, in the low `byteSize * 8` bits.
  ///
  /// The value is rounded exactly as `quantize(_:)` rounds it (round-to-nearest-even, the same
  /// overflow rules), so `decode(encode(x))` equals `quantize(x)` for every `x` (NaN stays NaN).
  /// This is what `.npy` files and other byte-level I/O use.
  ///
  /// - Float dtypes: the IEEE-style pattern. A NaN that `decode` produced from a pattern of this
  ///   dtype encodes back to that pattern (``NarrowNaN``); any other NaN encodes as the canonical
  ///   quiet NaN with the input's sign (`0x7FC0` bfloat16, `0x7E00` float16, `0x7C` float8e4m3,
  ///   `0x7E` float8e5m2, `0x7F` float8e4m3fn), matching `ml_dtypes`. `float32` returns
  ///   `x.bitPattern` unchanged;
  ///   `tfloat32` returns a 32-bit pattern whose low 13 bits are zero.
  /// - Integer dtypes: the two's complement of the rounded, saturated value (NaN → 0), truncated
  ///   to the type's width; `int32`/`uint32` saturate to `Int32.max`/`UInt32.max` exactly.
  /// - `bool`: 1 for nonzero (NaN included), 0 for zero.
  ///
  /// ```swift
  /// DType.bfloat16.encode(1.0)        // 0x3F80
  /// DType.float8e4m3fn.encode(-448)   // 0xFE
  /// DType.int8.encode(-1)             // 0xFF
  /// DType.int32.encode(3e9)           // 0x7FFF_FFFF
  /// ```
  ///
  /// - Parameter x: The fp32 value to encode.
  /// - Returns: The bit pattern, zero-extended to 32 bits.
  public func encode(_ x: Float) -> UInt32 {
    switch self {
    case .float32: return x.bitPattern
    case .tfloat32: return TruncatedFloat32Format.tfloat32.encodeBits(x.bitPattern)
    case .bfloat16: return TruncatedFloat32Format.bfloat16.encodeBits(x.bitPattern) &>> 16
    case .float16: return Float16Format.encode(x)
    case .float8e4m3: return Float8E4M3Format.encode(x)
    case .float8e5m2: return Float8E5M2Format.encode(x)
    case .float8e4m3fn: return Float8E4M3FNFormat.encode(x)
    case .bool: return x != 0 ? 1 : 0
    case .int8, .int16, .int32:
      let value = quantize(x)
      let integer: Int32 = value >= 2_147_483_648 ? .max : Int32(value)
      let mask: UInt32 = byteSize == 4 ? .max : (1 << (UInt32(byteSize) * 8)) - 1
      return UInt32(bitPattern: integer) & mask
    case .uint8, .uint16, .uint32:
      let value = quantize(x)
      return value >= 4_294_967_296 ? .max : UInt32(value)
    }
  }

  /// Decodes a raw bit pattern of this dtype (in the low `byteSize * 8` bits) to a `Float`.
  ///
  /// Exact for every pattern of every float dtype (`encode(decode(p)) == p`, NaNs included);
  /// higher bits are ignored. A canonical NaN pattern decodes to the quiet NaN
  /// `sign | 0x7FC0_0000`, any other NaN pattern to a quiet NaN carrying it (``NarrowNaN``;
  /// `float32` keeps its payload as it is). For
  /// `tfloat32` the low 13 bits are ignored. Integer patterns are read as two's complement
  /// (signed types) or unsigned, then widened to `Float` (rounded to nearest above 2^24, a
  /// known limitation of storing `int32`/`uint32` as `Float`). A nonzero `bool` byte decodes
  /// to 1.
  ///
  /// ```swift
  /// DType.bfloat16.decode(0x3F80)    // 1.0
  /// DType.float8e4m3.decode(0x78)    // +infinity
  /// DType.float8e4m3fn.decode(0x78)  // 256.0
  /// DType.int16.decode(0xFFFF)       // -1.0
  /// ```
  ///
  /// - Parameter bits: The pattern, in the low `byteSize * 8` bits.
  /// - Returns: The value the pattern represents.
  public func decode(_ bits: UInt32) -> Float {
    switch self {
    case .float32: return Float(bitPattern: bits)
    case .tfloat32: return Float(bitPattern: TruncatedFloat32Format.tfloat32.decodeBits(bits))
    case .bfloat16: return Float(bitPattern: TruncatedFloat32Format.bfloat16.decodeBits((bits & 0xFFFF) << 16))
    case .float16: return Float16Format.decode(bits & 0xFFFF)
    case .float8e4m3: return Float8E4M3Format.decode(bits & 0xFF)
    case .float8e5m2: return Float8E5M2Format.decode(bits & 0xFF)
    case .float8e4m3fn: return Float8E4M3FNFormat.decode(bits & 0xFF)
    case .bool: return bits & 0xFF != 0 ? 1 : 0
    case .int8: return Float(Int8(truncatingIfNeeded: bits))
    case .int16: return Float(Int16(truncatingIfNeeded: bits))
    case .int32: return Float(Int32(bitPattern: bits))
    case .uint8: return Float(bits & 0xFF)
    case .uint16: return Float(bits & 0xFFFF)
    case .uint32: return Float(bits)
    }
  }
}
