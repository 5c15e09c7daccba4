extension Operation {
  /// `nisa.bn_aggr(data)`: mean and variance `dst[P, 2]` from `[P, 6·k]` bn_stats groups.
  ///
  /// The iteration space is the source's.
  public enum BNAggr: UnaryOperationKind {
    public static let info = OperationInfo.compute(
      "bn_aggr", .reduction, flow: .statistics, masks: false, cost: StreamCost(cyclesPerElement: 13.0 / 3))

    public static func verify(_ p: Unary<BNAggr>, _ c: InstructionCheck) throws(KernelError) {
      try c.samePartitions([("data", p.src), ("dst", p.dst)])
      if p.src.freeElementCount % 6 != 0 || p.dst.freeElementCount != 2 {
        throw c.fail(.shapeMismatch(operands: ["dst", "data"], shapes: [p.dst.shape, p.src.shape]))
      }
    }
  }
}
