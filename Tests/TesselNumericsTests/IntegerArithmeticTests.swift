import TesselIR
import TesselNumerics
import Testing

/// `ALUOp.applyInteger` against references written from the semantics in `Double` (exact for the
/// 32-bit operands used here), and the rule that decides when integer arithmetic applies.
@Suite("integer arithmetic (int32/uint32 tiles)")
struct IntegerArithmeticTests {
  /// Operands with both signs, zero, ±1 and values near the 32-bit ends.
  static let operands: [Int64] = [
    0, 1, -1, 2, -2, 3, -3, 4, -4, 7, -7, 17, -17, 38, 2224, -2224, 65535, 1 << 24, -(1 << 24), 2_147_483_647,
    -2_147_483_648, 4_294_967_295,
  ]

  @Test("divide truncates toward zero, mod takes the divisor's sign, fmod the dividend's")
  func divisionFamily() {
    for a in Self.operands {
      for b in Self.operands where b != 0 {
        let q = (Double(a) / Double(b)).rounded(.towardZero)
        #expect(ALUOp.divide.applyInteger(a, b) == .success(Int64(q)), "\(a) / \(b)")
        let floorRemainder = Double(a) - (Double(a) / Double(b)).rounded(.down) * Double(b)
        // (floor of the exact quotient: Double's quotient of two integers below 2^33 never
        // rounds across an integer, so the floor is exact.)
        #expect(ALUOp.mod.applyInteger(a, b) == .success(Int64(floorRemainder)), "\(a) mod \(b)")
        #expect(ALUOp.fmod.applyInteger(a, b) == .success(Int64(Double(a) - q * Double(b))), "\(a) fmod \(b)")
      }
      for op in [ALUOp.divide, .mod, .fmod] {
        #expect(op.applyInteger(a, 0) == .failure(.divisionByZero), "\(a) \(op) 0")
      }
    }
    // The documented examples: -17 / 4 = -4 remainder -1 (fmod), Python's -17 % 4 = 3.
    #expect(ALUOp.divide.applyInteger(-17, 4) == .success(-4))
    #expect(ALUOp.fmod.applyInteger(-17, 4) == .success(-1))
    #expect(ALUOp.mod.applyInteger(-17, 4) == .success(3))
    #expect(ALUOp.divide.applyInteger(2224, 38) == .success(58))
  }

  @Test("add, subtract, multiply, max, min, comparisons are exact beyond 2^24")
  func exactArithmetic() {
    for a in Self.operands {
      for b in Self.operands {
        #expect(ALUOp.add.applyInteger(a, b) == .success(a + b))
        #expect(ALUOp.subtract.applyInteger(a, b) == .success(a - b))
        // (4294967295² is beyond 64 bits.)
        let product = Double(a) * Double(b)
        if product.magnitude < 0x1p63 {
          #expect(ALUOp.multiply.applyInteger(a, b) == .success(a * b))
        } else {
          #expect(ALUOp.multiply.applyInteger(a, b) == .failure(.beyond64Bits))
        }
        #expect(ALUOp.maximum.applyInteger(a, b) == .success(a > b ? a : b))
        #expect(ALUOp.minimum.applyInteger(a, b) == .success(a < b ? a : b))
        #expect(ALUOp.absMax.applyInteger(a, b) == .success(Swift.max(abs(a), abs(b))))
        #expect(ALUOp.less.applyInteger(a, b) == .success(a < b ? 1 : 0))
        #expect(ALUOp.equal.applyInteger(a, b) == .success(a == b ? 1 : 0))
      }
    }
    // fp32 would give 16777216 for 2^24 + 1.
    #expect(ALUOp.add.applyInteger(1 << 24, 1) == .success((1 << 24) + 1))
  }

  @Test("power is exact for non-negative exponents; bitwise ops agree with the fp32 form")
  func powerAndBitwise() {
    for a: Int64 in -5...5 {
      var expected: Int64 = 1
      for e: Int64 in 0...9 {
        #expect(ALUOp.power.applyInteger(a, e) == .success(expected), "\(a) ** \(e)")
        expected *= a
      }
      #expect(ALUOp.power.applyInteger(a, -1) == .failure(.negativeExponent))
    }
    #expect(ALUOp.power.applyInteger(1 << 32, 3) == .failure(.beyond64Bits))
    for a: Int64 in [-9, -1, 0, 5, 255, 4096] {
      for b: Int64 in [0, 1, 3, 31, 32, 255] {
        for op in [ALUOp.bitwiseAnd, .bitwiseOr, .bitwiseXor, .leftShift, .rightShift] {
          // The fp32 form is the exact result rounded to fp32.
          guard case .success(let r) = op.applyInteger(a, b) else {
            Issue.record("\(op) \(a) \(b) failed")
            continue
          }
          #expect(Float(r) == op.apply(Float(a), Float(b)), "\(op) \(a) \(b)")
        }
      }
    }
    // Logical right shift of a negative value: beyond 2^24, which fp32 rounds.
    #expect(ALUOp.rightShift.applyInteger(-1, 1) == .success(2_147_483_647))
    #expect(ALUOp.rightShift.applyInteger(-9, 0) == .success(4_294_967_287))
    #expect(ALUOp.bitwiseXor.applyInteger(0x7FFF_FFFF, 1) == .success(0x7FFF_FFFE))
  }

  @Test("integer arithmetic applies when every tile is int32/uint32 outside PSUM and scalars are integers")
  func rule() {
    let sbuf = MemorySpace.sbuf
    #expect(IntegerArithmetic.applies(tiles: [(.int32, sbuf), (.int32, sbuf)], scalars: [38]))
    #expect(IntegerArithmetic.applies(tiles: [(.uint32, sbuf), (.int32, .hbm)], scalars: [-3]))
    #expect(!IntegerArithmetic.applies(tiles: [(.int32, sbuf), (.int32, sbuf)], scalars: [2.5]))
    #expect(!IntegerArithmetic.applies(tiles: [(.int32, .psum), (.int32, sbuf)], scalars: []))
    for narrow in [DType.int8, .int16, .uint8, .uint16, .bool, .float32, .bfloat16] {
      #expect(!IntegerArithmetic.applies(tiles: [(.int32, sbuf), (narrow, sbuf)], scalars: []), "\(narrow)")
    }
    #expect(IntegerArithmetic.isExactInFloat(1 << 24))
    #expect(!IntegerArithmetic.isExactInFloat((1 << 24) + 1))
    #expect(IntegerArithmetic.isExactInFloat((1 << 24) + 2))
    #expect(!IntegerArithmetic.isExactInFloat(-(1 << 24) - 1))
  }
}
