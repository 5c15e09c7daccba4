extension Operation {
  /// `nisa.activation(op, data, bias, scale)` and `nl.exp`/`nl.tanh`/...: `dst = f(src·scale + bias)`;
  /// with a reduction, the free-dimension reduction of the result also goes to a `[P, 1]` tile.
  public struct Activation: OperationPayload {
    public static let info = OperationInfo.compute(
      "activation", on: .scalar, .elementwise, flow: .elementwise, cost: StreamCost())

    /// `reduce_op` and `reduce_res`: where the per-partition reduction of the result goes.
    public struct Reduction: Sendable, Hashable, Codable {
      /// The reduction operator (NKI models only `nl.add`).
      public var op: ALUOp
      /// The `[P, 1]` tile written.
      public var dst: View

      /// Creates a reduction.
      public init(op: ALUOp, dst: View) {
        self.op = op
        self.dst = dst
      }
    }

    /// The tile written.
    public var dst: View
    /// The tile read (`data`).
    public var src: View
    /// The function applied.
    public var function: ActivationFunction
    /// The multiplier: an fp32 immediate or a `[P, 1]` fp32 column.
    public var scale: Operand
    /// The optional `[P, 1]` column added after scaling.
    public var bias: View?
    /// The optional reduction of each partition's results.
    public var reduce: Reduction?

    /// The reduction's `[P, 1]` destination when there is one (`reduce_res`); setting it to `nil`
    /// leaves the reduction as it is.
    public var reduceDst: View? {
      get { reduce?.dst }
      set { if let newValue { reduce?.dst = newValue } }
    }

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      try c.sameTile([("data", src), ("dst", dst)])
      if let v = scale.view {
        try c.perPartitionVector(v, "scale", partitions: src.partitionCount)
        if c.decl(v).dtype != .float32 {
          throw c.fail(
            .invalidDType(
              operand: "scale", dtype: c.decl(v).dtype, reason: "scale must be an fp32 scalar or [P, 1] vector"))
        }
      }
      if let bias {
        try c.perPartitionVector(bias, "bias", partitions: src.partitionCount)
        let bd = c.decl(bias).dtype
        if !(bd == .float32 || bd == .float16 || bd == .bfloat16) {
          throw c.fail(
            .invalidDType(operand: "bias", dtype: bd, reason: "bias must be an fp32, fp16 or bf16 [P, 1] vector"))
        }
      }
      if let reduce {
        if reduce.op != .add {
          throw c.fail(.invalidOp(op: reduce.op.nkiName, reason: "activation reductions support only nl.add"))
        }
        try c.perPartitionVector(reduce.dst, "reduce_res", partitions: src.partitionCount)
      }
    }

    /// A reduction adds the accumulator's read-out (one more initiation interval).
    public var cost: CostRule { .stream(StreamCost(extraMinII: reduce == nil ? 0 : 1)) }

    public func printedArguments(_ f: IRFormat) -> String {
      var s = "\(function.nkiName), \(f.view(src)), scale: \(f.operand(scale))"
      if let bias { s += ", bias: \(f.view(bias))" }
      if let reduce { s += ", reduce: \(reduce.op.nkiName) -> \(f.view(reduce.dst))" }
      return s
    }

    public static let operands: [OperandSlot<Self>] = [
      .init("dst", .destination, \.dst), .init("data", .source, \.src), .init("scale", .perPartition, \.scale),
      .init("bias", .perPartition, \.bias), .init("reduce_res", .reduceDestination, \.reduceDst),
    ]
  }
}
