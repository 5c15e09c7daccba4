import Foundation
import TesselIR
import TesselInterpreter
import TesselNumerics
import TesselTestSupportCore
import Testing

/// Shapes swept by elementwise tests: 1, 7 and 128 partitions with ragged free sizes.
let sweptShapes: [[Int]] = [[1, 1], [1, 13], [7, 5], [7, 512], [128, 1], [128, 33], [128, 512], [3, 4, 5]]

@Suite("Elementwise instructions against scalar references")
struct ElementwiseTests {
  static let ops: [ALUOp] = [
    .add, .subtract, .multiply, .divide, .maximum, .minimum, .greater, .less, .equal,
    .greaterEqual, .lessEqual, .notEqual, .power, .mod, .fmod, .absMax, .logicalAnd,
  ]

  @Test("tensor_tensor", arguments: ops, [DType.float32, .bfloat16, .float16])
  func tensorTensor(op: ALUOp, dtype: DType) throws {
    for shape in sweptShapes {
      var k = TileKernel()
      let a = k.input("a", shape, dtype)
      let b = k.input("b", shape, dtype)
      let ta = k.tile("ta", shape, dtype)
      let tb = k.tile("tb", shape, dtype)
      let tc = k.tile("tc", shape, dtype)
      let out = k.output("out", shape, dtype)
      k.load(ta, a)
      k.load(tb, b)
      k.b.emit(.tensorTensor(dst: k.whole(tc), a: k.whole(ta), b: k.whole(tb), op: op))
      k.store(out, tc)
      var rng = SeededGenerator(seed: UInt64(shape.reduce(1, *)))
      let n = shape.reduce(1, *)
      let av = rng.array(n, 0.5, 3).map { refRound($0, dtype) }
      let bv = rng.array(n, 0.5, 3).map { refRound($0, dtype) }
      let r = try k.run([out], [av, bv])
      for i in 0..<n {
        let x = av[i]
        let y = bv[i]
        let expected: Float
        switch op {
        case .add: expected = x + y
        case .subtract: expected = x - y
        case .multiply: expected = x * y
        case .divide: expected = x / y
        case .maximum: expected = x > y ? x : y
        case .minimum: expected = x < y ? x : y
        case .greater: expected = x > y ? 1 : 0
        case .less: expected = x < y ? 1 : 0
        case .equal: expected = x == y ? 1 : 0
        case .greaterEqual: expected = x >= y ? 1 : 0
        case .lessEqual: expected = x <= y ? 1 : 0
        case .notEqual: expected = x != y ? 1 : 0
        case .power: expected = Float(pow(Double(x), Double(y)))
        case .mod:
          // numpy: fmod, then move the remainder to the divisor's sign.
          var r = x.truncatingRemainder(dividingBy: y)
          if r != 0 && (r < 0) != (y < 0) { r += y }
          expected = r
        case .fmod: expected = x.truncatingRemainder(dividingBy: y)
        case .absMax: expected = max(abs(x), abs(y))
        case .logicalAnd: expected = (x != 0 && y != 0) ? 1 : 0
        default: expected = .nan
        }
        let e = refRound(expected, dtype)
        let got = r.outputs[0][i]
        let tol: Float = op == .power ? abs(e) * 1e-5 : 0
        #expect(abs(got - e) <= tol, "\(op) \(dtype) \(shape) at \(i): \(x), \(y) -> \(got), expected \(e)")
        if abs(got - e) > tol { return }
      }
    }
  }

  @Test("tensor_scalar with immediates, per-partition vectors and reversed operands", arguments: sweptShapes)
  func tensorScalar(shape: [Int]) throws {
    let p = shape[0]
    var k = TileKernel()
    let a = k.input("a", shape)
    let v = k.input("v", [p, 1])
    let ta = k.tile("ta", shape)
    let tv = k.tile("tv", [p, 1])
    let tc = k.tile("tc", shape)
    let out = k.output("out", shape)
    k.load(ta, a)
    k.load(tv, v)
    k.b.emit(
      .tensorScalar(
        dst: k.whole(tc), src: k.whole(ta), op0: .subtract, operand0: .view(k.whole(tv)), reverse0: true,
        op1: .multiply, operand1: .scalar(3), reverse1: false))
    k.store(out, tc)
    var rng = SeededGenerator(seed: 7)
    let n = shape.reduce(1, *)
    let av = rng.array(n)
    let vv = rng.array(p)
    let r = try k.run([out], [av, vv])
    let free = n / p
    for i in 0..<n {
      let e = (vv[i / free] - av[i]) * 3
      #expect(r.outputs[0][i] == e)
    }
  }

