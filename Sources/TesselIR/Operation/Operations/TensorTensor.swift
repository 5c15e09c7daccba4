extension Operation {
  /// `nisa.tensor_tensor(data1, data2, op)`: `dst = a op b` on two tiles.
  ///
  /// `nl.add`, `nl.multiply` and the other binary `nl` functions on two tiles lower to it.
  public struct TensorTensor: OperationPayload {
    public static let info = OperationInfo.compute(
      "tensor_tensor", .elementwise, flow: .elementwise, cost: StreamCost(sharedPort: true, fastPath: .binary))

    /// The tile written.
    public var dst: View
    /// The left operand (`data1`).
    public var a: View
    /// The right operand (`data2`).
    public var b: View
    /// The operator.
    public var op: ALUOp

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      try c.sameTile([("data1", a), ("data2", b), ("dst", dst)])
      try c.checkBitwise(op, [("data1", a), ("data2", b)])
    }

    public func printedArguments(_ f: IRFormat) -> String {
      "\(f.view(a)), \(f.view(b)), op: \(op.nkiName)"
    }

    public static let operands: [OperandSlot<Self>] = [
      .init("dst", .destination, \.dst), .init("data1", .source, \.a), .init("data2", .source, \.b),
    ]
  }
}
