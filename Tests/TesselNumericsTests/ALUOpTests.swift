import TesselIR
import TesselNumerics
import TesselTestSupportCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ALU operations against hand-written expectations.
@Suite("ALU operations")
struct ALUOpTests {
  /// One `(a, b) → expected` case.
  struct Case: Sendable, CustomStringConvertible {
    let op: ALUOp
    let a: Float
    let b: Float
    let expected: Float
    var description: String { "\(op.nkiName)(\(a), \(b)) = \(expected)" }
  }

  static let cases: [Case] = [
    // Arithmetic.
    Case(op: .add, a: 1.5, b: 2.25, expected: 3.75),
    Case(op: .add, a: 16_777_216, b: 1, expected: 16_777_216),  // fp32 rounding
    Case(op: .subtract, a: 1, b: 3, expected: -2),
    Case(op: .multiply, a: -3, b: 0.5, expected: -1.5),
    Case(op: .divide, a: 1, b: 4, expected: 0.25),
    Case(op: .divide, a: 1, b: 0, expected: .infinity),
    Case(op: .divide, a: -1, b: 0, expected: -.infinity),
    Case(op: .maximum, a: -1, b: 2, expected: 2),
    Case(op: .maximum, a: 3, b: -.infinity, expected: 3),
    Case(op: .minimum, a: -1, b: 2, expected: -1),
    Case(op: .power, a: 2, b: 10, expected: 1024),
    Case(op: .power, a: 9, b: 0.5, expected: 3),
    Case(op: .power, a: 2, b: -2, expected: 0.25),
    Case(op: .power, a: -8, b: 1.0 / 3.0, expected: .nan),
    // mod takes the divisor's sign (numpy); fmod the dividend's (C).
    Case(op: .mod, a: 7, b: 3, expected: 1),
    Case(op: .mod, a: -7, b: 3, expected: 2),
    Case(op: .mod, a: 7, b: -3, expected: -2),
    Case(op: .mod, a: -7, b: -3, expected: -1),
    Case(op: .mod, a: 5.5, b: 2, expected: 1.5),
    Case(op: .mod, a: -5.5, b: 2, expected: 0.5),
    Case(op: .mod, a: 6, b: 3, expected: 0),
    Case(op: .mod, a: 5, b: 0, expected: .nan),
    Case(op: .mod, a: -3, b: .infinity, expected: .infinity),  // numpy: fmod -3, then + inf
    Case(op: .mod, a: 3, b: .infinity, expected: 3),
    Case(op: .fmod, a: 7, b: 3, expected: 1),
    Case(op: .fmod, a: -7, b: 3, expected: -1),
    Case(op: .fmod, a: 7, b: -3, expected: 1),
    Case(op: .fmod, a: -5.5, b: 2, expected: -1.5),
    Case(op: .fmod, a: 5, b: 0, expected: .nan),
    Case(op: .absMax, a: -5, b: 3, expected: 5),
    Case(op: .absMax, a: 2, b: -3, expected: 3),
    Case(op: .absMin, a: -5, b: 3, expected: 3),
    Case(op: .absMin, a: -2, b: 3, expected: 2),
    // Comparisons.
    Case(op: .equal, a: 2, b: 2, expected: 1),
    Case(op: .equal, a: 0, b: -0.0, expected: 1),
    Case(op: .equal, a: 2, b: 3, expected: 0),
    Case(op: .notEqual, a: 2, b: 3, expected: 1),
    Case(op: .notEqual, a: 2, b: 2, expected: 0),
    Case(op: .greater, a: 3, b: 2, expected: 1),
    Case(op: .greater, a: 2, b: 2, expected: 0),
    Case(op: .greaterEqual, a: 2, b: 2, expected: 1),
    Case(op: .greaterEqual, a: 1, b: 2, expected: 0),
    Case(op: .less, a: 1, b: 2, expected: 1),
    Case(op: .less, a: 2, b: 2, expected: 0),
    Case(op: .lessEqual, a: 2, b: 2, expected: 1),
    Case(op: .lessEqual, a: 3, b: 2, expected: 0),
    // Logical: nonzero is true.
    Case(op: .logicalAnd, a: 2, b: -0.5, expected: 1),
    Case(op: .logicalAnd, a: 2, b: 0, expected: 0),
    Case(op: .logicalOr, a: 0, b: -0.0, expected: 0),
    Case(op: .logicalOr, a: 0, b: 7, expected: 1),
    Case(op: .logicalXor, a: 1, b: 5, expected: 0),
    Case(op: .logicalXor, a: 0, b: 5, expected: 1),
    // Bitwise on integer values (truncated toward zero).
    Case(op: .bitwiseAnd, a: 12, b: 10, expected: 8),
    Case(op: .bitwiseAnd, a: 12.9, b: 10.2, expected: 8),
    Case(op: .bitwiseAnd, a: -1, b: 255, expected: 255),
    Case(op: .bitwiseAnd, a: -8, b: -3, expected: -8),
    // uint32 values above 2^31 stay unsigned.
    Case(op: .bitwiseAnd, a: 4_294_967_040, b: 4_294_967_040, expected: 4_294_967_040),
    Case(op: .bitwiseOr, a: 12, b: 10, expected: 14),
    Case(op: .bitwiseOr, a: -16, b: 3, expected: -13),
    Case(op: .bitwiseXor, a: 12, b: 10, expected: 6),
    Case(op: .bitwiseXor, a: 5, b: -1, expected: -6),
    Case(op: .bitwiseXor, a: -2.7, b: 0, expected: -2),
    Case(op: .leftShift, a: 3, b: 4, expected: 48),
    Case(op: .leftShift, a: 1, b: 31, expected: 2_147_483_648),
    Case(op: .leftShift, a: -1, b: 4, expected: -16),
    Case(op: .leftShift, a: 3, b: 32, expected: 0),
    Case(op: .leftShift, a: 3, b: -1, expected: 0),
    Case(op: .rightShift, a: 48, b: 4, expected: 3),
    Case(op: .rightShift, a: -8, b: 28, expected: 15),  // logical: 0xFFFFFFF8 >> 28
    Case(op: .rightShift, a: -1, b: 0, expected: 4_294_967_296),  // 0xFFFFFFFF as a Float
    Case(op: .rightShift, a: 48, b: 40, expected: 0),
    Case(op: .rightShift, a: 48, b: -2, expected: 0),
  ]

