extension Operation {
  /// `nisa.tensor_partition_reduce(op, data)`: reduces across partitions into `dst[1, F]`.
  ///
  /// The iteration space is the source's.
  public struct TensorPartitionReduce: OperationPayload {
    public static let info = OperationInfo.compute(
      "tensor_partition_reduce", on: .gpsimd, .reduction, flow: .partitionReduction, masks: false,
      cost: StreamCost(cyclesPerElement: 2))

    /// The `[1, F]` tile written.
    public var dst: View
    /// The `[P, F]` tile reduced (`data`).
    public var src: View
    /// The reduction operator.
    public var op: ALUOp

    public var iterationShape: [Int] { src.shape }

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      try c.checkReducible(op)
      if dst.partitionCount != 1 || dst.freeElementCount != src.freeElementCount {
        throw c.fail(.shapeMismatch(operands: ["dst", "data"], shapes: [dst.shape, src.shape]))
      }
    }

    public func printedArguments(_ f: IRFormat) -> String { "\(op.nkiName), \(f.view(src))" }

    public static let operands: [OperandSlot<Self>] = [
      .init("dst", .destination, \.dst), .init("data", .source, \.src),
    ]
  }
}
