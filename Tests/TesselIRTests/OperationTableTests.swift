import TesselIR
import Testing

/// One operation of every kind, its operands' tensors numbered from 1 in NKI order.
private func view(_ t: Int, _ shape: [Int] = [8, 4]) -> View { .whole(TensorID(t), shape: shape) }

private let samples: [(Operation, [(String, OperandRole)])] = [
  (.load(dst: view(1), src: view(2)), [("dst", .destination), ("src", .source)]),
  (.store(dst: view(1), src: view(2)), [("dst", .destination), ("src", .source)]),
  (.dmaCopy(dst: view(1), src: view(2)), [("dst", .destination), ("src", .source)]),
  (.loadTranspose(dst: view(1), src: view(2)), [("dst", .destination), ("src", .source)]),
  (
    .matmul(dst: view(1), stationary: view(2), moving: view(3), accumulation: .auto),
    [("dst", .accumulator), ("stationary", .source), ("moving", .source)]
  ),
  (.transpose(dst: view(1), src: view(2)), [("dst", .destination), ("data", .source)]),
  (
    .tensorTensor(dst: view(1), a: view(2), b: view(3), op: .add),
    [("dst", .destination), ("data1", .source), ("data2", .source)]
  ),
  (
    .tensorScalar(
      dst: view(1), src: view(2), op0: .add, operand0: .view(view(3, [8, 1])), reverse0: false, op1: .multiply,
      operand1: .view(view(4, [8, 1])), reverse1: true),
    [("dst", .destination), ("data", .source), ("operand0", .perPartition), ("operand1", .perPartition)]
  ),
  (
    .scalarTensorTensor(
      dst: view(1), src: view(2), op0: .subtract, operand0: .view(view(3, [8, 1])), reverse0: false, op1: .multiply,
      operand1: view(4), reverse1: false),
    [("dst", .destination), ("data", .source), ("operand0", .perPartition), ("operand1", .source)]
  ),
  (
    .tensorScalarReduce(
      dst: view(1), src: view(2), op0: .multiply, operand0: .view(view(3, [8, 1])), reverse0: false,
      reduceOp: .maximum, reduceDst: view(4, [8, 1])),
    [("dst", .destination), ("data", .source), ("operand0", .perPartition), ("reduce_res", .reduceDestination)]
  ),
  (.tensorCopy(dst: view(1), src: view(2)), [("dst", .destination), ("data", .source)]),
  (
    .activation(
      dst: view(1), src: view(2), function: .exp, scale: .view(view(3, [8, 1])), bias: view(4, [8, 1]),
      reduceOp: .add, reduceDst: view(5, [8, 1])),
    [
      ("dst", .destination), ("data", .source), ("scale", .perPartition), ("bias", .perPartition),
      ("reduce_res", .reduceDestination),
    ]
  ),
  (.reciprocal(dst: view(1), src: view(2)), [("dst", .destination), ("data", .source)]),
  (.memset(dst: view(1), value: 2), [("dst", .destination)]),
  (
    .iota(dst: view(1), expression: AffineCondition(coefficients: [1, 0], offset: 0, comparison: .greaterEqual)),
    [("dst", .destination)]
  ),
  (
    .affineSelect(
      dst: view(1), predicate: AffineCondition(coefficients: [1, -1], offset: 0, comparison: .greaterEqual),
      onTrue: view(2), onFalse: -1),
    [("dst", .destination), ("on_true_tile", .source)]
  ),
  (
    .select(dst: view(1), predicate: view(2), onTrue: .view(view(3)), onFalse: .view(view(4))),
    [("dst", .destination), ("condition", .predicate), ("x", .source), ("y", .source)]
  ),
  (.broadcast(dst: view(1), src: view(2)), [("dst", .destination), ("data", .source)]),
  (
    .tensorReduce(dst: view(1, [8, 1]), src: view(2), op: .add, axes: [1], negate: false),
    [("dst", .destination), ("data", .source)]
  ),
  (
    .tensorPartitionReduce(dst: view(1, [1, 4]), src: view(2), op: .maximum),
    [("dst", .destination), ("data", .source)]
  ),
  (
    .tensorTensorScan(
      dst: view(1), data0: view(2), data1: view(3), initial: .view(view(4, [8, 1])), op0: .multiply, op1: .add),
    [("dst", .destination), ("data0", .source), ("data1", .source), ("initial", .perPartition)]
  ),
  (.bnStats(dst: view(1, [8, 6]), src: view(2)), [("dst", .destination), ("data", .source)]),
  (.bnAggr(dst: view(1, [8, 2]), src: view(2, [8, 6])), [("dst", .destination), ("data", .source)]),
  (.dmaTranspose(dst: view(1, [4, 8]), src: view(2), axes: [1, 0]), [("dst", .destination), ("src", .source)]),
  (
    .indirectDMA(dst: view(1), src: view(2, [20, 4]), indices: view(3, [8, 1]), side: .source, offsetSteps: [1, 0]),
    [("dst", .destination), ("src", .source), ("indices", .perPartition)]
  ),
  (
    .dmaCompute(dst: view(1), srcs: [view(2), view(3)]),
    [("dst", .destination), ("srcs[0]", .source), ("srcs[1]", .source)]
  ),
  (.max8(dst: view(1, [8, 8]), src: view(2, [8, 16])), [("dst", .destination), ("src", .source)]),
  (
    .findIndex8(dst: view(1, [8, 8]), data: view(2, [8, 16]), vals: view(3, [8, 8])),
    [("dst", .destination), ("data", .source), ("vals", .source)]
  ),
  (
    .matchReplace8(
      dst: view(1, [8, 16]), data: view(2, [8, 16]), vals: view(3, [8, 8]), imm: 0, dstIdx: view(4, [8, 8])),
    [("dst", .destination), ("data", .source), ("vals", .source), ("dst_idx", .reduceDestination)]
  ),
  (
    .streamShuffle(dst: view(1), src: view(2), mask: Array(repeating: 0, count: 32)),
    [("dst", .destination), ("src", .source)]
  ),
  (
    .rangeSelect(
      dst: view(1), onTrue: view(2), cmp0: .greaterEqual, cmp1: .less, bound0: view(3, [8, 1]),
      bound1: view(4, [8, 1]),
      rangeStart: 0, onFalse: -.greatestFiniteMagnitude, reduceDst: view(5, [8, 1])),
    [
      ("dst", .destination), ("on_true_tile", .source), ("bound0", .perPartition), ("bound1", .perPartition),
      ("reduce_res", .reduceDestination),
    ]
  ),
  (
    .quantizeMX(dst: view(1, [32, 2, 4]), src: view(2, [32, 8]), dstScale: view(3, [4, 2])),
    [("dst", .destination), ("src", .source), ("dst_scale", .reduceDestination)]
  ),
  (
    .matmulMX(
      dst: view(1, [2, 3]), stationary: view(2, [32, 2, 4]), moving: view(3, [32, 3, 4]),
      stationaryScale: view(4, [4, 2]), movingScale: view(5, [4, 3]), accumulation: .auto),
    [
      ("dst", .accumulator), ("stationary", .source), ("moving", .source), ("stationary_scale", .source),
      ("moving_scale", .source),
    ]
  ),
]

