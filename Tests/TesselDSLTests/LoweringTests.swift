import TesselDSL
import TesselIR
import Testing

/// Builds a kernel with one `[128, 64]` input `x` (and `y`), whose body gets both loaded tiles.
func lowered(
  _ body: @escaping @Sendable (Tile<SBUF>, Tile<SBUF>, Tensor<HBM>) -> Void
) throws -> Kernel {
  try SwiftKernel(
    name: "lowering", parameters: [KernelParameter("x", shape: [128, 64]), KernelParameter("y", shape: [128, 64])]
  ) { args in
    let out = output("out", shape: [128, 64], dtype: .float32)
    let x = load(args[0])
    let y = load(args[1])
    body(x, y, out)
  }.build()
}

@Suite("Each DSL call lowers to the IR operation of its NKI spelling")
struct LoweringTests {
  @Test("nl.exp(x) is activation(exp, scale 1, no bias)")
  func exp() throws {
    let k = try lowered { x, _, out in store(out, value: TesselDSL.exp(x)) }
    let op = k.instructions[2].operation
    guard case .activation(let a) = op, a.function == .exp, a.scale == .scalar(1), a.bias == nil, a.reduce == nil else {
      Issue.record("got \(op)")
      return
    }
    #expect(a.dst.shape == [128, 64] && a.src.tensor == TensorID(3))
    #expect(k.instructions[2].engine == .scalar)
  }

  @Test("a PSUM tile takes its memory from its type: `let acc: Tile<PSUM> = zeros(...)`; unannotated is SBUF")
  func memoryFromType() throws {
    let k = try lowered { x, _, out in
      let acc: Tile<PSUM> = TesselDSL.zeros([128, 64], dtype: .float32)
      let scratch: Tile<PSUM> = ndarray([128, 64], dtype: .float32)
      let half: Tile<PSUM> = full([128, 64], 0.5, dtype: .float32)
      let sbuf = ones([128, 64], dtype: .float32)
      #expect(acc.declaration.space == .psum && scratch.declaration.space == .psum && half.declaration.space == .psum)
      #expect(sbuf.declaration.space == .sbuf && full([128, 1], 2, dtype: .float32).declaration.space == .sbuf)
      #expect(TesselDSL.zeros([128, 1], dtype: .float32).declaration.space == .sbuf)
      store(out, value: copy(TesselDSL.add(acc, x)))
    }
    #expect(k.tensors.filter { $0.space == MemorySpace.psum }.count == 3)
  }

  @Test("the unary functions new to the DSL (gelu_dx, silu_dx, erf_dx, gelu_apprx_sigmoid) are activations")
  func derivativeActivations() throws {
    let k = try lowered { x, _, out in
      store(out, value: geluDx(x))
      store(out, value: siluDx(x))
      store(out, value: erfDx(x))
      store(out, value: geluApprxSigmoid(x))
    }
    let functions = operations(k).compactMap { op -> ActivationFunction? in
      guard case .activation(let a) = op, a.scale == .scalar(1), a.bias == nil else { return nil }
      return a.function
    }
    #expect(functions == [.geluDx, .siluDx, .erfDx, .geluApprxSigmoid])
  }

  @Test(
    "nl.add(a, b) is tensor_tensor(add); nl.add(a, 1.0) is tensor_scalar; a [P, 1] operand is tensor_scalar's vector operand"
  )
  func add() throws {
    let k = try lowered { x, y, out in
      store(out, value: TesselDSL.add(x, y))
      store(out, value: TesselDSL.add(x, 1.5))
      store(out, value: subtract(1, x))
      store(out, value: TesselDSL.add(x, sum(y, axes: [1], keepDims: true)))
    }
    let ops = operations(k)
    guard case .tensorTensor(let tt) = ops[2], tt.op == .add else {
      Issue.record("got \(ops[2])")
      return
    }
    guard case .tensorScalar(let s4) = ops[4], s4.stages == [.init(op: .add, operand: .scalar(1.5))] else {
      Issue.record("got \(ops[4])")
      return
    }
    guard case .tensorScalar(let s6) = ops[6], s6.stages == [.init(op: .subtract, operand: .scalar(1), reversed: true)]
    else {
      Issue.record("got \(ops[6])")
      return
    }
    guard case .tensorReduce(let r) = ops[8], r.op == .add, r.axes == [1], !r.negate, r.dst.shape == [128, 1] else {
      Issue.record("got \(ops[8])")
      return
    }
    guard case .tensorScalar(let s9) = ops[9], s9.stage1 == nil, s9.stage0.op == .add, !s9.stage0.reversed,
      case .view(let v) = s9.stage0.operand
    else {
      Issue.record("got \(ops[9])")
      return
    }
    #expect(s9.src.shape == [128, 64] && v.shape == [128, 1])
  }

  @Test("nl.zeros(shape, buffer=psum) is a PSUM tile plus memset 0")
  func zeros() throws {
    let k = try lowered { x, _, out in
      let z = TesselDSL.zeros([128, 64], dtype: .float32, buffer: PSUM.self)
      store(out, value: z)
      _ = x
    }
    let t = k.tensors[5]
    #expect(t.space == .psum && t.shape == [128, 64] && t.dtype == .float32)
    guard case .memset(let m) = k.instructions[2].operation, m.value == 0, m.dst.tensor == TensorID(5) else {
      Issue.record("got \(k.instructions[2].operation)")
      return
    }
  }

