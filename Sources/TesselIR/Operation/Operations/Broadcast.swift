extension Operation {
  /// `nl.broadcast_to(src, shape)`: copies a `[1, F]` (or `[P, 1]`) tile across partitions (or
  /// the free dimension); `src` carries the zero steps.
  public enum Broadcast: UnaryOperationKind {
    public static let info = OperationInfo.compute("broadcast_to", .elementwise, flow: .elementwise, cost: StreamCost())

    public static func verify(_ p: Unary<Broadcast>, _ c: InstructionCheck) throws(KernelError) {
      try c.sameShape([("data", p.src), ("dst", p.dst)])
    }

    /// Across partitions it is a Tensor-engine matmul with a ones vector; along the free
    /// dimension, a one-pass copy.
    public static func cost(_ p: Unary<Broadcast>) -> CostRule {
      p.src.dims.first?.isBroadcast == true && p.src.partitionCount > 1 ? .partitionBroadcast : .stream(StreamCost())
    }
  }
}