  @Test("reference semantics", arguments: cases)
  func semantics(_ c: Case) {
    let result = c.op.apply(c.a, c.b)
    if c.expected.isNaN {
      #expect(result.isNaN)
    } else {
      #expect(result == c.expected)
    }
  }

  @Test("mod result has the divisor's sign and |result| < |divisor|")
  func modMatchesFloorDefinition() {
    var generator = SeededGenerator(seed: 0x30D)
    for _ in 0..<2_000 {
      let a = Float(Int.random(in: -1000...1000, using: &generator)) / 8
      var b = Float(Int.random(in: -64...64, using: &generator)) / 4
      if b == 0 { b = 1.5 }
      let r = ALUOp.mod.apply(a, b)
      // a - floor(a / b) * b, exact here because the operands are short dyadic rationals.
      let expected = Double(a) - (Double(a) / Double(b)).rounded(.down) * Double(b)
      #expect(Double(r) == expected, "mod(\(a), \(b))")
      #expect(r == 0 || (r < 0) == (b < 0))
      #expect(ALUOp.fmod.apply(a, b) == Float(fmod(Double(a), Double(b))))
    }
    #expect(ALUOp.mod.apply(6, -3).bitPattern == 0x8000_0000)  // zero takes the divisor's sign
    #expect(ALUOp.mod.apply(-6, 3).bitPattern == 0)
  }

  @Test(
    "NaN: arithmetic and max/min propagate, comparisons are false, NaN is truthy, bitwise reads 0")
  func nanBehaviour() {
    let nan = Float.nan
    for op: ALUOp in [
      .add, .subtract, .multiply, .divide, .maximum, .minimum, .mod, .fmod, .absMax, .absMin,
    ] {
      #expect(op.apply(nan, 1).isNaN, "\(op)(nan, 1)")
      #expect(op.apply(1, nan).isNaN, "\(op)(1, nan)")
    }
    #expect(ALUOp.power.apply(nan, 2).isNaN)
    #expect(ALUOp.power.apply(nan, 0) == 1)  // C pow
    for op: ALUOp in [.equal, .greater, .greaterEqual, .less, .lessEqual] {
      #expect(op.apply(nan, nan) == 0)
      #expect(op.apply(nan, 1) == 0)
    }
    #expect(ALUOp.notEqual.apply(nan, nan) == 1)
    #expect(ALUOp.logicalAnd.apply(nan, 1) == 1)
    #expect(ALUOp.logicalOr.apply(nan, 0) == 1)
    #expect(ALUOp.logicalXor.apply(nan, 1) == 0)
    #expect(ALUOp.bitwiseOr.apply(nan, 5) == 5)
    #expect(ALUOp.bitwiseAnd.apply(nan, 5) == 0)
    #expect(ALUOp.leftShift.apply(nan, 3) == 0)
    #expect(ALUOp.leftShift.apply(3, nan) == 3)  // shift by 0
    // +inf saturates to Int64.max, whose low 32 bits are all ones.
    #expect(ALUOp.rightShift.apply(.infinity, 1) == 2_147_483_648)
  }

  @Test("maximum and minimum with infinities and signed zeros")
  func extremes() {
    #expect(ALUOp.maximum.apply(-.infinity, -1e38) == -1e38)
    #expect(ALUOp.minimum.apply(.infinity, 1e38) == 1e38)
    #expect(ALUOp.maximum.apply(0, -0.0) == 0)
    #expect(ALUOp.minimum.apply(0, -0.0) == 0)
    #expect(ALUOp.absMax.apply(-.infinity, 1) == .infinity)
  }

  @Test("every case is covered by the reference table")
  func coverage() {
    let covered = Set(ALUOpTests.cases.map(\.op))
    #expect(covered == Set(ALUOp.allCases))
  }
}
