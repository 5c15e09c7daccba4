import TesselTestSupport
import Testing

@Suite struct SeededGeneratorTests {
  @Test func matchesPublishedSplitMix64Outputs() {
    // The first three outputs of SplitMix64 seeded with 0 (Vigna's reference implementation).
    var generator = SeededGenerator(seed: 0)
    #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
    #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
    #expect(generator.next() == 0x06C4_5D18_8009_454F)
  }

  @Test func sameSeedSameSequence() {
    var first = SeededGenerator(seed: 1234)
    var second = SeededGenerator(seed: 1234)
    for _ in 0..<100 {
      #expect(first.next() == second.next())
    }
  }

  @Test func unitFloatsAreInHalfOpenUnitInterval() {
    var generator = SeededGenerator(seed: 5)
    for _ in 0..<10_000 {
      let f = generator.nextUnitFloat()
      #expect(f >= 0 && f < 1)
      let d = generator.nextUnitDouble()
      #expect(d >= 0 && d < 1)
    }
  }

  @Test(arguments: [UInt64(0), 1, 42, .max])
  func randomArrayIsDeterministicAndInRange(seed: UInt64) {
    let a = randomArray(count: 1000, in: -3...5, seed: seed)
    let b = randomArray(count: 1000, in: -3...5, seed: seed)
    #expect(a == b)
    #expect(a.count == 1000)
    #expect(a.allSatisfy { $0 >= -3 && $0 <= 5 })
    // Spread over the range, not stuck in a corner.
    #expect(a.min()! < -2.5)
    #expect(a.max()! > 4.5)
  }

  @Test func differentSeedsGiveDifferentArrays() {
    #expect(randomArray(count: 16, seed: 1) != randomArray(count: 16, seed: 2))
    #expect(randomNormal(count: 16, seed: 1) != randomNormal(count: 16, seed: 2))
    #expect(
      randomInts(count: 16, in: 0...1000, seed: 1) != randomInts(count: 16, in: 0...1000, seed: 2))
  }

  @Test func defaultRangeIsUnitInterval() {
    #expect(randomArray(count: 1000, seed: 3).allSatisfy { $0 >= 0 && $0 <= 1 })
  }

  @Test func randomNormalHasRequestedMeanAndStandardDeviation() {
    let count = 20_000
    let x = randomNormal(count: count, mean: 2, std: 0.5, seed: 11)
    #expect(x == randomNormal(count: count, mean: 2, std: 0.5, seed: 11))
    let mean = x.reduce(0.0) { $0 + Double($1) } / Double(count)
    let variance = x.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(count)
    // Standard error of the mean is 0.5 / sqrt(20000) ≈ 0.0035.
    #expect(abs(mean - 2) < 0.02)
    #expect(abs(variance.squareRoot() - 0.5) < 0.02)
    #expect(x.allSatisfy { $0.isFinite })
  }

  @Test(arguments: [0, 1, 3, 4])
  func randomNormalHonoursOddAndEvenCounts(count: Int) {
    #expect(randomNormal(count: count, seed: 1).count == count)
  }

  @Test func randomIntsAreDeterministicInRangeAndCoverIt() {
    let x = randomInts(count: 1000, in: -2...3, seed: 8)
    #expect(x == randomInts(count: 1000, in: -2...3, seed: 8))
    #expect(x.allSatisfy { (-2...3).contains($0) })
    #expect(Set(x) == Set(-2...3))
  }

  @Test func randomIntsHandleDegenerateAndFullRanges() {
    #expect(randomInts(count: 5, in: 7...7, seed: 1) == [7, 7, 7, 7, 7])
    let full = randomInts(count: 100, in: Int.min...Int.max, seed: 1)
    #expect(full.count == 100)
    #expect(Set(full).count > 90)
  }
}
