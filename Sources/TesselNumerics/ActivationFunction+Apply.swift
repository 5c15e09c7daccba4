import TesselIR

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ActivationFunction {
  /// Evaluates this activation function at `x`, in fp32 with exact libm functions.
  ///
  /// The Scalar Engine evaluates these functions with piecewise-polynomial approximations that are
  /// valid only on documented input ranges; Tessel computes the exact
  /// mathematical function instead (`expf`, `erff`, `tanhf`, ... from the C library), and does not
  /// model out-of-range hardware behaviour such as trn1's `sin` outside [-π, π]. See
  /// `docs/numerics.md`.
  ///
  /// Formulas (σ is the logistic sigmoid, Φ/φ the standard normal CDF/PDF):
  /// - `gelu` = x·Φ(x) with Φ(x) = ½(1 + erf(x/√2)) = ½erfc(−x/√2); `gelu_dx` = Φ(x) + x·φ(x)
  /// - `gelu_apprx_tanh` = ½x(1 + tanh(√(2/π)(x + 0.044715x³))), computed as x·σ(2·√(2/π)(…));
  ///   `gelu_apprx_sigmoid` = x·σ(1.702x)
  /// - `silu` = x·σ(x); `silu_dx` = σ(x)(1 + x(1 − σ(x)))
  /// - `softplus` = max(x, 0) + log1p(exp(−|x|)) (stable for large |x|); `mish` = x·tanh(softplus(x))
  /// - `erf_dx` = 2/√π·exp(−x²); `rsqrt` = 1/√x; `sign(0)` = 0
  ///
  /// NaN propagates through every function (`relu`, `sign` and `abs` included). Functions of the
  /// form x·g(x) return their limits at ±infinity instead of `∞·0 = NaN`.
  ///
  /// ```swift
  /// ActivationFunction.gelu.apply(1.0)      // ≈ 0.841345
  /// ActivationFunction.softplus.apply(100)  // 100.0
  /// ActivationFunction.sign.apply(-0.0)     // 0.0
  /// ```
  ///
  /// - Parameter x: The input value.
  /// - Returns: The function's value at `x`.
  public func apply(_ x: Float) -> Float {
    switch self {
    case .copy: x
    case .square: x * x
    case .sigmoid: ActivationKernels.sigmoid(x)
    case .relu: ActivationKernels.relu(x)
    case .gelu: ActivationKernels.gelu(x)
    case .geluDx: ActivationKernels.geluDx(x)
    case .geluApprxTanh: ActivationKernels.geluApprxTanh(x)
    case .geluApprxSigmoid: ActivationKernels.geluApprxSigmoid(x)
    case .silu: ActivationKernels.silu(x)
    case .siluDx: ActivationKernels.siluDx(x)
    case .tanh: tanhf(x)
    case .softplus: ActivationKernels.softplus(x)
    case .mish: ActivationKernels.mish(x)
    case .erf: erff(x)
    case .erfDx: ActivationKernels.erfDx(x)
    case .exp: ActivationKernels.exp(x)
    case .log: logf(x)
    case .sin: sinf(x)
    case .cos: cosf(x)
    case .tan: tanf(x)
    case .arctan: atanf(x)
    case .sqrt: x.squareRoot()
    case .rsqrt: 1 / x.squareRoot()
    case .reciprocal: 1 / x
    case .sign: ActivationKernels.sign(x)
    case .abs: x.magnitude
    case .negative: -x
    case .floor: x.rounded(.down)
    case .ceil: x.rounded(.up)
    case .trunc: x.rounded(.towardZero)
    }
  }

  /// Evaluates this activation function on every element of a buffer, in place.
  ///
  /// Element for element the result is bit-identical to `apply(_:)` on a scalar; the switch on
  /// the function is hoisted out of the loop, so simple functions (`copy`, `square`, `relu`,
  /// `abs`, `negative`, ...) vectorize.
  ///
  /// - Parameter buffer: The inputs; each is replaced by the function's value.
  /// - Complexity: O(*n*).
  public func apply(_ buffer: UnsafeMutableBufferPointer<Float>) {
    switch self {
    case .copy: return
    case .square: ActivationKernels.map(buffer) { $0 * $0 }
    case .sigmoid: ActivationKernels.map(buffer, ActivationKernels.sigmoid)
    case .relu: ActivationKernels.map(buffer, ActivationKernels.relu)
    case .gelu: ActivationKernels.map(buffer, ActivationKernels.gelu)
    case .geluDx: ActivationKernels.map(buffer, ActivationKernels.geluDx)
    case .geluApprxTanh: ActivationKernels.map(buffer, ActivationKernels.geluApprxTanh)
    case .geluApprxSigmoid: ActivationKernels.map(buffer, ActivationKernels.geluApprxSigmoid)
    case .silu: ActivationKernels.map(buffer, ActivationKernels.silu)
    case .siluDx: ActivationKernels.map(buffer, ActivationKernels.siluDx)
    case .tanh: ActivationKernels.map(buffer) { tanhf($0) }
    case .softplus: ActivationKernels.map(buffer, ActivationKernels.softplus)
    case .mish: ActivationKernels.map(buffer, ActivationKernels.mish)
    case .erf: ActivationKernels.map(buffer) { erff($0) }
    case .erfDx: ActivationKernels.map(buffer, ActivationKernels.erfDx)
    case .exp: ActivationKernels.exp(buffer)
    case .log: ActivationKernels.map(buffer) { logf($0) }
    case .sin: ActivationKernels.map(buffer) { sinf($0) }
    case .cos: ActivationKernels.map(buffer) { cosf($0) }
    case .tan: ActivationKernels.map(buffer) { tanf($0) }
    case .arctan: ActivationKernels.map(buffer) { atanf($0) }
    case .sqrt: ActivationKernels.map(buffer) { $0.squareRoot() }
    case .rsqrt: ActivationKernels.map(buffer) { 1 / $0.squareRoot() }
    case .reciprocal: ActivationKernels.map(buffer) { 1 / $0 }
    case .sign: ActivationKernels.map(buffer, ActivationKernels.sign)
    case .abs: ActivationKernels.map(buffer) { $0.magnitude }
    case .negative: ActivationKernels.map(buffer) { -$0 }
    case .floor: ActivationKernels.map(buffer) { $0.rounded(.down) }
    case .ceil: ActivationKernels.map(buffer) { $0.rounded(.up) }
    case .trunc: ActivationKernels.map(buffer) { $0.rounded(.towardZero) }
    }
  }
}

