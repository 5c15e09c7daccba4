extension Operation {
  /// `nisa.tensor_reduce(op, data, axis, negate, keepdims)`: reduces free axes of a tile.
  ///
  /// `nl.sum`, `nl.max` and the other `nl` reductions lower to it. `dst` has the kept dimensions
  /// (size 1 on reduced ones when keepdims); `negate` negates the result. The iteration space is
  /// the source's.
  public struct TensorReduce: OperationPayload {
    public static let info = OperationInfo.compute(
      "tensor_reduce", .reduction, flow: .freeReduction, cost: StreamCost())

    /// The tile written.
    public var dst: View
    /// The tile reduced (`data`).
    public var src: View
    /// The reduction operator.
    public var op: ALUOp
    /// The reduced axes of `src`: distinct free axes.
    public var axes: [Int]
    /// Whether the result is negated.
    public var negate: Bool

    public var iterationShape: [Int] { src.shape }

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      try c.checkReducible(op)
      guard !axes.isEmpty, Set(axes).count == axes.count, axes.allSatisfy({ $0 >= 1 && $0 < src.dims.count }) else {
        throw c.fail(
          .invalidOp(
            op: "axis=\(axes)",
            reason: "reduction axes must be distinct free axes (1..<\(src.dims.count)) of data\(src.shape)"))
      }
      let kept = src.shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
      let keptDims = src.shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
      if dst.shape != kept && dst.shape != keptDims && dst.elementCount != kept.reduce(1, *) {
        throw c.fail(.shapeMismatch(operands: ["dst", "data"], shapes: [dst.shape, src.shape]))
      }
      try c.samePartitions([("data", src), ("dst", dst)])
    }

    public func printedArguments(_ f: IRFormat) -> String {
      "\(op.nkiName), \(f.view(src)), axis: \(axes)\(negate ? ", negate" : "")"
    }

    /// A 16-bit sum or maximum takes half the cycles.
    public var cost: CostRule {
      .stream(StreamCost(fastPath: op == .add || op == .maximum ? .halfFor16Bit : .none))
    }

    public static let operands: [OperandSlot<Self>] = [
      .init("dst", .destination, \.dst), .init("data", .source, \.src),
    ]
  }
}
