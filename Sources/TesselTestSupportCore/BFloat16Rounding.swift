/// Rounds `x` to the nearest bfloat16 value (ties to even) and returns it as a `Float`.
///
/// bfloat16 keeps the sign, the 8 exponent bits and the top 7 mantissa bits of an fp32 value, so
/// it is exactly the upper half of the fp32 bit pattern. Rounding adds `0x7FFF` plus the lowest
/// kept bit to the pattern and clears the low 16 bits: halfway cases go to the even neighbour,
/// values above the largest bfloat16 overflow to infinity, and infinities and zeros are unchanged.
/// A NaN becomes the canonical quiet NaN of its sign (`0x7FC0` or `0xFFC0` in bf16), whatever its
/// payload. This is how the hardware and `ml_dtypes` round fp32 to bf16, so references for
/// mixed-precision kernels can round where the kernel does.
///
/// ```swift
/// roundToBFloat16(1.0)             // 1.0 (exact)
/// roundToBFloat16(1 + 0x1p-8)      // 1.0 (a tie: rounds to the even neighbour)
/// roundToBFloat16(1 + 0x1p-7)      // 1.0078125 (exact)
/// roundToBFloat16(.pi)             // 3.140625
/// ```
public func roundToBFloat16(_ x: Float) -> Float {
  let bits = x.bitPattern
  if x.isNaN {
    return Float(bitPattern: (bits & 0x8000_0000) | 0x7FC0_0000)
  }
  let lowestKeptBit = (bits &>> 16) & 1
  let rounded = bits &+ 0x7FFF &+ lowestKeptBit
  return Float(bitPattern: rounded & 0xFFFF_0000)
}

/// Rounds every element of `x` to the nearest bfloat16 value; see the scalar `roundToBFloat16(_:)`.
///
/// ```swift
/// let q = roundToBFloat16(randomArray(count: 256, seed: 1))   // bf16 inputs, stored as Float
/// ```
public func roundToBFloat16(_ x: [Float]) -> [Float] {
  x.map { roundToBFloat16($0) }
}
