extension Operation {
  /// `nisa.scalar_tensor_tensor(data, op0, operand0, op1, operand1, reverse0, reverse1)`:
  /// `dst = (data op0 operand0) op1 operand1` on the Vector engine, where `operand0` is an fp32
  /// immediate or a `[P, 1]` column broadcast along the free dimensions and `operand1` a tile of
  /// the data's shape; a reversed stage swaps its operands.
  ///
  /// The intermediate stays in fp32.
  public struct ScalarTensorTensor: OperationPayload {
    public static let info = OperationInfo(
      nkiName: "scalar_tensor_tensor", defaultEngine: .vector, engines: [.vector], groups: .elementwise,
      dataFlow: .elementwise, cost: .stream(StreamCost(cyclesPerElement: 2)))

    /// `2N` cycles, `N` for the bf16 subtract-then-multiply form (its 16-bit fast path).
    public var cost: CostRule {
      stage0.op == .subtract && op1 == .multiply
        ? .stream(StreamCost(cyclesPerElement: 2, fastPath: .halfFor16Bit)) : Self.info.cost
    }

    /// The tile written.
    public var dst: View
    /// The tile read first (`data`).
    public var src: View
    /// The first stage (`op0`, `operand0`, `reverse0`): `data op0 operand0`.
    public var stage0: TensorScalar.Stage
    /// The second operator (`op1`).
    public var op1: ALUOp
    /// The tile combined with the first stage's result (`operand1`).
    public var operand1: View
    /// Whether `operand1` is the left side of `op1` (`reverse1`).
    public var reverse1: Bool

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      try c.sameTile([("data", src), ("operand1", operand1), ("dst", dst)])
      try stage0.verifyFused(c, partitions: src.partitionCount, extraOperators: [op1])
      // data and operand1 cannot both be read from PSUM.
      if c.decl(src).space == .psum && c.decl(operand1).space == .psum {
        throw c.fail(.wrongMemorySpace(operand: "operand1", expected: "sbuf", actual: .psum))
      }
    }

    public func printedArguments(_ f: IRFormat) -> String {
      "\(f.view(src)), \(stage0.printed(f)), \(op1.nkiName)\(reverse1 ? "(reversed)" : "") \(f.view(operand1))"
    }

    public static let operands: [OperandSlot<Self>] = [
      .init("dst", .destination, \.dst), .init("data", .source, \.src),
      .init("operand0", .perPartition, \.stage0.operand), .init("operand1", .source, \.operand1),
    ]
  }
}
