extension Operation {
  /// `nisa.tensor_scalar_reduce(data, op0, operand0, reduce_op, reduce_res, reverse0)`:
  /// `dst = data op0 operand0` on the Vector engine (one `tensor_scalar` stage), and `reduce_res`
  /// (`[P, 1]`) = `reduce_op` over every free dimension of the fp32 results.
  public struct TensorScalarReduce: OperationPayload {
    public static let info = OperationInfo(
      nkiName: "tensor_scalar_reduce", defaultEngine: .vector, engines: [.vector], groups: .elementwise,
      dataFlow: .elementwise, cost: .stream(StreamCost(extraMinII: 1)))

    /// The reduction operators NKI accepts for `reduce_op`.
    public static let reduceOperators: [ALUOp] = [.add, .multiply, .maximum, .minimum]

    /// The tile written.
    public var dst: View
    /// The tile read (`data`).
    public var src: View
    /// The one stage (`op0`, `operand0`, `reverse0`).
    public var stage: TensorScalar.Stage
    /// The reduction operator (`reduce_op`).
    public var reduceOp: ALUOp
    /// The `[P, 1]` tile the reduction is written to (`reduce_res`).
    public var reduceDst: View

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      try c.sameTile([("data", src), ("dst", dst)])
      try stage.verifyFused(c, partitions: src.partitionCount)
      if !Self.reduceOperators.contains(reduceOp) {
        throw c.fail(
          .invalidOp(op: reduceOp.nkiName, reason: "reduce_op must be nl.add, nl.multiply, nl.max or nl.min"))
      }
      try c.perPartitionVector(reduceDst, "reduce_res", partitions: src.partitionCount)
    }

    public func printedArguments(_ f: IRFormat) -> String {
      "\(f.view(src)), \(stage.printed(f)), reduce: \(reduceOp.nkiName) -> \(f.view(reduceDst))"
    }

    public static let operands: [OperandSlot<Self>] = [
      .init("dst", .destination, \.dst), .init("data", .source, \.src),
      .init("operand0", .perPartition, \.stage.operand), .init("reduce_res", .reduceDestination, \.reduceDst),
    ]
  }
}
