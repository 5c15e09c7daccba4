/// A unary function of the Scalar engine (`nisa.activation(op=...)`, `docs/numerics.md`),
/// and the elementwise math functions of `nl` (§4.4) that lower to it.
public enum ActivationFunction: String, Sendable, Hashable, CaseIterable, Codable {
  /// `nl.copy` / identity.
  case copy
  /// `nl.square`: `x * x`.
  case square
  /// `nl.sigmoid`: `1 / (1 + exp(-x))`.
  case sigmoid
  /// `nl.relu`: `max(x, 0)`.
  case relu
  /// `nl.gelu`: `x * Φ(x)` with the exact erf.
  case gelu
  /// `nl.gelu_dx`: derivative of `gelu`.
  case geluDx = "gelu_dx"
  /// `nl.gelu_apprx_tanh`: `0.5 x (1 + tanh(√(2/π)(x + 0.044715 x³)))`.
  case geluApprxTanh = "gelu_apprx_tanh"
  /// `nl.gelu_apprx_sigmoid`: `x * sigmoid(1.702 x)`.
  case geluApprxSigmoid = "gelu_apprx_sigmoid"
  /// `nl.silu`: `x * sigmoid(x)`.
  case silu
  /// `nl.silu_dx`: derivative of `silu`.
  case siluDx = "silu_dx"
  /// `nl.tanh`.
  case tanh
  /// `nl.softplus`: `log(1 + exp(x))`.
  case softplus
  /// `nl.mish`: `x * tanh(softplus(x))`.
  case mish
  /// `nl.erf`.
  case erf
  /// `nl.erf_dx`: `2/√π · exp(-x²)`.
  case erfDx = "erf_dx"
  /// `nl.exp`.
  case exp
  /// `nl.log` (natural).
  case log
  /// `nl.sin`.
  case sin
  /// `nl.cos`.
  case cos
  /// `nl.tan`.
  case tan
  /// `nl.arctan`.
  case arctan
  /// `nl.sqrt`.
  case sqrt
  /// `nl.rsqrt`: `1 / sqrt(x)`.
  case rsqrt
  /// `nl.reciprocal`: `1 / x`.
  case reciprocal
  /// `nl.sign`: -1, 0 or 1 (NaN stays NaN).
  case sign
  /// `nl.abs`.
  case abs
  /// `nl.negative`: `-x`.
  case negative
  /// `nl.floor`.
  case floor
  /// `nl.ceil`.
  case ceil
  /// `nl.trunc`: round toward zero.
  case trunc

  /// The NKI spelling, as in `nl.gelu_apprx_tanh`.
  public var nkiName: String { rawValue }
}
