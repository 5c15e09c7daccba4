extension Operation {
  /// `nisa.tensor_tensor_scan(data0, data1, initial, op0, op1)`: per partition along the free
  /// dimension, `state = (data0[i] op0 state) op1 data1[i]; dst[i] = state`, starting at `initial`.
  public struct TensorTensorScan: OperationPayload {
    public static let info = OperationInfo.compute(
      "tensor_tensor_scan", flow: .scan, cost: StreamCost(cyclesPerElement: 2))

    /// The tile written.
    public var dst: View
    /// The first data tile.
    public var data0: View
    /// The second data tile.
    public var data1: View
    /// The starting state: an immediate or a `[P, 1]` column.
    public var initial: Operand
    /// The operator combining `data0` with the state.
    public var op0: ALUOp
    /// The operator combining that with `data1`.
    public var op1: ALUOp

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      try c.sameTile([("data0", data0), ("data1", data1), ("dst", dst)])
      if let v = initial.view { try c.perPartitionVector(v, "initial", partitions: data0.partitionCount) }
    }

    public func printedArguments(_ f: IRFormat) -> String {
      "\(f.view(data0)), \(f.view(data1)), initial: \(f.operand(initial)), \(op0.nkiName), \(op1.nkiName)"
    }

    public static let operands: [OperandSlot<Self>] = [
      .init("dst", .destination, \.dst), .init("data0", .source, \.data0), .init("data1", .source, \.data1),
      .init("initial", .perPartition, \.initial),
    ]
  }
}
