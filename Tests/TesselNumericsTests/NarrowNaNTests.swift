import TesselIR
import TesselNumerics
import Testing

/// Narrow-float NaN bit patterns held in fp32 elements (``NarrowNaN``): every pattern of every
/// narrow format survives decode → encode, bulk and scalar, and rounding to its own format;
/// conversions between formats and arithmetic results give NaNs, never a payload from elsewhere.
///
/// The oracle is the format definition in ``ReferenceFloatFormat`` (which patterns are NaN) and
/// the raw pattern itself (what must come back).
@Suite("Narrow NaN patterns through fp32 elements")
struct NarrowNaNTests {
  /// The canonical positive NaN pattern of each format, as `ml_dtypes` writes it.
  static let canonical: [DType: UInt32] = [
    .bfloat16: 0x7FC0, .float16: 0x7E00, .float8e4m3: 0x7C, .float8e5m2: 0x7E, .float8e4m3fn: 0x7F,
    .tfloat32: 0x7FC0_0000,
  ]

  @Test("encode(decode(p)) == p for every pattern, NaNs included", arguments: ReferenceFloatFormat.all)
  func scalarRoundTrip(format: ReferenceFloatFormat) {
    var bad: [String] = []
    for pattern in UInt32(0)..<UInt32(format.patternCount) {
      let word = format.storage(pattern)
      let x = format.dtype.decode(word)
      if format.dtype.encode(x) != word { bad.append(String(pattern, radix: 16)) }
      // A NaN pattern is a NaN with its sign; the canonical one is fp32's canonical NaN.
      if format.isNaN(pattern) {
        let sign: UInt32 = pattern & format.signBit != 0 ? 0x8000_0000 : 0
        let isCanonical = word & ~(format.signBit << UInt32(format.storageShift)) == Self.canonical[format.dtype]
        if !x.isNaN || x.bitPattern & 0x8000_0000 != sign
          || (isCanonical && x.bitPattern != sign | 0x7FC0_0000)
        {
          bad.append("NaN " + String(pattern, radix: 16))
        }
      }
    }
    expectNoFailures(bad, "\(format)")
  }

  @Test("quantize keeps every decoded pattern bit for bit (scalar and bulk)", arguments: ReferenceFloatFormat.all)
  func quantizeIsExact(format: ReferenceFloatFormat) {
    let decoded = (UInt32(0)..<UInt32(format.patternCount)).map { format.dtype.decode(format.storage($0)) }
    var bulk = decoded
    bulk.withUnsafeMutableBufferPointer { format.dtype.quantize($0) }
    var bad: [String] = []
    for (i, x) in decoded.enumerated() {
      if format.dtype.quantize(x).bitPattern != x.bitPattern { bad.append("scalar \(String(i, radix: 16))") }
      if bulk[i].bitPattern != x.bitPattern { bad.append("bulk \(String(i, radix: 16))") }
    }
    expectNoFailures(bad, "\(format)")
  }

  @Test("bulk decode then bulk encode gives back every byte (8- and 16-bit formats)")
  func bulkRoundTrip() {
    for dtype: DType in [.bfloat16, .float16, .float8e4m3, .float8e5m2, .float8e4m3fn] {
      let size = dtype.byteSize
      let count = 1 << (8 * size)
      // Every pattern, little-endian, one byte off alignment.
      var raw = [UInt8](repeating: 0, count: 1 + count * size)
      for p in 0..<count {
        for b in 0..<size { raw[1 + p * size + b] = UInt8(truncatingIfNeeded: p >> (8 * b)) }
      }
      var values = [Float](repeating: 0, count: count)
      var back = [UInt8](repeating: 0xAA, count: raw.count)
      raw.withUnsafeBytes { r in
        values.withUnsafeMutableBufferPointer { v in
          if let base = r.baseAddress { dtype.decode(base + 1, into: v) }
        }
      }
      back.withUnsafeMutableBytes { w in
        values.withUnsafeBufferPointer { v in
          if let base = w.baseAddress { dtype.encode(v, into: base + 1) }
        }
      }
      let bad = (0..<count).filter { p in
        (0..<size).contains { raw[1 + p * size + $0] != back[1 + p * size + $0] }
      }
      expectNoFailures(bad.map { String($0, radix: 16) }, "\(dtype)")
    }
  }

  @Test("a NaN pattern of one format becomes the canonical NaN of every other (sign kept)")
  func crossFormat() {
    for source in ReferenceFloatFormat.all {
      for target in ReferenceFloatFormat.all where target.dtype != source.dtype {
        var bad: [String] = []
        for pattern in UInt32(0)..<UInt32(source.patternCount) where source.isNaN(pattern) {
          let x = source.dtype.decode(source.storage(pattern))
          let negative = pattern & source.signBit != 0
          let expected =
            (Self.canonical[target.dtype] ?? 0)
            | (negative ? target.signBit << UInt32(target.storageShift) : 0)
          let rounded = target.dtype.quantize(x).bitPattern
          if target.dtype.encode(x) != expected || rounded != (negative ? 0xFFC0_0000 : 0x7FC0_0000) {
            bad.append(String(pattern, radix: 16))
          }
        }
        expectNoFailures(bad, "\(source) → \(target)")
      }
    }
  }

  @Test("fp32 NaNs that no narrow format tagged encode as the canonical NaN")
  func untaggedNaNs() {
    // The canonical NaN, the never-written pattern, a signalling NaN, a payload with the marker
    // bit but no format, and tags whose mantissa does not fit (or is zero in) the format.
    let words: [UInt32] = [
      0x7FC0_0000, 0x7FDE_AD00, 0x7F80_0001, 0x7FE0_0005, 0x7FE4_03FF, 0x7FE4_0000, 0x7FE1_0100,
      0x7FE3_0000, 0xFFE5_0004,
    ]
    for format in ReferenceFloatFormat.all {
      for word in words {
        let x = Float(bitPattern: word)
        let sign = word & 0x8000_0000 != 0 ? format.signBit << UInt32(format.storageShift) : 0
        #expect(format.dtype.encode(x) == sign | (Self.canonical[format.dtype] ?? 0), "\(format) \(word)")
        #expect(format.dtype.quantize(x).bitPattern == word & 0x8000_0000 | 0x7FC0_0000, "\(format) \(word)")
      }
    }
  }

  @Test("arithmetic on a decoded NaN pattern gives a NaN of the format; float32 keeps payloads")
  func arithmetic() {
    for format in ReferenceFloatFormat.all {
      var bad: [String] = []
      for pattern in UInt32(0)..<UInt32(format.patternCount) where format.isNaN(pattern) {
        let x = format.dtype.decode(format.storage(pattern))
        for y in [x * 2, x + 1, 1 - x, x / 3] {
          let back = format.dtype.encode(y) >> UInt32(format.storageShift)
          if !y.isNaN || !format.isNaN(back) { bad.append(String(pattern, radix: 16)) }
        }
        if DType.float32.quantize(x).bitPattern != x.bitPattern { bad.append("fp32 " + String(pattern, radix: 16)) }
      }
      expectNoFailures(bad, "\(format)")
    }
  }
}