/// The fp32 formulas behind `ActivationFunction.apply`, shared by the scalar and buffer forms.
enum ActivationKernels {
  /// `1/√2`.
  static let inverseSquareRootOf2: Float = 0.707_106_781_186_547_524_4
  /// `1/√(2π)`, the standard normal density at 0.
  static let inverseSquareRootOf2Pi: Float = 0.398_942_280_401_432_677_9
  /// `√(2/π)`.
  static let squareRootOf2OverPi: Float = 0.797_884_560_802_865_355_9
  /// `2/√π`.
  static let twoOverSquareRootOfPi: Float = 1.128_379_167_095_512_573_9

  /// Applies `f` to every element of `buffer` in place.
  @inline(__always)
  static func map(_ buffer: UnsafeMutableBufferPointer<Float>, _ f: (Float) -> Float) {
    transformElements(buffer, f)
  }

  /// The logistic sigmoid `1 / (1 + exp(-x))`.
  @inline(__always)
  static func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

  /// `max(x, 0)`, propagating NaN.
  @inline(__always)
  static func relu(_ x: Float) -> Float { x > 0 || x.isNaN ? x : 0 }

  /// The standard normal CDF `Φ(x) = ½(1 + erf(x/√2))`, evaluated as `½·erfc(−x/√2)` so the
  /// lower tail keeps its relative precision.
  @inline(__always)
  static func normalCDF(_ x: Float) -> Float { 0.5 * erfcf(-x * inverseSquareRootOf2) }

  /// `x·gate(x)` for a gate that rises from 0 at −∞ to 1 at +∞ (the GELU and SiLU family):
  /// −∞ gives 0, where the product would be `−∞·0 = NaN`.
  @inline(__always)
  static func gated(_ x: Float, _ gate: (Float) -> Float) -> Float {
    x == -.infinity ? 0 : x * gate(x)
  }

  /// The derivative of a ``gated(_:_:)`` function: its limits 0 at −∞ and 1 at +∞, `finite(x)`
  /// elsewhere.
  @inline(__always)
  static func gatedDerivative(_ x: Float, _ finite: (Float) -> Float) -> Float {
    x.isInfinite ? (x > 0 ? 1 : 0) : finite(x)
  }

  /// `x·Φ(x)`.
  @inline(__always)
  static func gelu(_ x: Float) -> Float { gated(x, normalCDF) }

  /// `Φ(x) + x·φ(x)`, the derivative of `gelu`.
  @inline(__always)
  static func geluDx(_ x: Float) -> Float {
    gatedDerivative(x) { normalCDF($0) + $0 * inverseSquareRootOf2Pi * expf(-0.5 * $0 * $0) }
  }

  /// `½x(1 + tanh(u))` with `u = √(2/π)(x + 0.044715x³)`, evaluated through the identity
  /// `½(1 + tanh(u)) = σ(2u)` so the lower tail does not cancel to zero.
  @inline(__always)
  static func geluApprxTanh(_ x: Float) -> Float {
    gated(x) { sigmoid(2 * squareRootOf2OverPi * ($0 + 0.044715 * $0 * $0 * $0)) }
  }

  /// `x·σ(1.702x)`.
  @inline(__always)
  static func geluApprxSigmoid(_ x: Float) -> Float { gated(x) { sigmoid(1.702 * $0) } }

  /// `x·σ(x)`.
  @inline(__always)
  static func silu(_ x: Float) -> Float { gated(x, sigmoid) }

  /// `σ(x)(1 + x(1 − σ(x)))`, the derivative of `silu`.
  @inline(__always)
  static func siluDx(_ x: Float) -> Float {
    gatedDerivative(x) { x in
      let s = sigmoid(x)
      return s * (1 + x * (1 - s))
    }
  }

  /// `log(1 + exp(x))`, computed as `max(x, 0) + log1p(exp(-|x|))` so it neither overflows nor
  /// loses the small tail.
  @inline(__always)
  static func softplus(_ x: Float) -> Float {
    (x > 0 ? x : 0) + log1pf(expf(-x.magnitude))
  }

  /// `x·tanh(softplus(x))`.
  @inline(__always)
  static func mish(_ x: Float) -> Float { gated(x) { tanhf(softplus($0)) } }

  /// `2/√π·exp(−x²)`, the derivative of `erf`.
  @inline(__always)
  static func erfDx(_ x: Float) -> Float { twoOverSquareRootOfPi * expf(-x * x) }

  /// -1, 0 or 1 by the sign of `x`; NaN stays NaN and both zeros give +0.
  @inline(__always)
  static func sign(_ x: Float) -> Float {
    x > 0 ? 1 : (x < 0 ? -1 : (x.isNaN ? x : 0))
  }
}
