import TesselIR
import TesselInterpreter
import TesselNumerics
import TesselTestSupportCore
import Testing

/// `scalar_tensor_tensor` and `tensor_scalar_reduce` against plain loops, over partition counts,
/// ragged free sizes, dtypes, reversed stages and scalar or `[P, 1]` operands.
@Suite("scalar_tensor_tensor and tensor_scalar_reduce")
struct FusedVectorTests {
  /// `x op y` as NKI's ALU computes it.
  func alu(_ op: ALUOp, _ x: Float, _ y: Float) -> Float {
    switch op {
    case .add: x + y
    case .subtract: x - y
    case .multiply: x * y
    case .divide: x / y
    case .maximum: Swift.max(x, y)
    case .minimum: Swift.min(x, y)
    default: .nan
    }
  }

  @Test(
    "scalar_tensor_tensor: (data op0 operand0) op1 operand1",
    arguments: [(1, 1), (7, 5), (128, 512), (100, 33)], [DType.float32, .bfloat16])
  func scalarTensorTensor(dims: (Int, Int), dtype: DType) throws {
    let (P, F) = dims
    for (op0, op1, r0, r1, vector) in [
      (ALUOp.subtract, ALUOp.multiply, false, false, true), (.subtract, .subtract, true, true, false),
      (.maximum, .divide, false, true, true),
    ] {
      var k = TileKernel()
      let a = k.input("a", [P, F], dtype)
      let b = k.input("b", [P, F], dtype)
      let c = k.input("c", [P, 1])
      let ta = k.tile("ta", [P, F], dtype)
      let tb = k.tile("tb", [P, F], dtype)
      let tc = k.tile("tc", [P, 1])
      let out = k.output("out", [P, F], dtype)
      let res = k.tile("res", [P, F], dtype)
      k.load(ta, a)
      k.load(tb, b)
      k.load(tc, c)
      k.b.emit(
        .scalarTensorTensor(
          dst: k.whole(res), src: k.whole(ta), op0: op0, operand0: vector ? .view(k.whole(tc)) : .scalar(0.75),
          reverse0: r0, op1: op1, operand1: k.whole(tb), reverse1: r1))
      k.store(out, res)
      var rng = SeededGenerator(seed: UInt64(P * 7 + F))
      let av = rng.array(P * F).map { refRound($0, dtype) }
      let bv = rng.array(P * F, 0.5, 2).map { refRound($0, dtype) }
      let cv = rng.array(P)
      let r = try k.run([out], [av, bv, cv])
      for p in 0..<P {
        for f in 0..<F {
          let o0 = vector ? cv[p] : 0.75
          let x = av[p * F + f]
          let y = bv[p * F + f]
          let t = r0 ? alu(op0, o0, x) : alu(op0, x, o0)
          let e = refRound(r1 ? alu(op1, y, t) : alu(op1, t, y), dtype)
          let got = r.outputs[0][p * F + f]
          #expect(got == e || abs(got - e) <= 1e-6 * abs(e), "\(op0) \(op1) (\(p), \(f)): \(got) vs \(e)")
        }
      }
    }
  }

  @Test("scalar_tensor_tensor may write over its operand1 (the intermediate is not written early)")
  func scalarTensorTensorInPlace() throws {
    var k = TileKernel()
    let a = k.input("a", [4, 6])
    let b = k.input("b", [4, 6])
    let ta = k.tile("ta", [4, 6])
    let tb = k.tile("tb", [4, 6])
    let out = k.output("out", [4, 6])
    k.load(ta, a)
    k.load(tb, b)
    k.b.emit(
      .scalarTensorTensor(
        dst: k.whole(tb), src: k.whole(ta), op0: .add, operand0: .scalar(1), reverse0: false, op1: .multiply,
        operand1: k.whole(tb), reverse1: false))
    k.store(out, tb)
    let av = (0..<24).map { Float($0) }
    let bv = (0..<24).map { Float($0 % 5) - 2 }
    let r = try k.run([out], [av, bv])
    #expect(r.outputs[0] == zip(av, bv).map { ($0 + 1) * $1 })
  }

  @Test(
    "tensor_scalar_reduce: data op0 operand0, and its per-partition reduction",
    arguments: [(1, 1), (7, 5), (128, 512), (100, 33)], [ALUOp.add, .maximum, .minimum, .multiply])
  func tensorScalarReduce(dims: (Int, Int), reduceOp: ALUOp) throws {
    let (P, F) = dims
    for (dtype, vector, reversed) in [(DType.float32, true, false), (.bfloat16, false, true)] {
      var k = TileKernel()
      let a = k.input("a", [P, F])
      let c = k.input("c", [P, 1])
      let ta = k.tile("ta", [P, F])
      let tc = k.tile("tc", [P, 1])
      let res = k.tile("res", [P, F], dtype)
      let red = k.tile("red", [P, 1])
      let out = k.output("out", [P, F], dtype)
      let outR = k.output("outR", [P, 1])
      k.load(ta, a)
      k.load(tc, c)
      k.b.emit(
        .tensorScalarReduce(
          dst: k.whole(res), src: k.whole(ta), op0: .multiply, operand0: vector ? .view(k.whole(tc)) : .scalar(-1.0),
          reverse0: reversed, reduceOp: reduceOp, reduceDst: k.whole(red)))
      k.store(out, res)
      k.store(outR, red)
      var rng = SeededGenerator(seed: UInt64(P * 3 + F))
      let av = rng.array(P * F, 0.9, 1.1)
      let cv = rng.array(P, 0.9, 1.1)
      let r = try k.run([out, outR], [av, cv])
      for p in 0..<P {
        var acc: Double =
          reduceOp == .multiply ? 1 : (reduceOp == .maximum ? -.infinity : (reduceOp == .minimum ? .infinity : 0))
        for f in 0..<F {
          let v = av[p * F + f] * (vector ? cv[p] : -1.0)
          #expect(r.outputs[0][p * F + f] == refRound(v, dtype), "(\(p), \(f))")
          switch reduceOp {
          case .add: acc += Double(v)
          case .multiply: acc *= Double(v)
          case .maximum: acc = Swift.max(acc, Double(v))
          default: acc = Swift.min(acc, Double(v))
          }
        }
        let got = Double(r.outputs[1][p])
        #expect(abs(got - acc) <= 1e-5 * Swift.max(1, abs(acc)) * Double(F), "\(reduceOp) row \(p): \(got) vs \(acc)")
      }
    }
  }

  @Test("tensor_scalar_reduce under a row mask reduces only the kept columns")
  func tensorScalarReduceMasked() throws {
    let P = 5
    let F = 9
    let keep = 4
    var k = TileKernel()
    let a = k.input("a", [P, F])
    let ta = k.tile("ta", [P, F])
    let res = k.tile("res", [P, F])
    let red = k.tile("red", [P, 1])
    let outR = k.output("outR", [P, 1])
    k.load(ta, a)
    k.b.emit(.memset(dst: k.whole(res), value: 0))
    k.b.emit(
      .tensorScalarReduce(
        dst: k.whole(res), src: k.whole(ta), op0: .add, operand0: .scalar(1), reverse0: false, reduceOp: .add,
        reduceDst: k.whole(red)),
      mask: [AffineCondition(coefficients: [0, 1], offset: AffineExpr(constant: -keep), comparison: .less)])
    k.store(outR, red)
    let av = (0..<(P * F)).map { Float($0) }
    let r = try k.run([outR], [av])
    for p in 0..<P {
      let e = (0..<keep).reduce(Float(0)) { $0 + av[p * F + $1] + 1 }
      #expect(r.outputs[0][p] == e)
    }
  }
}
