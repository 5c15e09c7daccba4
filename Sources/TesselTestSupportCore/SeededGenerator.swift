/// A deterministic random number generator (SplitMix64) for reproducible test inputs.
///
/// The same seed always yields the same sequence, on every platform and with every toolchain,
/// because the algorithm is fixed here rather than borrowed from the standard library. SplitMix64
/// is Sebastiano Vigna's 64-bit mixer: the state advances by a constant (the "golden gamma"), and
/// each output is the state passed through two xor-shift-multiply rounds. It is fast, passes
/// BigCrush, and accepts any seed, including 0.
///
/// ```swift
/// var generator = SeededGenerator(seed: 42)
/// let a = generator.next()                   // the same value on every run
/// let b = Float.random(in: 0..<1, using: &generator)
/// ```
///
/// It conforms to `RandomNumberGenerator`, so it can drive the standard library's
/// `random(in:using:)` and `shuffled(using:)`. For test inputs prefer the free functions
/// ``randomArray(count:in:seed:)``, ``randomNormal(count:mean:std:seed:)`` and
/// ``randomInts(count:in:seed:)``: their mapping from bits to values is also fixed here, so the
/// arrays they return never change.
///
/// Not suitable for cryptography.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable {
  /// The generator state; it advances by `0x9E37_79B9_7F4A_7C15` on every call to `next()`.
  public private(set) var state: UInt64

  /// Creates a generator whose sequence is determined entirely by `seed`.
  public init(seed: UInt64) {
    state = seed
  }

  /// Returns the next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z &>> 31)
  }

  /// Returns a `Float` uniformly distributed in `[0, 1)`.
  ///
  /// Uses the top 24 bits of `next()`, so every result is a multiple of 2⁻²⁴ and exactly
  /// representable.
  public mutating func nextUnitFloat() -> Float {
    Float(next() &>> 40) * 0x1p-24
  }

  /// Returns a `Double` uniformly distributed in `[0, 1)`.
  ///
  /// Uses the top 53 bits of `next()`, so every result is a multiple of 2⁻⁵³.
  public mutating func nextUnitDouble() -> Double {
    Double(next() &>> 11) * 0x1p-53
  }
}
