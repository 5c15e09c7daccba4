import TesselIR
import TesselNumerics
import TesselTestSupportCore
import Testing

/// Rounding fp32 values to the narrow float formats, against the reference encoder.
@Suite("Float encode: rounding fp32 to narrow formats")
struct FloatEncodeTests {
  /// Checks `encode`, `quantize` and `decode(encode)` of `x` against the reference encoder.
  static func check(
    _ x: Float, _ format: ReferenceFloatFormat, _ encoder: ReferenceFloatFormat.Encoder
  )
    -> Bool
  {
    let dtype = format.dtype
    let word = dtype.encode(x)
    let quantized = dtype.quantize(x)
    let roundTripped = dtype.decode(word)
    guard let expected = encoder.encode(x) else {
      // NaN in, NaN out, sign kept.
      return format.isNaN(word >> UInt32(format.storageShift)) && quantized.isNaN
        && roundTripped.isNaN && quantized.sign == x.sign
    }
    let expectedValue = format.value(expected)
    let expectedFloat = Float(expectedValue)
    if format.isNaN(expected) {
      return format.isNaN(word >> UInt32(format.storageShift)) && quantized.isNaN
        && roundTripped.isNaN && quantized.sign == x.sign
    }
    return word == format.storage(expected) && sameFloat(quantized, expectedFloat)
      && sameFloat(roundTripped, expectedFloat)
  }

  @Test(
    "every tie rounds to the even mantissa; a tie's neighbours round to the nearer value",
    arguments: ReferenceFloatFormat.all)
  func everyTie(format: ReferenceFloatFormat) {
    let encoder = ReferenceFloatFormat.Encoder(format)
    let values = encoder.values
    var failures: [Float] = []
    // All adjacent pairs (every pair of fp8/fp16/bf16; for tf32 a strided subset of its 261,120).
    let stride = format.dtype == .tfloat32 ? 97 : 1
    var i = 0
    while i + 1 < values.count {
      let tie = Float((values[i] + values[i + 1]) / 2)
      if Double(tie) != (values[i] + values[i + 1]) / 2 { failures.append(tie) }  // must be exact
      for x in [tie, tie.nextUp, tie.nextDown, -tie, -tie.nextUp]
      where !FloatEncodeTests.check(x, format, encoder) {
        failures.append(x)
      }
      let evenIsUpper = encoder.patterns[i + 1] & 1 == 0
      let expected = Float(evenIsUpper ? values[i + 1] : values[i])
      if format.dtype.quantize(tie) != expected { failures.append(tie) }
      if format.dtype.quantize(tie.nextUp) != Float(values[i + 1]) { failures.append(tie.nextUp) }
      if format.dtype.quantize(tie.nextDown) != Float(values[i]) { failures.append(tie.nextDown) }
      i += stride
    }
    expectNoFailures(failures.map { ($0, $0.bitPattern) })
  }

  @Test("worked tie examples")
  func tieExamples() {
    // bfloat16 keeps 8 significant bits: around 1.0 the ulp is 2^-7.
    #expect(DType.bfloat16.quantize(1 + 0x1p-8) == 1)  // tie, 1.0 is even
    #expect(DType.bfloat16.quantize(1 + 3 * 0x1p-8) == 1 + 0x1p-6)  // tie, 1+2^-6 is even
    #expect(DType.bfloat16.quantize((1 + 0x1p-8).nextUp) == 1 + 0x1p-7)
    // float16 keeps 11 significant bits.
    #expect(DType.float16.quantize(2049) == 2048)  // tie between 2048 and 2050
    #expect(DType.float16.quantize(2051) == 2052)  // tie between 2050 and 2052
    // tfloat32 keeps 11 significant bits, with fp32's exponent range.
    #expect(DType.tfloat32.quantize(1 + 0x1p-11) == 1)
    #expect(DType.tfloat32.quantize(1 + 3 * 0x1p-11) == 1 + 0x1p-9)
    #expect(DType.tfloat32.quantize(0x1p100 * (1 + 0x1p-11)) == 0x1p100)
    // fp8: 1.0625 is halfway between 1.0 and 1.125 (e4m3);
    // 1.125 is halfway between 1.0 and 1.25 (e5m2).
    #expect(DType.float8e4m3.quantize(1.0625) == 1)
    #expect(DType.float8e4m3.quantize(1.1875) == 1.25)
    #expect(DType.float8e4m3fn.quantize(1.0625) == 1)
    #expect(DType.float8e5m2.quantize(1.125) == 1)
    #expect(DType.float8e5m2.quantize(1.375) == 1.5)
    #expect(DType.float8e5m2.quantize(-1.375) == -1.5)
  }

