import TesselIR
import TesselNumerics
import TesselTestSupportCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Activation functions against formulas written here in `Double`.
@Suite("Activation functions")
struct ActivationFunctionTests {
  /// The formula of each function, in plain `Double` math.
  static func formula(_ f: ActivationFunction, _ x: Double) -> Double {
    let sigmoid = { (t: Double) in 1 / (1 + exp(-t)) }
    let phi = { (t: Double) in exp(-t * t / 2) / (2 * Double.pi).squareRoot() }
    let cdf = { (t: Double) in 0.5 * (1 + erf(t / 2.0.squareRoot())) }
    let softplus = { (t: Double) in log(1 + exp(t)) }
    switch f {
    case .copy: return x
    case .square: return x * x
    case .sigmoid: return sigmoid(x)
    case .relu: return x > 0 ? x : 0
    case .gelu: return x * cdf(x)
    case .geluDx: return cdf(x) + x * phi(x)
    case .geluApprxTanh:
      return 0.5 * x * (1 + tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
    case .geluApprxSigmoid: return x * sigmoid(1.702 * x)
    case .silu: return x * sigmoid(x)
    case .siluDx: return sigmoid(x) * (1 + x * (1 - sigmoid(x)))
    case .tanh: return tanh(x)
    case .softplus: return softplus(x)
    case .mish: return x * tanh(softplus(x))
    case .erf: return erf(x)
    case .erfDx: return 2 / Double.pi.squareRoot() * exp(-x * x)
    case .exp: return exp(x)
    case .log: return log(x)
    case .sin: return sin(x)
    case .cos: return cos(x)
    case .tan: return tan(x)
    case .arctan: return atan(x)
    case .sqrt: return x.squareRoot()
    case .rsqrt: return 1 / x.squareRoot()
    case .reciprocal: return 1 / x
    case .sign: return x > 0 ? 1 : (x < 0 ? -1 : 0)
    case .abs: return Swift.abs(x)
    case .negative: return -x
    case .floor: return x.rounded(.down)
    case .ceil: return x.rounded(.up)
    case .trunc: return x.rounded(.towardZero)
    }
  }

  /// Sample inputs per function, inside each function's domain and away from its zeros.
  static func samples(_ f: ActivationFunction) -> [Float] {
    switch f {
    case .log, .sqrt, .rsqrt: return [0.001, 0.5, 1, 2, 10, 12345]
    case .tan: return [-1.2, -0.5, 0.1, 0.7, 1.3]
    case .geluDx: return [-3, -2, -0.3, 0.1, 0.5, 1, 2.5, 4]
    case .geluApprxTanh: return [-4, -2, -0.5, 0.25, 1, 1.7, 3, 9]
    case .siluDx: return [-5, -1, 0.1, 0.5, 1, 2, 6]
    case .exp: return [-20, -1, -0.25, 0.5, 1, 3, 40]
    case .floor, .ceil, .trunc, .sign, .abs, .negative, .copy, .relu:
      return [-2.5, -1, -0.75, 0.25, 1, 1.5, 3.7]
    default: return [-6, -2, -0.5, 0.25, 1, 1.7, 3, 9]
    }
  }

  @Test(
    "each function on a handful of values matches its formula",
    arguments: ActivationFunction.allCases)
  func matchesFormula(function f: ActivationFunction) {
    for x in ActivationFunctionTests.samples(f) {
      let actual = Double(f.apply(x))
      let expected = ActivationFunctionTests.formula(f, Double(x))
      let tolerance = 4e-6 * Swift.max(Swift.abs(expected), 1e-30)
      #expect(
        Swift.abs(actual - expected) <= tolerance, "\(f)(\(x)) = \(actual), expected \(expected)")
    }
  }

  @Test("NaN in, NaN out", arguments: ActivationFunction.allCases)
  func nanPropagates(function f: ActivationFunction) {
    #expect(f.apply(.nan).isNaN)
    var buffer: [Float] = [.nan, 1, .nan]
    buffer.withUnsafeMutableBufferPointer { f.apply($0) }
    #expect(buffer[0].isNaN && buffer[2].isNaN)
  }

