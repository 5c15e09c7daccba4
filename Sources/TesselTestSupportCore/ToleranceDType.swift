/// The dtype a kernel result was computed in, which decides the default comparison tolerances.
///
/// A result is close to its reference when `|actual - expected| <= atol + rtol * |expected|`
/// for every element (the NumPy `allclose` rule). The defaults grow with the dtype's rounding
/// step (its unit roundoff `u` = 2⁻ᵖ for `p` mantissa bits, counting the implicit one):
///
/// | dtype       | mantissa bits | unit roundoff | `rtol`  | `atol`  |
/// |-------------|---------------|---------------|---------|---------|
/// | `.float32`  | 24            | 6.0e-8        | 1e-5    | 1e-6    |
/// | `.bfloat16` | 8             | 3.9e-3        | 1e-2    | 1e-2    |
/// | `.float16`  | 11            | 4.9e-4        | 1e-3    | 1e-3    |
/// | `.float8`   | 4 (e4m3)      | 6.25e-2       | 0.125   | 0.0625  |
///
/// Each `rtol` leaves room for a few roundings (fp32: about 170 ulps, enough for sums over a few
/// thousand terms accumulated in a different order than the reference; bf16 and fp16: about 2.5
/// and 2 rounding steps; fp8: 2 rounding steps of e4m3, which also covers e5m2's single step).
/// `atol` covers results near zero, where a relative bound is meaningless — for instance
/// `x - mean` in a norm kernel. (For comparison, the nki-samples tests use `np.allclose` with
/// `atol` around 1e-2.) Tighten them in a test that knows better; loosen them for long reductions
/// in low precision.
///
/// ```swift
/// expectClose(actual, expected, shape: [128, 512], dtype: .bfloat16)
/// let (rtol, atol) = (ToleranceDType.float16.rtol, ToleranceDType.float16.atol)
/// ```
public enum ToleranceDType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// IEEE single precision (`nl.float32`).
  case float32
  /// bfloat16 (`nl.bfloat16`): fp32's exponent range with 8 significant bits.
  case bfloat16
  /// IEEE half precision (`nl.float16`).
  case float16
  /// Any 8-bit float (`nl.float8_e4m3`, `nl.float8_e5m2`).
  case float8

  /// The default relative tolerance for results of this dtype.
  public var rtol: Float {
    switch self {
    case .float32: 1e-5
    case .bfloat16: 1e-2
    case .float16: 1e-3
    case .float8: 0.125
    }
  }

  /// The default absolute tolerance for results of this dtype.
  public var atol: Float {
    switch self {
    case .float32: 1e-6
    case .bfloat16: 1e-2
    case .float16: 1e-3
    case .float8: 0.0625
    }
  }

  public var description: String { rawValue }
}
