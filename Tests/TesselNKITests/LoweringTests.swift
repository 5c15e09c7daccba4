import TesselIR
import TesselNKI
import Testing

private func tile(_ t: Int, _ shape: [Int]) -> View { .whole(TensorID(t), shape: shape) }

@Suite("NKI broadcasting, elementwise lowering and reduction shapes")
struct NKILoweringTests {
  @Test("broadcastShape follows NumPy: right-aligned, size-1 dimensions stretch")
  func broadcastShapes() {
    #expect(NKIRules.broadcastShape([128, 1], [128, 512]) == [128, 512])
    #expect(NKIRules.broadcastShape([1, 512], [7, 512]) == [7, 512])
    #expect(NKIRules.broadcastShape([512], [7, 512]) == [7, 512])
    #expect(NKIRules.broadcastShape([7, 1, 3], [7, 4, 1]) == [7, 4, 3])
    #expect(NKIRules.broadcastShape([128, 4], [128, 512]) == nil)
    #expect(NKIRules.broadcastShape([128, 1], [128, 4, 8]) == nil)
  }

  @Test("a broadcast view reads the stretched dimensions with zero steps")
  func broadcastView() throws {
    let v = try #require(NKIRules.broadcast(tile(1, [1, 5]), to: [3, 5]))
    #expect(v.shape == [3, 5])
    #expect(v.dims[0].steps == [0, 0] && v.dims[1].steps == tile(1, [1, 5]).dims[1].steps)
    #expect(NKIRules.broadcast(tile(1, [2, 5]), to: [3, 5]) == nil)
  }

  @Test(
    "two tiles of one shape become tensor_tensor; a [P, 1] column against [P, F] becomes tensor_scalar",
    arguments: [1, 7, 128], [1, 3, 512])
  func tileTile(partitions: Int, free: Int) throws {
    let a = tile(1, [partitions, free])
    let col = tile(2, [partitions, 1])
    let same = try ElementwiseBinary(.add, .tile(a, .float32), .tile(tile(2, [partitions, free]), .bfloat16))
    #expect(same.shape == [partitions, free] && same.dtype == .float32)
    guard case .tensorTensor(let tt) = same.operation(writing: tile(9, same.shape)) else {
      Issue.record("not tensor_tensor")
      return
    }
    #expect(tt.a == a && tt.op == .add)
    let left = try ElementwiseBinary(.subtract, .tile(col, .float32), .tile(a, .float32))
    let op = left.operation(writing: tile(9, left.shape))
    if free > 1 {
      // col - a: the tile is tensor_scalar's data, the column its reversed operand.
      guard case .tensorScalar(let ts) = op else {
        Issue.record("not tensor_scalar: \(op)")
        return
      }
      #expect(ts.src == a && ts.stages == [.init(op: .subtract, operand: .view(col), reversed: true)])
    } else {
      guard case .tensorTensor = op else {
        Issue.record("a [P, 1] against [P, 1] is tensor_tensor: \(op)")
        return
      }
    }
  }

