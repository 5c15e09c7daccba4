extension Operation {
  /// `nl.where(condition, x, y)`: `dst = predicate != 0 ? onTrue : onFalse`; each branch is a
  /// tile or an immediate.
  public struct Select: OperationPayload {
    public static let info = OperationInfo.compute(
      "where", .elementwise, flow: .elementwise, cost: StreamCost(sharedPort: true))

    /// The tile written.
    public var dst: View
    /// The condition tile.
    public var predicate: View
    /// What is taken where the condition is nonzero (`x`).
    public var onTrue: Operand
    /// What is taken elsewhere (`y`).
    public var onFalse: Operand

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      var ops: [(String, View)] = [("condition", predicate), ("dst", dst)]
      if let v = onTrue.view { ops.append(("x", v)) }
      if let v = onFalse.view { ops.append(("y", v)) }
      try c.sameTile(ops)
    }

    public func printedArguments(_ f: IRFormat) -> String {
      "\(f.view(predicate)), \(f.operand(onTrue)), \(f.operand(onFalse))"
    }

    public static let operands: [OperandSlot<Self>] = [
      .init("dst", .destination, \.dst), .init("condition", .predicate, \.predicate), .init("x", .source, \.onTrue),
      .init("y", .source, \.onFalse),
    ]
  }
}
