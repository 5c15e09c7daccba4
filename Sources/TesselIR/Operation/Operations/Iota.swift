extension Operation {
  /// `nisa.iota(expr, dtype)`: `dst[i] = Σ_d coefficients[d]·i_d + offset` over the iteration
  /// indices (the condition's comparison is ignored).
  public struct Iota: OperationPayload {
    public static let info = OperationInfo.compute(
      "iota", on: .gpsimd, .generator, flow: .generated, cost: StreamCost())

    /// The tile written.
    public var dst: View
    /// The affine expression, as a condition whose comparison is ignored.
    public var expression: AffineCondition

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      try c.checkCondition(expression)
    }

    public func printedArguments(_ f: IRFormat) -> String { String(f.condition(expression).dropLast(5)) }

    public static let operands: [OperandSlot<Self>] = [.init("dst", .destination, \.dst)]
  }
}