  @Test("nisa.tensor_tensor never broadcasts a row across partitions; shapes that do not broadcast are errors")
  func tileErrors() {
    #expect(throws: KernelError.self) {
      try ElementwiseBinary(
        .add, .tile(tile(1, [1, 512]), .float32), .tile(tile(2, [128, 512]), .float32), broadcastsRows: false)
    }
    #expect(throws: KernelError.self) {
      try ElementwiseBinary(.add, .tile(tile(1, [2, 512]), .float32), .tile(tile(2, [128, 512]), .float32))
    }
    #expect(throws: KernelError.self) {
      try ElementwiseBinary(.add, .tile(tile(1, [1, 4]), .float32), .tile(tile(2, [128, 512]), .float32))
    }
    do {
      _ = try ElementwiseBinary(.add, .tile(tile(1, [128, 4]), .float32), .tile(tile(2, [128, 512]), .float32))
      Issue.record("expected a shape error")
    } catch {
      #expect(error.message.contains("data1") && error.operation == "tensor_tensor")
    }
    #expect(throws: KernelError.self) { try ElementwiseBinary(.add, .scalar(1, .int), .scalar(2, .int)) }
  }

  @Test("an nl operator broadcasts a [1, F] row to the other tile's partitions before tensor_tensor")
  func rowAcrossPartitions() throws {
    let plan = try ElementwiseBinary(.add, .tile(tile(1, [1, 512]), .float32), .tile(tile(2, [128, 512]), .float32))
    #expect(plan.shape == [128, 512] && plan.partitionBroadcast?.shape == [128, 512])
    #expect(plan.partitionBroadcast?.source.dims.first?.isBroadcast == true)
    let outer = try ElementwiseBinary(.add, .tile(tile(1, [7, 1]), .float32), .tile(tile(2, [1, 33]), .float32))
    #expect(outer.shape == [7, 33] && outer.partitionBroadcast?.shape == [7, 33])
  }

  @Test("the partition broadcast carries the mask's conditions on loop indices and on axes it does not repeat")
  func broadcastMask() throws {
    func cond(_ c: [Int]) -> AffineCondition {
      AffineCondition(coefficients: c, offset: AffineExpr(constant: -3), comparison: .less)
    }
    let loop = cond([0, 0])
    let partition = cond([1, 0])
    let free = cond([0, 1])
    let element = try ElementwiseBinary(.add, .tile(tile(1, [128, 512]), .float32), .tile(tile(2, [1, 1]), .float32))
    #expect(element.broadcastMask([loop, partition, free]) == [loop, partition])
    let row = try ElementwiseBinary(.add, .tile(tile(1, [1, 512]), .float32), .tile(tile(2, [128, 512]), .float32))
    #expect(row.broadcastMask([loop, partition, free]) == [loop, partition, free])
    let plain = try ElementwiseBinary(
      .add, .tile(tile(1, [128, 512]), .float32), .tile(tile(2, [128, 512]), .float32))
    #expect(plain.broadcastMask([loop]).isEmpty)
  }

  @Test("a tile and a scalar become tensor_scalar with an immediate; the scalar's weak dtype promotes")
  func tileScalar() throws {
    let x = tile(1, [7, 33])
    let right = try ElementwiseBinary(.multiply, .tile(x, .int8), .scalar(2, .int))
    #expect(right.dtype == .int32 && right.shape == [7, 33])
    let left = try ElementwiseBinary(.divide, .scalar(0.5, .float), .tile(x, .float16))
    #expect(left.dtype == .float32)
    guard case .tensorScalar(let ts) = left.operation(writing: tile(9, [7, 33])) else {
      Issue.record("not tensor_scalar")
      return
    }
    #expect(ts.stages == [.init(op: .divide, operand: .scalar(0.5), reversed: true)])
    let cmp = try ElementwiseBinary(.less, .tile(x, .float32), .scalar(0, .float))
    #expect(cmp.dtype == .bool)
    let explicit = try ElementwiseBinary(.add, .tile(x, .int16), .scalar(2, .int), dtype: .bfloat16)
    #expect(explicit.dtype == .bfloat16)
  }

  @Test("a reduction drops (or keeps with size 1) its axes and leaves at least [P, 1]")
  func reduceShapes() throws {
    #expect(try NKIRules.reduceShape([128, 512], axes: [1], keepDims: false) == [128, 1])
    #expect(try NKIRules.reduceShape([128, 512], axes: [1], keepDims: true) == [128, 1])
    #expect(try NKIRules.reduceShape([7, 4, 33], axes: [2], keepDims: false) == [7, 4])
    #expect(try NKIRules.reduceShape([7, 4, 33], axes: [1, 2], keepDims: false) == [7, 1])
    #expect(try NKIRules.reduceShape([7, 4, 33], axes: [1], keepDims: true) == [7, 1, 33])
    #expect(throws: KernelError.self) { try NKIRules.reduceShape([128, 512], axes: [0], keepDims: false) }
    #expect(throws: KernelError.self) { try NKIRules.reduceShape([128, 512], axes: [2], keepDims: false) }
    #expect(throws: KernelError.self) { try NKIRules.reduceShape([128, 512], axes: [1, 1], keepDims: false) }
  }
}
