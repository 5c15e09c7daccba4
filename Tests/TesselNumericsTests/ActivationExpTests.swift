import CTesselMath
import Foundation
import TesselIR
import TesselNumerics
import Testing

/// `exp` is correctly rounded: compared with `Float(exp(Double(x)))` (double-precision libm,
/// rounded once to fp32), written independently of Tessel's polynomial.
@Suite("exp: vectorized and correctly rounded")
struct ActivationExpTests {
  /// The only fp32 inputs in [−150, 100] where Tessel's `exp` and `Float(exp(Double(x)))` differ
  /// (by one ulp), found by an exhaustive run over all 2,245,918,722 of them (docs/numerics.md).
  static let knownNearTies: Set<UInt32> = [0x4283_070F, 0xBF81_EADF, 0xC2B2_E798]

  static func reference(_ x: Float) -> Float { Float(Foundation.exp(Double(x))) }

  @Test("a strided sweep over every binade of [−150, 100], buffer and scalar forms")
  func sweep() {
    var inputs: [Float] = []
    for (lo, hi) in [(UInt32(0), Float(100).bitPattern), (UInt32(0x8000_0000), Float(-150).bitPattern)] {
      var b = lo
      while b <= hi {
        inputs.append(Float(bitPattern: b))
        b &+= 12_011
      }
    }
    // A ragged length, so the tail path runs too.
    inputs.append(contentsOf: [
      88.72283, 88.72284, -87.33654, -103.97208, -103.97209, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
    ])
    var values = inputs
    values.withUnsafeMutableBufferPointer { ActivationFunction.exp.apply($0) }
    var mismatches = 0
    for (x, y) in zip(inputs, values) {
      let want = ActivationExpTests.reference(x)
      if y.bitPattern != want.bitPattern && !ActivationExpTests.knownNearTies.contains(x.bitPattern) {
        mismatches += 1
        if mismatches <= 5 { Issue.record("exp(\(x)) = \(y), correctly rounded \(want)") }
      }
      #expect(ActivationFunction.exp.apply(x).bitPattern == y.bitPattern, "scalar and buffer forms differ at \(x)")
    }
    #expect(mismatches == 0)
    #expect(inputs.count > 180_000)
  }

  @Test("special values: infinities, overflow, underflow to subnormals and zero, NaN payloads")
  func specials() {
    let poison = Float(bitPattern: 0x7FDE_AD00)
    let cases: [(Float, Float)] = [
      (0, 1), (-0.0, 1), (.infinity, .infinity), (-.infinity, 0), (1e30, .infinity), (-1e30, 0),
      (89, .infinity), (-104, 0), (-100, ActivationExpTests.reference(-100)), (-88, ActivationExpTests.reference(-88)),
    ]
    for (x, want) in cases {
      #expect(ActivationFunction.exp.apply(x).bitPattern == want.bitPattern, "exp(\(x))")
    }
    #expect(ActivationFunction.exp.apply(-100).isSubnormal)
    var nans: [Float] = [.nan, poison, -.nan, Float(bitPattern: 0x7FC0_1234)]
    let before = nans.map(\.bitPattern)
    nans.withUnsafeMutableBufferPointer { ActivationFunction.exp.apply($0) }
    #expect(nans.map(\.bitPattern) == before, "NaN inputs come back unchanged (poison stays poison)")
  }

  @Test("the known near-ties are within one ulp")
  func nearTies() {
    for b in ActivationExpTests.knownNearTies {
      let x = Float(bitPattern: b)
      let got = ActivationFunction.exp.apply(x)
      let want = ActivationExpTests.reference(x)
      #expect(abs(Int(got.bitPattern) - Int(want.bitPattern)) <= 1, "exp(\(x))")
    }
  }

  @Test("every vector width the CPU has gives the generic loop's bits")
  func variantsAgree() {
    var inputs: [Float] = []
    var b: UInt32 = 0
    while b < 0xFF80_0000 {
      inputs.append(Float(bitPattern: b))
      b &+= 40_009
    }
    inputs += [.nan, Float(bitPattern: 0x7FDE_AD00), .infinity, -.infinity]
    var generic = inputs
    #expect(tessel_exp_f32_variant(0, &generic, generic.count) == 1)
    for v in [Int32(1), 2] {
      var y = inputs
      guard tessel_exp_f32_variant(v, &y, y.count) == 1 else { continue }
      #expect(y.map(\.bitPattern) == generic.map(\.bitPattern), "variant \(v)")
    }
    var best = inputs
    tessel_exp_f32(&best, best.count)
    #expect(best.map(\.bitPattern) == generic.map(\.bitPattern), "the dispatched variant")
    #expect(inputs.count > 100_000)
  }
}