@Suite("The operation table: payloads, operand roles and generic rewrites")
struct OperationTableTests {
  @Test("every operation lists its operands with NKI names and roles, destination first", arguments: samples.indices)
  func operands(index: Int) {
    let (op, expected) = samples[index]
    let uses = op.operands
    #expect(uses.map(\.name) == expected.map(\.0), "\(op.nkiName)")
    #expect(uses.map(\.role) == expected.map(\.1), "\(op.nkiName)")
    // Operand i reads or writes tensor i + 1.
    #expect(uses.map(\.view.tensor) == uses.indices.map { TensorID($0 + 1) }, "\(op.nkiName)")
    #expect(op.destination == uses.first?.view)
    #expect(op.sources.map(\.name) == expected.filter { !$0.1.isWritten }.map(\.0))
    #expect(op.destinations.count == expected.filter { $0.1.isWritten }.count)
  }

  @Test("remapped rewrites every view operand and keeps everything else", arguments: samples.indices)
  func remapped(index: Int) {
    let op = samples[index].0
    #expect(op.remapped({ $0 }, { $0 }) == op)
    let shifted = op.remapped({ shift($0, by: 10) }, { shift($0, by: 10) })
    #expect(shifted.operands.map(\.view.tensor.index) == op.operands.map { $0.view.tensor.index + 10 })
    #expect(shifted.nkiName == op.nkiName)
    #expect(shifted.remapped({ shift($0, by: -10) }, { shift($0, by: -10) }) == op)
  }

  @Test("retargetedDestination replaces the destination alone", arguments: samples.indices)
  func retargeted(index: Int) {
    let op = samples[index].0
    let moved = op.retargetedDestination(view(42, op.destination?.shape ?? []))
    #expect(moved.destination?.tensor == TensorID(42))
    #expect(Array(moved.operands.dropFirst()) == Array(op.operands.dropFirst()))
  }

  @Test("the table's rows: unique NKI names, the default engine among the allowed ones")
  func rows() {
    let infos = samples.compactMap(\.0.info)
    #expect(infos.count == samples.count)
    #expect(Set(infos.map(\.nkiName)).count == infos.count)
    for i in infos { #expect(i.engines.contains(i.defaultEngine), "\(i.nkiName)") }
    let dma = samples.filter { $0.0.groups.contains(.dataMovement) }.map(\.0.nkiName)
    #expect(dma == ["load", "store", "dma_copy", "load_transpose2d", "dma_transpose", "indirect_dma", "dma_compute"])
    for (op, _) in samples where op.groups.contains(.dataMovement) { #expect(op.defaultEngine == .dma) }
    let reductions = samples.filter { !$0.0.iteratesOverDestination }.map(\.0.nkiName)
    #expect(reductions == ["tensor_reduce", "tensor_partition_reduce", "bn_stats", "bn_aggr"])
    #expect(Operation.loopEnd(begin: 0).payload == nil && Operation.loopEnd(begin: 0).operands.isEmpty)
  }

  @Test("tensor_scalar and activation keep their optional parts together")
  func invariants() {
    guard
      case .tensorScalar(let ts) = Operation.tensorScalar(
        dst: view(1), src: view(2), op0: .add, operand0: .scalar(1), reverse0: false, op1: nil, operand1: nil,
        reverse1: false)
    else {
      Issue.record("not tensor_scalar")
      return
    }
    #expect(ts.stages == [.init(op: .add, operand: .scalar(1))])
    guard
      case .activation(let a) = Operation.activation(
        dst: view(1), src: view(2), function: .exp, scale: .scalar(1), bias: nil, reduceOp: .add, reduceDst: view(3))
    else {
      Issue.record("not activation")
      return
    }
    #expect(a.reduce == .init(op: .add, dst: view(3)))
  }
}

/// The view on the tensor `k` further on.
private func shift(_ v: View, by k: Int) -> View {
  View(tensor: TensorID(v.tensor.index + k), start: v.start, dims: v.dims)
}

/// The operand on the tensor `k` further on, if it is a view.
private func shift(_ o: Operand, by k: Int) -> Operand {
  guard case .view(let v) = o else { return o }
  return .view(shift(v, by: k))
}