  @Test("signed zeros keep their sign")
  func signedZeros() {
    for format in ReferenceFloatFormat.all {
      #expect(format.dtype.quantize(0).bitPattern == 0, "\(format)")
      #expect(format.dtype.quantize(-0.0).bitPattern == 0x8000_0000, "\(format)")
      #expect(format.dtype.encode(0) == 0, "\(format)")
      #expect(format.dtype.encode(-0.0) == format.storage(format.signBit), "\(format)")
    }
  }

  /// Per-format constants written from the format definitions: largest finite value, smallest
  /// and largest subnormal, smallest normal, and the overflow threshold `max + ulp/2`.
  struct Landmarks: Sendable, CustomStringConvertible {
    let dtype: DType
    let maxFinite: Float
    let maxPattern: UInt32
    let minSubnormal: Float
    let maxSubnormal: Float
    let maxSubnormalPattern: UInt32
    let minNormal: Float
    let minNormalPattern: UInt32
    let overflowThreshold: Float
    /// Whether the exact threshold overflows (true when the largest value has an odd mantissa).
    let thresholdOverflows: Bool
    var description: String { dtype.nkiName }
  }

  static let landmarks: [Landmarks] = [
    Landmarks(
      dtype: .float16, maxFinite: 65504, maxPattern: 0x7BFF, minSubnormal: 0x1p-24,
      maxSubnormal: 1023 * 0x1p-24, maxSubnormalPattern: 0x03FF, minNormal: 0x1p-14,
      minNormalPattern: 0x0400, overflowThreshold: 65520, thresholdOverflows: true),
    Landmarks(
      dtype: .bfloat16, maxFinite: 255 * 0x1p120, maxPattern: 0x7F7F, minSubnormal: 0x1p-133,
      maxSubnormal: 127 * 0x1p-133, maxSubnormalPattern: 0x007F, minNormal: 0x1p-126,
      minNormalPattern: 0x0080, overflowThreshold: 511 * 0x1p119, thresholdOverflows: true),
    Landmarks(
      dtype: .tfloat32, maxFinite: 2047 * 0x1p117, maxPattern: 0x7F7F_E000, minSubnormal: 0x1p-136,
      maxSubnormal: 1023 * 0x1p-136, maxSubnormalPattern: 0x007F_E000, minNormal: 0x1p-126,
      minNormalPattern: 0x0080_0000, overflowThreshold: 4095 * 0x1p116, thresholdOverflows: true),
    Landmarks(
      dtype: .float8e4m3, maxFinite: 240, maxPattern: 0x77, minSubnormal: 0x1p-9,
      maxSubnormal: 7 * 0x1p-9, maxSubnormalPattern: 0x07, minNormal: 0x1p-6,
      minNormalPattern: 0x08, overflowThreshold: 248, thresholdOverflows: true),
    Landmarks(
      dtype: .float8e5m2, maxFinite: 57344, maxPattern: 0x7B, minSubnormal: 0x1p-16,
      maxSubnormal: 3 * 0x1p-16, maxSubnormalPattern: 0x03, minNormal: 0x1p-14,
      minNormalPattern: 0x04, overflowThreshold: 61440, thresholdOverflows: true),
    Landmarks(
      dtype: .float8e4m3fn, maxFinite: 448, maxPattern: 0x7E, minSubnormal: 0x1p-9,
      maxSubnormal: 7 * 0x1p-9, maxSubnormalPattern: 0x07, minNormal: 0x1p-6,
      minNormalPattern: 0x08, overflowThreshold: 464, thresholdOverflows: false),
  ]

  @Test("largest finite value, subnormals and smallest normal", arguments: landmarks)
  func landmarkValues(_ l: Landmarks) {
    let d = l.dtype
    #expect(d.maxFinite == l.maxFinite)
    #expect(d.minFinite == -l.maxFinite)
    #expect(d.encode(l.maxFinite) == l.maxPattern)
    #expect(d.decode(l.maxPattern) == l.maxFinite)
    #expect(d.encode(l.minSubnormal) == (d == .tfloat32 ? 0x2000 : 1))
    #expect(d.quantize(l.minSubnormal) == l.minSubnormal)
    #expect(d.quantize(-l.minSubnormal) == -l.minSubnormal)
    #expect(d.encode(l.maxSubnormal) == l.maxSubnormalPattern)
    #expect(d.decode(l.maxSubnormalPattern) == l.maxSubnormal)
    #expect(d.encode(l.minNormal) == l.minNormalPattern)
    // Between the largest subnormal and the smallest normal: a tie goes to the even minNormal.
    let tie = (l.maxSubnormal + l.minNormal) / 2
    #expect(d.quantize(tie) == l.minNormal)
    #expect(d.quantize(tie.nextDown) == l.maxSubnormal)
    // Underflow: half the smallest subnormal is a tie with zero (even) and rounds to zero.
    let half = l.minSubnormal / 2
    #expect(d.quantize(half).bitPattern == 0)
    #expect(d.quantize(-half).bitPattern == 0x8000_0000)
    #expect(d.quantize(half.nextUp) == l.minSubnormal)
    #expect(d.quantize(Float.leastNonzeroMagnitude).bitPattern == 0)
  }

