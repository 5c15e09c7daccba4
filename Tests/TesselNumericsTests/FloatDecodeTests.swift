import TesselIR
import TesselNumerics
import Testing

/// Every bit pattern of every narrow float format, decoded and re-encoded.
@Suite("Float decode: every bit pattern")
struct FloatDecodeTests {
  @Test(
    "decode matches the format definition for every pattern", arguments: ReferenceFloatFormat.all)
  func decodeEveryPattern(format: ReferenceFloatFormat) {
    var mismatches: [UInt32] = []
    for pattern in UInt32(0)..<UInt32(format.patternCount) {
      let decoded = format.dtype.decode(format.storage(pattern))
      let expected = format.value(pattern)
      let ok: Bool
      if expected.isNaN {
        ok = decoded.isNaN && (decoded.sign == .minus) == (pattern & format.signBit != 0)
      } else {
        // The reference value is exact in Double; every format value is exact in Float.
        ok = Double(decoded) == expected && decoded.sign == expected.sign
      }
      if !ok { mismatches.append(pattern) }
    }
    expectNoFailures(mismatches.map { String($0, radix: 16) })
  }

  @Test("quantize leaves every representable value unchanged", arguments: ReferenceFloatFormat.all)
  func representableValuesAreFixedPoints(format: ReferenceFloatFormat) {
    var mismatches: [UInt32] = []
    for pattern in UInt32(0)..<UInt32(format.patternCount) {
      let decoded = format.dtype.decode(format.storage(pattern))
      if !sameFloat(format.dtype.quantize(decoded), decoded) { mismatches.append(pattern) }
    }
    expectNoFailures(mismatches.map { String($0, radix: 16) })
  }

  @Test(
    "the positive values of each format are strictly increasing in pattern order",
    arguments: ReferenceFloatFormat.all)
  func referenceTableIsSorted(format: ReferenceFloatFormat) {
    #expect(ReferenceFloatFormat.Encoder(format).isSorted)
  }

  @Test("decode ignores bits above the dtype's width")
  func decodeIgnoresHighBits() {
    #expect(DType.bfloat16.decode(0xABCD_3F80) == 1)
    #expect(DType.float16.decode(0x1234_3C00) == 1)
    #expect(DType.float8e4m3.decode(0xFFFF_FF38) == 1)
    #expect(DType.float8e5m2.decode(0x0000_013C) == 1)
    #expect(DType.float8e4m3fn.decode(0x0000_0138) == 1)
    #expect(DType.tfloat32.decode(0x3F80_1FFF) == 1)
  }

  @Test("float32 encode and decode are the bit pattern")
  func float32IsTheIdentity() {
    for bits: UInt32 in [
      0, 0x8000_0000, 0x3F80_0000, 0x7F80_0000, 0xFF80_0000, 0x7FC0_1234, 0x0000_0001,
    ] {
      #expect(DType.float32.decode(bits).bitPattern == bits)
      #expect(DType.float32.encode(Float(bitPattern: bits)) == bits)
      #expect(DType.float32.quantize(Float(bitPattern: bits)).bitPattern == bits)
    }
  }

  @Test("NaN encodes as the canonical quiet NaN with its sign (as ml_dtypes)")
  func canonicalNaNPatterns() {
    let expectations: [(DType, UInt32, UInt32)] = [
      (.bfloat16, 0x7FC0, 0xFFC0), (.float16, 0x7E00, 0xFE00), (.float8e4m3, 0x7C, 0xFC),
      (.float8e5m2, 0x7E, 0xFE), (.float8e4m3fn, 0x7F, 0xFF), (.tfloat32, 0x7FC0_0000, 0xFFC0_0000),
    ]
    let payloadNaN = Float(bitPattern: 0x7F80_0001)  // signalling NaN with a low payload
    for (dtype, positive, negative) in expectations {
      #expect(dtype.encode(.nan) == positive, "\(dtype)")
      #expect(dtype.encode(-.nan) == negative, "\(dtype)")
      #expect(dtype.encode(payloadNaN) == positive, "\(dtype)")
      #expect(dtype.quantize(payloadNaN).bitPattern == 0x7FC0_0000, "\(dtype)")
      #expect(dtype.quantize(-Float.nan).bitPattern == 0xFFC0_0000, "\(dtype)")
    }
  }
}
