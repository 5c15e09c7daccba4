extension Operation {
  /// `nisa.affine_select(pred, on_true_tile, on_false_value)`: `dst = pred(i) ? onTrue : onFalse`,
  /// with `pred` an affine condition of the iteration indices (a causal mask, for example).
  public struct AffineSelect: OperationPayload {
    public static let info = OperationInfo.compute(
      "affine_select", on: .gpsimd, .elementwise, flow: .elementwise, cost: StreamCost())

    /// The tile written.
    public var dst: View
    /// The condition over the iteration indices.
    public var predicate: AffineCondition
    /// The tile taken where the condition holds (`on_true_tile`).
    public var onTrue: View
    /// The value taken elsewhere.
    public var onFalse: Float

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      try c.checkCondition(predicate)
      try c.sameTile([("on_true_tile", onTrue), ("dst", dst)])
    }

    public func printedArguments(_ f: IRFormat) -> String {
      "\(f.condition(predicate)), \(f.view(onTrue)), \(f.number(onFalse))"
    }

    public static let operands: [OperandSlot<Self>] = [
      .init("dst", .destination, \.dst), .init("on_true_tile", .source, \.onTrue),
    ]
  }
}
