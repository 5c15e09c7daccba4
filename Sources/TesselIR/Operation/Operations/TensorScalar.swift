extension Operation {
  /// `nisa.tensor_scalar(data, op0, operand0, reverse0, op1, operand1, reverse1)`:
  /// `dst = (data op0 operand0) op1 operand1`, where each operand is an fp32 immediate or a
  /// `[P, 1]` column broadcast along the free dimensions; a reversed stage swaps its operands.
  public struct TensorScalar: OperationPayload {
    public static let info = OperationInfo.compute(
      "tensor_scalar", .elementwise, flow: .elementwise, cost: StreamCost(fastPath: .copy))

    /// One stage: `x op operand`, or `operand op x` when reversed.
    public struct Stage: Sendable, Hashable, Codable {
      /// The operator.
      public var op: ALUOp
      /// The immediate or `[P, 1]` column.
      public var operand: Operand
      /// Whether the operand is the left side.
      public var reversed: Bool

      /// Creates a stage.
      public init(op: ALUOp, operand: Operand, reversed: Bool = false) {
        self.op = op
        self.operand = operand
        self.reversed = reversed
      }
    }

    /// The tile written.
    public var dst: View
    /// The tile read (`data`).
    public var src: View
    /// The first stage (`op0`, `operand0`, `reverse0`).
    public var stage0: Stage
    /// The optional second stage, applied to the first one's result.
    public var stage1: Stage?

    /// The second stage's operand when there is one (`operand1`); setting it to `nil` leaves the
    /// stages as they are.
    public var operand1: Operand? {
      get { stage1?.operand }
      set { if let newValue { stage1?.operand = newValue } }
    }

    /// The stages in order.
    public var stages: [Stage] { stage1.map { [stage0, $0] } ?? [stage0] }

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      try c.sameTile([("data", src), ("dst", dst)])
      for (n, s) in zip(["operand0", "operand1"], stages) {
        if let v = s.operand.view { try c.perPartitionVector(v, n, partitions: src.partitionCount) }
      }
      for s in stages { try c.checkBitwise(s.op, [("data", src)]) }
    }

    public func printedArguments(_ f: IRFormat) -> String {
      let parts = stages.map { $0.printed(f) }
      return ([f.view(src)] + parts).joined(separator: ", ")
    }

    public static let operands: [OperandSlot<Self>] = [
      .init("dst", .destination, \.dst), .init("data", .source, \.src),
      .init("operand0", .perPartition, \.stage0.operand), .init("operand1", .perPartition, \.operand1),
    ]
  }
}
