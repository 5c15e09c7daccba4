import TesselIR

extension DType {
  /// Decodes `out.count` elements of this dtype from raw little-endian bytes (`byteSize` bytes
  /// each, any alignment) into `out`.
  ///
  /// Element for element the result is bit-identical to ``decode(_:)``; each dtype has its own
  /// loop, so the common ones (`float32`, `bfloat16`, 8- and 16-bit integers) vectorize. This is
  /// how host arrays enter simulated memory.
  ///
  /// - Parameters:
  ///   - raw: The first byte of the first element.
  ///   - out: Where the values go.
  public func decode(_ raw: UnsafeRawPointer, into out: UnsafeMutableBufferPointer<Float>) {
    guard let dst = out.baseAddress else { return }
    let n = out.count
    switch self {
    case .float32: UnsafeMutableRawPointer(dst).copyMemory(from: raw, byteCount: n * 4)
    case .bfloat16:
      LittleEndian.decode(raw, as: UInt16.self, count: n, into: dst) {
        Float(bitPattern: TruncatedFloat32Format.bfloat16.decodeBits(UInt32($0) << 16))
      }
    case .int8: LittleEndian.decode(raw, as: Int8.self, count: n, into: dst) { Float($0) }
    case .uint8: LittleEndian.decode(raw, as: UInt8.self, count: n, into: dst) { Float($0) }
    case .bool: LittleEndian.decode(raw, as: UInt8.self, count: n, into: dst) { $0 != 0 ? 1 : 0 }
    case .int16: LittleEndian.decode(raw, as: Int16.self, count: n, into: dst) { Float($0) }
    case .uint16: LittleEndian.decode(raw, as: UInt16.self, count: n, into: dst) { Float($0) }
    case .int32: LittleEndian.decode(raw, as: Int32.self, count: n, into: dst) { Float($0) }
    case .uint32: LittleEndian.decode(raw, as: UInt32.self, count: n, into: dst) { Float($0) }
    case .tfloat32: LittleEndian.decode(raw, as: UInt32.self, count: n, into: dst) { decode($0) }
    case .float16: LittleEndian.decode(raw, as: UInt16.self, count: n, into: dst) { Float16Format.decode(UInt32($0)) }
    case .float8e4m3:
      LittleEndian.decode(raw, as: UInt8.self, count: n, into: dst) { Float8E4M3Format.decode(UInt32($0)) }
    case .float8e5m2:
      LittleEndian.decode(raw, as: UInt8.self, count: n, into: dst) { Float8E5M2Format.decode(UInt32($0)) }
    case .float8e4m3fn:
      LittleEndian.decode(raw, as: UInt8.self, count: n, into: dst) { Float8E4M3FNFormat.decode(UInt32($0)) }
    }
  }

  /// Encodes `values` as raw little-endian bytes of this dtype (`byteSize` bytes each, any
  /// alignment) at `raw`.
  ///
  /// Element for element the result is bit-identical to ``encode(_:)`` (values are rounded to the
  /// dtype on the way); `float32` is a plain copy and `bfloat16` a branch-free loop that
  /// vectorizes. This is how results leave simulated memory for host arrays.
  ///
  /// - Parameters:
  ///   - values: The values.
  ///   - raw: Where the first byte of the first element goes.
  public func encode(_ values: UnsafeBufferPointer<Float>, into raw: UnsafeMutableRawPointer) {
    guard let src = values.baseAddress else { return }
    let n = values.count
    switch byteSize {
    case 4 where self == .float32:
      raw.copyMemory(from: src, byteCount: n * 4)
    case 4:
      for i in 0..<n { raw.storeBytes(of: encode(src[i]).littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
    case 2 where self == .bfloat16:
      for i in 0..<n {
        let bits = TruncatedFloat32Format.bfloat16.encodeBits(src[i].bitPattern) &>> 16
        raw.storeBytes(of: UInt16(truncatingIfNeeded: bits).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
      }
    case 2:
      for i in 0..<n {
        raw.storeBytes(
          of: UInt16(truncatingIfNeeded: encode(src[i])).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
      }
    default:
      for i in 0..<n { raw.storeBytes(of: UInt8(truncatingIfNeeded: encode(src[i])), toByteOffset: i, as: UInt8.self) }
    }
  }
}