  @Test("values just below and above the overflow threshold", arguments: landmarks)
  func overflowThreshold(_ l: Landmarks) {
    let d = l.dtype
    let overflowed: Float = d == .float8e4m3fn ? .nan : .infinity
    let t = l.overflowThreshold
    #expect(d.quantize(t.nextDown) == l.maxFinite)
    #expect(d.quantize(-t.nextDown) == -l.maxFinite)
    if l.thresholdOverflows {
      #expect(sameFloat(d.quantize(t), overflowed))
      #expect(sameFloat(d.quantize(-t), -overflowed))
    } else {
      #expect(d.quantize(t) == l.maxFinite)
      #expect(d.quantize(-t) == -l.maxFinite)
    }
    #expect(sameFloat(d.quantize(t.nextUp), overflowed))
    #expect(sameFloat(d.quantize(-t.nextUp), -overflowed))
    #expect(sameFloat(d.quantize(.greatestFiniteMagnitude), overflowed))
    #expect(sameFloat(d.quantize(.infinity), overflowed))
    #expect(sameFloat(d.quantize(-.infinity), -overflowed))
  }

  @Test("infinities: IEEE-like formats keep them, float8e4m3fn has none")
  func infinities() {
    #expect(DType.float16.encode(.infinity) == 0x7C00)
    #expect(DType.float16.encode(-.infinity) == 0xFC00)
    #expect(DType.bfloat16.encode(.infinity) == 0x7F80)
    #expect(DType.tfloat32.encode(-.infinity) == 0xFF80_0000)
    #expect(DType.float8e4m3.encode(.infinity) == 0x78)
    #expect(DType.float8e4m3.encode(-.infinity) == 0xF8)
    #expect(DType.float8e5m2.encode(.infinity) == 0x7C)
    #expect(DType.float8e4m3fn.encode(.infinity) == 0x7F)
    #expect(DType.float8e4m3fn.encode(-.infinity) == 0xFF)
    #expect(DType.float8e4m3fn.encode(500) == 0x7F)
    #expect(DType.float8e4m3fn.encode(-1e6) == 0xFF)
    #expect(DType.float8e4m3fn.decode(0x78) == 256)
    #expect(DType.float8e4m3.decode(0x78) == .infinity)
    #expect(DType.float8e4m3.decode(0xF8) == -.infinity)
    #expect(DType.bfloat16.quantize(.greatestFiniteMagnitude) == .infinity)
    #expect(DType.tfloat32.quantize(.greatestFiniteMagnitude) == .infinity)
  }

  @Test(
    "random sweep: quantize == decode(encode) == nearest reference value",
    arguments: ReferenceFloatFormat.all)
  func randomSweep(format: ReferenceFloatFormat) {
    let encoder = ReferenceFloatFormat.Encoder(format)
    var generator = SeededGenerator(seed: 0x7E55E1 &+ UInt64(format.bitWidth))
    let maxExponent = Int(encoder.virtualNext.exponent)
    let minExponent = 1 - format.bias - format.mantissaBits - 2
    var failures: [Float] = []
    for i in 0..<100_000 {
      let x: Float
      if i % 2 == 0 {
        // Any fp32 bit pattern (NaNs, infinities, fp32 subnormals included).
        x = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))
      } else {
        // A value in (or just around) the format's range, with random low bits.
        let exponent = Int.random(in: minExponent...(maxExponent + 1), using: &generator)
        let significand = Float(
          bitPattern: 0x3F80_0000 | UInt32.random(in: 0..<0x80_0000, using: &generator))
        let magnitude = Float(sign: .plus, exponent: exponent, significand: significand)
        x = Bool.random(using: &generator) ? -magnitude : magnitude
      }
      if !FloatEncodeTests.check(x, format, encoder) { failures.append(x) }
    }
    expectNoFailures(failures.map { ($0, $0.bitPattern) })
  }
}
