import TesselIR
import TesselNumerics
import TesselTestSupportCore
import Testing

/// fp32 → integer conversion: round half to even, saturate, NaN → 0; and the bool dtype.
@Suite("Integer conversions")
struct IntegerConversionTests {
  /// An integer dtype with its range written out independently of the implementation.
  struct IntegerCase: Sendable, CustomStringConvertible {
    let dtype: DType
    let min: Double
    let max: Double
    var description: String { dtype.nkiName }
  }

  static let cases: [IntegerCase] = [
    IntegerCase(dtype: .int8, min: -128, max: 127),
    IntegerCase(dtype: .int16, min: -32768, max: 32767),
    IntegerCase(dtype: .int32, min: -2_147_483_648, max: 2_147_483_647),
    IntegerCase(dtype: .uint8, min: 0, max: 255),
    IntegerCase(dtype: .uint16, min: 0, max: 65535),
    IntegerCase(dtype: .uint32, min: 0, max: 4_294_967_295),
  ]

  /// Round half to even, then clamp to `[min, max]`, NaN → 0, as a `Double`.
  static func reference(_ x: Float, _ c: IntegerCase) -> Double {
    if x.isNaN { return 0 }
    let v = Double(x)
    let floor = v.rounded(.down)
    let fraction = v - floor
    var r: Double
    if fraction > 0.5 {
      r = floor + 1
    } else if fraction < 0.5 {
      r = floor
    } else {
      r = floor.truncatingRemainder(dividingBy: 2) == 0 ? floor : floor + 1
    }
    if r < c.min { r = c.min }
    if r > c.max { r = c.max }
    return r
  }