  @Test("psum += matmul(a, b) accumulates with add; matmul(x, y) is nc_matmul(stationary: x, moving: y)")
  func matmul() throws {
    let k = try lowered { x, y, out in
      let psum = TesselDSL.zeros([64, 64], dtype: .float32, buffer: PSUM.self)
      psum += TesselDSL.matmul(x, y)
      let fresh = TesselDSL.matmul(x, y)
      store(out[0..<64, 0..<64], value: psum)
      store(out[64..<128, 0..<64], value: fresh)
    }
    guard case .matmul(let a) = k.instructions[3].operation, a.accumulation == .add else {
      Issue.record("got \(k.instructions[3].operation)")
      return
    }
    #expect(a.dst.tensor == TensorID(5) && a.stationary.tensor == TensorID(3) && a.moving.tensor == TensorID(4))
    guard case .matmul(let b) = k.instructions[4].operation, b.accumulation == .auto else {
      Issue.record("got \(k.instructions[4].operation)")
      return
    }
    #expect(
      k.tensors[b.dst.tensor.index].space == .psum && b.stationary.tensor == TensorID(3)
        && b.moving.tensor == TensorID(4))
    #expect(k.instructions[4].engine == .tensor)
  }

  @Test("tile[...] = value is one tensor_copy into the view; load/store move HBM ↔ SBUF")
  func assignAndMove() throws {
    let k = try lowered { x, y, out in
      x[0..., 0..<32].assign(y[0..., 32..<64])
      store(out, value: x)
    }
    guard case .load(let l) = k.instructions[0].operation else {
      Issue.record("no load")
      return
    }
    #expect(k.tensors[l.dst.tensor.index].space == .sbuf && k.tensors[l.src.tensor.index].space == .hbm)
    guard case .tensorCopy(let c) = k.instructions[2].operation else {
      Issue.record("no copy")
      return
    }
    #expect(c.dst.shape == [128, 32] && c.src.start[1] == AffineExpr(constant: 32))
    guard case .store = k.instructions[3].operation else {
      Issue.record("no store")
      return
    }
  }

  @Test("the rest of the vocabulary lowers to its IR case")
  func vocabulary() throws {
    let k = try lowered { x, y, out in
      let r = reciprocal(x)
      let s = select(greater(x, y), x, y)
      let ts = tensorScalar(x, op0: .multiply, operand0: 2, op1: .add, operand1: .tile(r[0..., 0..<1]))
      let scan = tensorTensorScan(x, y, initial: 0, op0: .multiply, op1: .add)
      let io = iota(GridIndex.partition * 64 + GridIndex.free, shape: [128, 64], dtype: .float32)
      let sel = affineSelect(GridIndex.partition >= GridIndex.free, onTrue: x, onFalse: -1)
      let pr = partitionReduce(.maximum, x)
      let st = bnStats(x)
      let ag = bnAggr(st)
      let bc = pr.broadcasted(to: [128, 64])
      let m = mean(x, axes: [1], keepDims: true)
      let t = TesselDSL.transpose(x[0..<64, 0..<64])
      let act = activation(.gelu, x, scale: 0.5, bias: m)
      for tile in [r, s, ts, scan, io, sel, bc, act] { store(out, value: tile) }
      store(out[0..<128, 0..<2], value: ag)
      store(out[0..<64, 0..<64], value: copy(t))
    }
    let names = k.instructions.map(\.operation.nkiName)
    for n in [
      "reciprocal", "tensor_tensor", "where", "tensor_scalar", "tensor_tensor_scan", "iota",
      "affine_select", "tensor_partition_reduce", "bn_stats", "bn_aggr", "broadcast_to", "tensor_reduce",
      "nc_transpose", "activation", "tensor_copy",
    ] {
      #expect(names.contains(n), "missing \(n) in \(names)")
    }
    let engines = Dictionary(k.instructions.map { ($0.operation.nkiName, $0.engine) }, uniquingKeysWith: { a, _ in a })
    #expect(engines["iota"] == .gpsimd && engines["affine_select"] == .gpsimd && engines["nc_transpose"] == .tensor)
  }

  @Test(
    "results without dtype= take NKI's promoted dtype (bool for comparisons)",
    arguments: [
      (DType.float16, DType.bfloat16, DType.float32), (.bfloat16, .int32, .bfloat16), (.int8, .uint8, .int16),
      (.float8e4m3, .float8e5m2, .bfloat16), (.bool, .int8, .int16),
    ])
  func promotion(a: DType, b: DType, expected: DType) throws {
    let k = try SwiftKernel(
      name: "promote",
      parameters: [KernelParameter("x", shape: [7, 33], dtype: a), KernelParameter("y", shape: [7, 33], dtype: b)]
    ) { args in
      let x = load(args[0])
      let y = load(args[1])
      store(output("sum", shape: [7, 33], dtype: .float32), value: TesselDSL.add(x, y))
      store(output("less", shape: [7, 33], dtype: .float32), value: less(x, y))
    }.build()
    let results = k.instructions.compactMap { i -> DType? in
      guard case .tensorTensor(let tt) = i.operation else { return nil }
      return k[tt.dst.tensor].dtype
    }
    #expect(results == [expected, .bool])
  }
}