  @Test("limits at ±infinity instead of ∞·0")
  func limitsAtInfinity() {
    #expect(ActivationFunction.gelu.apply(.infinity) == .infinity)
    #expect(ActivationFunction.gelu.apply(-.infinity) == 0)
    #expect(ActivationFunction.silu.apply(-.infinity) == 0)
    #expect(ActivationFunction.mish.apply(-.infinity) == 0)
    #expect(ActivationFunction.mish.apply(.infinity) == .infinity)
    #expect(ActivationFunction.geluApprxTanh.apply(-.infinity) == 0)
    #expect(ActivationFunction.geluApprxSigmoid.apply(-.infinity) == 0)
    #expect(ActivationFunction.geluDx.apply(.infinity) == 1)
    #expect(ActivationFunction.geluDx.apply(-.infinity) == 0)
    #expect(ActivationFunction.siluDx.apply(.infinity) == 1)
    #expect(ActivationFunction.siluDx.apply(-.infinity) == 0)
    #expect(ActivationFunction.sigmoid.apply(-.infinity) == 0)
    #expect(ActivationFunction.sigmoid.apply(.infinity) == 1)
    #expect(ActivationFunction.softplus.apply(.infinity) == .infinity)
    #expect(ActivationFunction.softplus.apply(-.infinity) == 0)
    #expect(ActivationFunction.exp.apply(-.infinity) == 0)
    #expect(ActivationFunction.tanh.apply(-.infinity) == -1)
  }

  @Test("softplus is stable for large |x|")
  func softplusStability() {
    #expect(ActivationFunction.softplus.apply(100) == 100)
    #expect(ActivationFunction.softplus.apply(1000) == 1000)
    let tiny = ActivationFunction.softplus.apply(-50)
    #expect(tiny > 0 && Swift.abs(Double(tiny) - exp(-50.0)) <= 1e-6 * exp(-50.0))
    #expect(ActivationFunction.softplus.apply(0) == Float(log(2.0)))
  }

  @Test("special values: sign(±0) = 0, relu(-0) = 0, rsqrt(0) = ∞, log(0) = -∞, sqrt(-1) = NaN")
  func specialValues() {
    #expect(ActivationFunction.sign.apply(0).bitPattern == 0)
    #expect(ActivationFunction.sign.apply(-0.0).bitPattern == 0)
    #expect(ActivationFunction.sign.apply(-3) == -1)
    #expect(ActivationFunction.sign.apply(.infinity) == 1)
    #expect(ActivationFunction.relu.apply(-0.0).bitPattern == 0)
    #expect(ActivationFunction.relu.apply(-5) == 0)
    #expect(ActivationFunction.rsqrt.apply(0) == .infinity)
    #expect(ActivationFunction.reciprocal.apply(0) == .infinity)
    #expect(ActivationFunction.reciprocal.apply(-0.0) == -.infinity)
    #expect(ActivationFunction.log.apply(0) == -.infinity)
    #expect(ActivationFunction.log.apply(-1).isNaN)
    #expect(ActivationFunction.sqrt.apply(-1).isNaN)
    #expect(ActivationFunction.abs.apply(-.nan).sign == .plus)
    #expect(ActivationFunction.floor.apply(-0.5) == -1)
    #expect(ActivationFunction.ceil.apply(-0.5).bitPattern == 0x8000_0000)
    #expect(ActivationFunction.trunc.apply(-1.7) == -1)
    #expect(ActivationFunction.erf.apply(.infinity) == 1)
    #expect(ActivationFunction.erfDx.apply(0) == Float(2 / Double.pi.squareRoot()))
  }

  @Test(
    "buffer apply equals scalar apply, lengths 1, 7, 8, 33", arguments: ActivationFunction.allCases)
  func bulkEqualsScalar(function f: ActivationFunction) {
    var generator = SeededGenerator(seed: 0xAC7)
    var inputs: [Float] = [
      0, -0.0, .nan, .infinity, -.infinity, 0x1p-140, -1e30, 88.8, -88.8, 0.5, -0.5,
    ]
    for _ in 0..<200 { inputs.append(Float.random(in: -12...12, using: &generator)) }
    var bad: [Float] = []
    for length in [1, 7, 8, 33, inputs.count] {
      for offset in [0, 3] where offset + length <= inputs.count {
        var work = Array(inputs[offset..<offset + length])
        work.withUnsafeMutableBufferPointer { f.apply($0) }
        for i in 0..<length where work[i].bitPattern != f.apply(inputs[offset + i]).bitPattern {
          bad.append(inputs[offset + i])
        }
      }
    }
    expectNoFailures(bad, "\(f):")
  }
}
