import TesselTestSupport
import Testing

@Suite struct BFloat16RoundingTests {
  @Test(
    arguments: [
      // Exactly representable values are unchanged.
      (Float(1), Float(1)),
      (1 + 0x1p-7, 1 + 0x1p-7),
      (-2.5, -2.5),
      (0, 0),
      // π = 0x40490FDB: the dropped half 0x0FDB is below half, so it truncates to 0x40490000.
      (.pi, 3.140625),
      (-.pi, -3.140625),
      // 1 + 2⁻⁸ is halfway between 1 and 1 + 2⁻⁷: ties go to the even neighbour, 1.
      (1 + 0x1p-8, 1),
      // 1 + 3·2⁻⁸ is halfway between 1 + 2⁻⁷ (odd) and 1 + 2⁻⁶ (even): rounds up.
      (1 + 3 * 0x1p-8, 1 + 0x1p-6),
      // Just above a tie rounds up.
      (1 + 0x1p-8 + 0x1p-20, 1 + 0x1p-7),
      // The largest fp32 is above the largest bf16 plus half an ulp: overflows to infinity.
      (.greatestFiniteMagnitude, .infinity),
      (.infinity, .infinity),
      (-.infinity, -.infinity),
      // The smallest fp32 subnormal rounds to zero.
      (.leastNonzeroMagnitude, 0),
    ] as [(Float, Float)])
  func roundsToNearestEven(input: Float, expected: Float) {
    #expect(roundToBFloat16(input) == expected)
  }

  @Test func keepsTheSignOfZero() {
    #expect(roundToBFloat16(-0.0).sign == .minus)
  }

  @Test func nanStaysNaN() {
    #expect(roundToBFloat16(.nan).isNaN)
    #expect(roundToBFloat16(-.nan).isNaN)
    #expect(roundToBFloat16(-.nan).sign == .minus)
    // A NaN whose payload lives only in the low 16 bits would become infinity if truncated.
    #expect(roundToBFloat16(Float(bitPattern: 0x7F80_0001)).isNaN)
    // Every NaN becomes the canonical quiet NaN of its sign, as the hardware and ml_dtypes give.
    for bits: UInt32 in [0x7F80_0001, 0x7FC0_1234, 0x7FFF_FFFF, 0xFF80_0001, 0xFFC0_0000] {
      let expected: UInt32 = bits & 0x8000_0000 == 0 ? 0x7FC0_0000 : 0xFFC0_0000
      #expect(roundToBFloat16(Float(bitPattern: bits)).bitPattern == expected)
    }
  }

  @Test func resultsHaveZeroLowHalfAndAreIdempotent() {
    for x in randomNormal(count: 1000, std: 100, seed: 1) {
      let rounded = roundToBFloat16(x)
      #expect(rounded.bitPattern & 0xFFFF == 0)
      #expect(roundToBFloat16(rounded) == rounded)
      #expect(abs(rounded - x) <= abs(x) * 0x1p-8)
    }
  }

  @Test func arrayVersionRoundsEachElement() {
    #expect(roundToBFloat16([1, .pi, 1 + 0x1p-8]) == [1, 3.140625, 1])
  }
}
