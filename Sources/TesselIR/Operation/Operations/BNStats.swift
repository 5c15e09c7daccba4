extension Operation {
  /// `nisa.bn_stats(data)`: per partition, 6 statistics of a `[P, F ≤ 512]` tile.
  ///
  /// `dst[P, 6]` holds count, mean and count·variance, each for the even and the odd halves of the
  /// row. The iteration space is the source's.
  public enum BNStats: UnaryOperationKind {
    public static let info = OperationInfo.compute("bn_stats", .reduction, flow: .statistics, cost: StreamCost())

    public static func verify(_ p: Unary<BNStats>, _ c: InstructionCheck) throws(KernelError) {
      try c.rejectMask(p.src.dims.count != 2, "bn_stats of a tile with more than one free dimension")
      try c.samePartitions([("data", p.src), ("dst", p.dst)])
      if p.src.freeElementCount > c.target.bnStatsFmax {
        throw c.fail(
          .matmulFreeSizeTooLarge(operand: "data", size: p.src.freeElementCount, limit: c.target.bnStatsFmax))
      }
      if p.dst.freeElementCount != 6 {
        throw c.fail(.shapeMismatch(operands: ["dst", "data"], shapes: [p.dst.shape, p.src.shape]))
      }
    }
  }
}
