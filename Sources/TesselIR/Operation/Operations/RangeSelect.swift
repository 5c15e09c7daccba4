extension Operation {
  /// `nisa.range_select(dst, on_true_tile, comp_op0, comp_op1, bound0, bound1, reduce_res, reduce_op,
  /// range_start, on_false_value)` (Vector engine, trn2 and newer).
  ///
  /// With `i = range_start + f` for free position `f` (free dimensions flattened), compared in
  /// fp32: `dst[p, f] = comp_op0(i, bound0[p]) && comp_op1(i, bound1[p]) ? on_true_tile[p, f] :
  /// on_false_value`, and `reduce_res[p] = max_f dst[p, f]` over the fp32 results (before `dst`'s
  /// rounding). Only `reduce_cmd=reset_reduce` is modelled, so no state carries between instructions.
  public struct RangeSelect: OperationPayload {
    public static let info = OperationInfo(
      nkiName: "range_select", defaultEngine: .vector, dataFlow: .elementwise, allowsMask: false,
      cost: .stream(StreamCost()))

    /// The comparison operators `comp_op0`/`comp_op1` may be.
    public static let comparisons: [ALUOp] = [.equal, .less, .lessEqual, .greater, .greaterEqual]

    /// The tile written.
    public var dst: View
    /// `on_true_tile`: the values kept.
    public var onTrue: View
    /// The `[P, 1]` fp32 first bound.
    public var bound0: View
    /// The `[P, 1]` fp32 second bound.
    public var bound1: View
    /// `comp_op0`: compares the index with `bound0`.
    public var cmp0: ALUOp
    /// `comp_op1`: compares the index with `bound1`.
    public var cmp1: ALUOp
    /// `range_start`: the index of free position 0.
    public var rangeStart: Int
    /// `on_false_value`: what dropped positions hold (NKI requires `-FLT_MAX`).
    public var onFalse: Float
    /// `reduce_res`: the optional `[P, 1]` row maximum (`reduce_op=nl.maximum`).
    public var reduceDst: View?

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      try c.requireTarget(atLeast: .trn2)
      try c.sameTile([("on_true_tile", onTrue), ("dst", dst)])
      try c.perPartitionVector(bound0, "bound0", partitions: onTrue.partitionCount)
      try c.perPartitionVector(bound1, "bound1", partitions: onTrue.partitionCount)
      if let reduceDst { try c.perPartitionVector(reduceDst, "reduce_res", partitions: onTrue.partitionCount) }
      for (name, op) in [("comp_op0", cmp0), ("comp_op1", cmp1)] where !Self.comparisons.contains(op) {
        throw c.fail(
          .invalidOp(
            op: op.nkiName, reason: "\(name) must be nl.equal, nl.less, nl.less_equal, nl.greater or nl.greater_equal"))
      }
      for (name, b) in [("bound0", bound0), ("bound1", bound1)] where c.decl(b).dtype != .float32 {
        throw c.fail(.invalidDType(operand: name, dtype: c.decl(b).dtype, reason: "bounds must be float32"))
      }
      let td = c.decl(onTrue).dtype
      if !td.isFloatingPoint {
        throw c.fail(
          .invalidDType(operand: "on_true_tile", dtype: td, reason: "range_select selects floating-point values"))
      }
      if onFalse != -Float.greatestFiniteMagnitude {
        throw c.fail(
          .invalidOp(
            op: "on_false_value=\(onFalse)", reason: "the hardware requires on_false_value = FP32_MIN (-3.4028235e+38)")
        )
      }
    }

    public func printedArguments(_ f: IRFormat) -> String {
      var s = "\(f.view(onTrue)), \(cmp0.nkiName) \(f.view(bound0)), \(cmp1.nkiName) \(f.view(bound1))"
      s += ", range_start: \(rangeStart), on_false: \(f.number(onFalse))"
      if let reduceDst { s += ", reduce: maximum -> \(f.view(reduceDst))" }
      return s
    }

    public static let operands: [OperandSlot<Self>] = [
      .init("dst", .destination, \.dst), .init("on_true_tile", .source, \.onTrue),
      .init("bound0", .perPartition, \.bound0), .init("bound1", .perPartition, \.bound1),
      .init("reduce_res", .reduceDestination, \.reduceDst),
    ]
  }
}