  @Test(
    "activation functions with scale, bias and an add reduction",
    arguments: [ActivationFunction.exp, .tanh, .relu, .sigmoid, .square, .copy, .gelu, .silu, .rsqrt, .abs])
  func activation(f: ActivationFunction) throws {
    for shape in [[1, 3], [7, 33], [128, 512]] {
      let p = shape[0]
      let fr = shape[1]
      var k = TileKernel()
      let a = k.input("a", shape)
      let bias = k.input("bias", [p, 1])
      let ta = k.tile("ta", shape)
      let tb = k.tile("tb", [p, 1])
      let tc = k.tile("tc", shape)
      let red = k.tile("red", [p, 1])
      let out = k.output("out", shape)
      let rout = k.output("rout", [p, 1])
      k.load(ta, a)
      k.load(tb, bias)
      k.b.emit(
        .activation(
          dst: k.whole(tc), src: k.whole(ta), function: f, scale: .scalar(0.5), bias: k.whole(tb),
          reduceOp: .add, reduceDst: k.whole(red)))
      k.store(out, tc)
      k.store(rout, red)
      var rng = SeededGenerator(seed: 11)
      let av = rng.array(p * fr, 0.1, 2)
      let bv = rng.array(p, 0.1, 1)
      let r = try k.run([out, rout], [av, bv])
      for i in 0..<p {
        var sum: Double = 0
        for j in 0..<fr {
          let x = Double(av[i * fr + j]) * 0.5 + Double(bv[i])
          let y: Double
          switch f {
          case .exp: y = exp(x)
          case .tanh: y = tanh(x)
          case .relu: y = max(x, 0)
          case .sigmoid: y = 1 / (1 + exp(-x))
          case .square: y = x * x
          case .copy: y = x
          case .gelu: y = 0.5 * x * (1 + erf(x / 2.0.squareRoot()))
          case .silu: y = x / (1 + exp(-x))
          case .rsqrt: y = 1 / x.squareRoot()
          case .abs: y = abs(x)
          default: y = .nan
          }
          sum += y
          let got = Double(r.outputs[0][i * fr + j])
          #expect(abs(got - y) <= 1e-5 * max(1, abs(y)), "\(f) at (\(i), \(j)): \(got) vs \(y)")
        }
        #expect(abs(Double(r.outputs[1][i]) - sum) <= 1e-4 * max(1, abs(sum)))
      }
    }
  }

  @Test("activation without bias at unit scale: in place and not, x·1 = x (so 1/−0 = −∞), a zero bias is added (+∞)")
  func activationUnitScale() throws {
    for shape in [[1, 3], [7, 33], [128, 64]] {
      let p = shape[0]
      let fr = shape[1]
      for inPlace in [false, true] {
        var k = TileKernel()
        let a = k.input("a", shape)
        let zero = k.input("zero", [p, 1])
        let ta = k.tile("ta", shape)
        let tz = k.tile("tz", [p, 1])
        let tc = k.tile("tc", shape)
        let td = k.tile("td", shape)
        let out = k.output("out", shape)
        let biased = k.output("biased", shape)
        k.load(ta, a)
        k.load(tz, zero)
        k.b.emit(
          .activation(
            dst: k.whole(td), src: k.whole(ta), function: .reciprocal, scale: .scalar(1), bias: k.whole(tz),
            reduceOp: nil, reduceDst: nil))
        let dst = inPlace ? ta : tc
        k.b.emit(
          .activation(
            dst: k.whole(dst), src: k.whole(ta), function: .reciprocal, scale: .scalar(1), bias: nil,
            reduceOp: nil, reduceDst: nil))
        k.store(out, dst)
        k.store(biased, td)
        var rng = SeededGenerator(seed: 17)
        var av = rng.array(p * fr, -2, 2)
        av[0] = -0.0
        let r = try k.run([out, biased], [av, Array(repeating: 0, count: p)])
        for i in 0..<(p * fr) {
          #expect(r.outputs[0][i] == 1 / av[i], "in place \(inPlace), element \(i)")
          #expect(r.outputs[1][i] == 1 / (av[i] + 0), "biased, element \(i)")
        }
        #expect(r.outputs[0][0] == -.infinity && r.outputs[1][0] == .infinity)
      }
    }
  }

  @Test("memset, reciprocal, tensor_copy with dtype conversion")
  func simpleOps() throws {
    for shape in sweptShapes {
      var k = TileKernel()
      let a = k.input("a", shape)
      let ta = k.tile("ta", shape)
      let m = k.tile("m", shape, .int32)
      let rc = k.tile("rc", shape)
      let cp = k.tile("cp", shape, .bfloat16)
      let o1 = k.output("o1", shape, .int32)
      let o2 = k.output("o2", shape)
      let o3 = k.output("o3", shape, .bfloat16)
      k.load(ta, a)
      k.b.emit(.memset(dst: k.whole(m), value: 2.5))
      k.b.emit(.reciprocal(dst: k.whole(rc), src: k.whole(ta)))
      k.b.emit(.tensorCopy(dst: k.whole(cp), src: k.whole(ta)))
      k.store(o1, m)
      k.store(o2, rc)
      k.store(o3, cp)
      var rng = SeededGenerator(seed: 3)
      let n = shape.reduce(1, *)
      let av = rng.array(n, 0.25, 4)
      let r = try k.run([o1, o2, o3], [av])
      #expect(r.outputs[0].allSatisfy { $0 == 2 }, "2.5 rounds to even 2 in int32")
      for i in 0..<n {
        #expect(r.outputs[1][i] == 1 / av[i])
        #expect(r.outputs[2][i] == roundToBFloat16(av[i]))
      }
      #expect(r.report.warnings.isEmpty)
    }
  }
}
