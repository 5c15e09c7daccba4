/// Returns `count` floats drawn uniformly from `range`, reproducibly from `seed`.
///
/// Each value is `lowerBound + u * (upperBound - lowerBound)` with `u` from
/// ``SeededGenerator/nextUnitFloat()``, so results lie in the closed range (the upper bound can
/// only be reached through rounding).
///
/// ```swift
/// let x = randomArray(count: 128 * 512, in: -1...1, seed: 1)
/// ```
///
/// - Parameters:
///   - count: The number of values; must not be negative.
///   - range: The range to draw from; defaults to `0...1`.
///   - seed: The seed of the ``SeededGenerator`` that produces the values.
public func randomArray(count: Int, in range: ClosedRange<Float> = 0...1, seed: UInt64) -> [Float] {
  precondition(count >= 0, "count must not be negative, got \(count)")
  var generator = SeededGenerator(seed: seed)
  let width = range.upperBound - range.lowerBound
  var values: [Float] = []
  values.reserveCapacity(count)
  for _ in 0..<count {
    let value = range.lowerBound + generator.nextUnitFloat() * width
    values.append(min(value, range.upperBound))
  }
  return values
}

/// Returns `count` floats from a normal distribution, reproducibly from `seed`.
///
/// Uses the Box–Muller transform: two uniforms `u1` in `(0, 1]` and `u2` in `[0, 1)` give the two
/// independent standard normals `sqrt(-2 ln u1) * cos(2π u2)` and `sqrt(-2 ln u1) * sin(2π u2)`,
/// which are scaled by `std` and shifted by `mean`. The transform is computed in `Double` and each
/// result rounded to `Float`.
///
/// ```swift
/// let weights = randomNormal(count: 4096, mean: 0, std: 0.02, seed: 3)
/// ```
///
/// - Parameters:
///   - count: The number of values; must not be negative.
///   - mean: The mean of the distribution; defaults to 0.
///   - std: The standard deviation; defaults to 1. Must not be negative.
///   - seed: The seed of the ``SeededGenerator`` that produces the values.
public func randomNormal(count: Int, mean: Float = 0, std: Float = 1, seed: UInt64) -> [Float] {
  precondition(count >= 0, "count must not be negative, got \(count)")
  precondition(std >= 0, "std must not be negative, got \(std)")
  var generator = SeededGenerator(seed: seed)
  var values: [Float] = []
  values.reserveCapacity(count)
  while values.count < count {
    let u1 = 1 - generator.nextUnitDouble()  // (0, 1], so the logarithm is finite
    let u2 = generator.nextUnitDouble()  // [0, 1)
    let radius = (-2 * Math.naturalLogarithm(u1)).squareRoot()
    let angle = 2 * Double.pi * u2
    let pair = [radius * Math.cosine(angle), radius * Math.sine(angle)]
    for z in pair where values.count < count {
      values.append(Float(Double(mean) + Double(std) * z))
    }
  }
  return values
}

/// Returns `count` integers drawn uniformly from `range`, reproducibly from `seed`.
///
/// Useful for index tensors (gather, embedding lookups) and integer-dtype kernels.
///
/// ```swift
/// let indices = randomInts(count: 128, in: 0...4095, seed: 9)
/// ```
///
/// - Parameters:
///   - count: The number of values; must not be negative.
///   - range: The range to draw from, bounds included.
///   - seed: The seed of the ``SeededGenerator`` that produces the values.
public func randomInts(count: Int, in range: ClosedRange<Int>, seed: UInt64) -> [Int] {
  precondition(count >= 0, "count must not be negative, got \(count)")
  var generator = SeededGenerator(seed: seed)
  // The number of values in the range, minus one; computed in UInt64 so that even
  // Int.min...Int.max does not overflow.
  let spanMinusOne = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound))
  var values: [Int] = []
  values.reserveCapacity(count)
  for _ in 0..<count {
    let offset: UInt64
    if spanMinusOne == .max {
      offset = generator.next()
    } else {
      offset = uniformBelow(spanMinusOne + 1, using: &generator)
    }
    values.append(range.lowerBound &+ Int(truncatingIfNeeded: offset))
  }
  return values
}

/// Returns a value uniformly distributed in `0..<bound` (`bound > 0`), by rejection sampling:
/// draws that fall in the incomplete last block of `bound` values are discarded, so every
/// residue is equally likely.
private func uniformBelow(_ bound: UInt64, using generator: inout SeededGenerator) -> UInt64 {
  // The largest multiple of `bound` that fits in 2^64, minus one.
  let limit = UInt64.max - (UInt64.max % bound + 1) % bound
  while true {
    let draw = generator.next()
    if draw <= limit {
      return draw % bound
    }
  }
}
