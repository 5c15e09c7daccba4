import Foundation
import Testing

@testable import TesselNumerics

/// `float4_e2m1fn` and `float8_e8m0fnu` against definitions written from the OCP MX layout.
@Suite("Microscaling formats")
struct MicroscalingTests {
  /// A 4-bit e2m1 code's value from its fields: subnormal `m·0.5`, normal `(1 + m/2)·2^(e-1)`.
  static func e2m1(_ code: UInt32) -> Float {
    let s: Float = code & 0b1000 != 0 ? -1 : 1
    let e = Int((code >> 1) & 0b11)
    let m = Float(code & 1)
    return s * (e == 0 ? m * 0.5 : (1 + m / 2) * Float(sign: .plus, exponent: e - 1, significand: 1))
  }

  @Test("float4_e2m1fn decodes every code from its fields")
  func decodeAll() {
    for code in UInt32(0)..<16 {
      #expect(MXFloat4.decode(code) == Self.e2m1(code), "code \(code)")
    }
  }

  @Test("float4_e2m1fn rounds to the nearest code, ties to even, saturating at 6")
  func quantizeSweep() {
    let codes = (UInt32(0)..<8).map { ($0, Self.e2m1($0)) }
    var x: Float = -8
    while x <= 8 {
      // Brute force over the codes, written independently of the implementation's loop.
      let a = Swift.min(abs(x), 6)
      let best = codes.min { l, r in
        let dl = abs(a - l.1)
        let dr = abs(a - r.1)
        return dl != dr ? dl < dr : l.0 % 2 == 0 && r.0 % 2 == 1
      }
      let expected = (x < 0 ? -1 : 1) * (best?.1 ?? .nan)
      #expect(MXFloat4.quantize(x) == expected, "x = \(x)")
      #expect(MXFloat4.quantize(x).sign == (x < 0 ? .minus : .plus), "sign of x = \(x)")
      x += 0.125
    }
    #expect(MXFloat4.quantize(.infinity) == 6)
    #expect(MXFloat4.quantize(-.infinity) == -6)
    #expect(MXFloat4.quantize(.nan) == 0)
  }

  @Test("float8_e8m0fnu decodes 2^(s-127) and 0xFF as NaN")
  func scaleDecode() {
    for s in UInt32(0)..<255 {
      #expect(MXScale.decode(s) == Float(pow(2.0, Double(Int(s) - 127))), "s = \(s)")
    }
    #expect(MXScale.decode(0xFF).isNaN)
  }

  @Test("float8_e8m0fnu encodes to the nearest power of two, halfway up")
  func scaleEncode() {
    for s in 1..<254 {
      let p = Double(Int(s) - 127)
      #expect(MXScale.encode(Float(pow(2.0, p))) == UInt32(s))
      #expect(MXScale.encode(Float(1.49 * pow(2.0, p))) == UInt32(s))
      #expect(MXScale.encode(Float(1.5 * pow(2.0, p))) == UInt32(s + 1))
    }
    #expect(MXScale.encode(3) == 129)
    #expect(MXScale.encode(Float(pow(2.0, -130.0))) == 0)
    #expect(MXScale.encode(.greatestFiniteMagnitude) == 0xFE)
    #expect(MXScale.encode(0) == 0xFF)
    #expect(MXScale.encode(-1) == 0xFF)
    #expect(MXScale.encode(.nan) == 0xFF)
  }
}
