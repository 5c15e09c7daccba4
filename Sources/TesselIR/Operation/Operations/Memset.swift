extension Operation {
  /// `nisa.memset(shape, value, dtype)` and `nl.zeros`/`nl.ones`/`nl.full`: `dst = value`.
  public struct Memset: OperationPayload {
    public static let info = OperationInfo.compute("memset", .generator, flow: .generated, cost: StreamCost())

    /// The tile written.
    public var dst: View
    /// The value, rounded to the destination's dtype.
    public var value: Float

    public func verify(_ c: InstructionCheck) throws(KernelError) {}

    public func printedArguments(_ f: IRFormat) -> String { f.number(value) }

    /// A zero fill of a 16-bit tile streams twice as fast.
    public var cost: CostRule { .stream(StreamCost(fastPath: value == 0 ? .halfFor16Bit : .none)) }

    public static let operands: [OperandSlot<Self>] = [.init("dst", .destination, \.dst)]
  }
}
