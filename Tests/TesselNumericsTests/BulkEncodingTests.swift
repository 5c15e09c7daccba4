import TesselIR
import TesselNumerics
import Testing

/// `DType.decode(_:into:)` and `encode(_:into:)` on buffers must equal the scalar `decode(_:)` and
/// `encode(_:)` on every element, at any alignment of the raw bytes.
@Suite("Bulk encode and decode equal the scalar forms")
struct BulkEncodingTests {
  /// Raw patterns: every one for 8- and 16-bit dtypes, the bit patterns of the quantize test's
  /// inputs (specials, ties, subnormals, saturation) for 32-bit ones.
  static func patterns(_ dtype: DType) -> [UInt32] {
    switch dtype.byteSize {
    case 1: return (0..<256).map { UInt32($0) }
    case 2: return (0..<65536).map { UInt32($0) }
    default: return BulkQuantizeTests.inputs.map(\.bitPattern)
    }
  }

  @Test(arguments: DType.allCases)
  func decodeMatchesScalar(_ dtype: DType) {
    let values = Self.patterns(dtype)
    let size = dtype.byteSize
    // One byte of offset, so the loads are unaligned.
    var raw = [UInt8](repeating: 0, count: 1 + values.count * size)
    for (i, v) in values.enumerated() {
      for b in 0..<size { raw[1 + i * size + b] = UInt8(truncatingIfNeeded: v >> UInt32(8 * b)) }
    }
    var out = [Float](repeating: 0, count: values.count)
    raw.withUnsafeBytes { r in
      out.withUnsafeMutableBufferPointer { o in
        if let base = r.baseAddress { dtype.decode(base + 1, into: o) }
      }
    }
    var bad: [UInt32] = []
    for (i, v) in values.enumerated() where out[i].bitPattern != dtype.decode(v).bitPattern { bad.append(v) }
    #expect(bad.isEmpty, "\(dtype): \(bad.prefix(8).map { String($0, radix: 16) })")
  }

  @Test(arguments: DType.allCases)
  func encodeMatchesScalar(_ dtype: DType) {
    let values = BulkQuantizeTests.inputs
    let size = dtype.byteSize
    var raw = [UInt8](repeating: 0xAA, count: 1 + values.count * size + 1)
    raw.withUnsafeMutableBytes { r in
      values.withUnsafeBufferPointer { v in
        if let base = r.baseAddress { dtype.encode(v, into: base + 1) }
      }
    }
    var bad: [Float] = []
    for (i, x) in values.enumerated() {
      var bits: UInt32 = 0
      for b in 0..<size { bits |= UInt32(raw[1 + i * size + b]) << UInt32(8 * b) }
      let mask: UInt32 = size == 4 ? .max : (1 << UInt32(8 * size)) - 1
      if bits != dtype.encode(x) & mask { bad.append(x) }
    }
    #expect(bad.isEmpty, "\(dtype): \(bad.prefix(8))")
    // Nothing written outside the elements.
    #expect(raw.first == 0xAA && raw.last == 0xAA)
  }
}