  @Test("ties round to even: 2.5 → 2, 3.5 → 4, -2.5 → -2")
  func tiesToEven() {
    for dtype: DType in [.int8, .int16, .int32] {
      #expect(dtype.quantize(2.5) == 2)
      #expect(dtype.quantize(3.5) == 4)
      #expect(dtype.quantize(-2.5) == -2)
      #expect(dtype.quantize(-3.5) == -4)
      #expect(dtype.quantize(0.5) == 0)
      #expect(dtype.quantize(1.5) == 2)
      #expect(dtype.quantize(-1.5) == -2)
      #expect(dtype.quantize(Float(2.5).nextUp) == 3)
      #expect(dtype.quantize(2.4999998) == 2)
      #expect(
        dtype.encode(-2.5) == (dtype == .int8 ? 0xFE : dtype == .int16 ? 0xFFFE : 0xFFFF_FFFE))
    }
    for dtype: DType in [.uint8, .uint16, .uint32] {
      #expect(dtype.quantize(2.5) == 2)
      #expect(dtype.quantize(3.5) == 4)
      #expect(dtype.quantize(-2.5) == 0)
      #expect(dtype.quantize(0.5) == 0)
    }
  }

  @Test("negative zero and small negatives become +0")
  func negativeZero() {
    for dtype: DType in [.int8, .int16, .int32, .uint8, .uint16, .uint32] {
      #expect(dtype.quantize(-0.0).bitPattern == 0)
      #expect(dtype.quantize(-0.4).bitPattern == 0)
      #expect(dtype.quantize(-0.5).bitPattern == 0)
      #expect(dtype.encode(-0.4) == 0)
    }
  }

  @Test("saturation at both ends, infinities and NaN", arguments: cases)
  func saturation(_ c: IntegerCase) {
    let d = c.dtype
    let top = Float(c.max)  // rounds to 2^31 / 2^32 for the 32-bit types
    let bottom = Float(c.min)
    #expect(d.quantize(top + 1) == top)
    #expect(d.quantize(top * 4) == top)
    #expect(d.quantize(.infinity) == top)
    #expect(d.quantize(.greatestFiniteMagnitude) == top)
    #expect(d.quantize(bottom - 1) == bottom)
    #expect(d.quantize(-1e30) == bottom)
    #expect(d.quantize(-.infinity) == bottom)
    #expect(d.quantize(.nan).bitPattern == 0)
    #expect(d.quantize(-.nan).bitPattern == 0)
    #expect(d.encode(.nan) == 0)
    let width = UInt32(d.byteSize * 8)
    let mask: UInt32 = width == 32 ? .max : (1 << width) - 1
    let maxBits = UInt32(truncatingIfNeeded: Int64(c.max)) & mask
    let minBits = UInt32(truncatingIfNeeded: Int64(c.min)) & mask
    #expect(d.encode(.infinity) == maxBits)
    #expect(d.encode(1e30) == maxBits)
    #expect(d.encode(-.infinity) == minBits)
    #expect(d.encode(-1e30) == minBits)
    #expect(d.maxFinite == top)
    #expect(d.minFinite == bottom)
  }

  @Test("random sweep against round-half-even-and-clamp", arguments: cases)
  func randomSweep(_ c: IntegerCase) {
    var generator = SeededGenerator(seed: 0x1A7 &+ UInt64(c.dtype.byteSize))
    var failures: [Float] = []
    for i in 0..<20_000 {
      let x: Float
      switch i % 3 {
      case 0: x = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))
      case 1: x = Float.random(in: Float(c.min) - 300...Float(c.max) + 300, using: &generator)
      default: x = Float(Int.random(in: -70_000...70_000, using: &generator)) / 2  // many ties
      }
      let expected = Float(IntegerConversionTests.reference(x, c))
      if c.dtype.quantize(x) != expected || c.dtype.decode(c.dtype.encode(x)) != expected {
        failures.append(x)
      }
    }
    expectNoFailures(failures)
  }

  @Test("int32 and uint32 near 2^24, 2^31 and 2^32")
  func wideIntegers() {
    // Above 2^24 a Float holds only every other integer; conversions stay exact on Floats.
    #expect(DType.int32.quantize(Float(16_777_216).nextUp) == 16_777_218)
    #expect(DType.int32.encode(16_777_218) == 16_777_218)
    #expect(DType.int32.encode(2_147_483_520) == 2_147_483_520)  // largest Float below 2^31
    #expect(DType.int32.encode(2_147_483_648) == 0x7FFF_FFFF)  // 2^31 saturates
    #expect(DType.int32.encode(-2_147_483_648) == 0x8000_0000)
    #expect(DType.int32.decode(0x7FFF_FFFF) == 2_147_483_648)  // Int32.max widened to Float
    #expect(DType.int32.decode(0x8000_0000) == -2_147_483_648)
    #expect(DType.uint32.encode(4_000_000_000) == 4_000_000_000)
    #expect(DType.uint32.encode(4_294_967_296) == 0xFFFF_FFFF)
    #expect(DType.uint32.decode(0xFFFF_FFFF) == 4_294_967_296)
    #expect(DType.uint32.decode(0x8000_0000) == 2_147_483_648)
  }

  @Test("every 8- and 16-bit integer pattern round-trips through decode and encode")
  func everyNarrowIntegerPattern() {
    for dtype: DType in [.int8, .uint8, .int16, .uint16] {
      let count: UInt32 = dtype.byteSize == 1 ? 256 : 65536
      var failures: [UInt32] = []
      for pattern in 0..<count {
        let value = dtype.decode(pattern)
        let expected: Float
        switch dtype {
        case .int8: expected = Float(pattern >= 128 ? Int(pattern) - 256 : Int(pattern))
        case .int16: expected = Float(pattern >= 32768 ? Int(pattern) - 65536 : Int(pattern))
        default: expected = Float(pattern)
        }
        if value != expected || dtype.encode(value) != pattern || dtype.quantize(value) != value {
          failures.append(pattern)
        }
      }
      expectNoFailures(failures, "\(dtype):")
    }
  }

  @Test("bool: nonzero (NaN included) → 1, zero → 0")
  func bool() {
    let d = DType.bool
    #expect(d.quantize(0) == 0)
    #expect(d.quantize(-0.0).bitPattern == 0)
    #expect(d.quantize(0.3) == 1)
    #expect(d.quantize(-2) == 1)
    #expect(d.quantize(.nan) == 1)
    #expect(d.quantize(.infinity) == 1)
    #expect(d.quantize(Float.leastNonzeroMagnitude) == 1)
    #expect(d.encode(0) == 0)
    #expect(d.encode(-7) == 1)
    #expect(d.encode(.nan) == 1)
    #expect(d.decode(0) == 0)
    #expect(d.decode(1) == 1)
    #expect(d.decode(0x02) == 1)
    #expect(d.decode(0x100) == 0)  // only the low byte counts
    #expect(d.maxFinite == 1)
    #expect(d.minFinite == 0)
  }
}
