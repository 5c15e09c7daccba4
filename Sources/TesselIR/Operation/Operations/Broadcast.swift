extension Operation {
  /// `nl.broadcast_to(src, shape)`: copies a `[1, F]` (or `[P, 1]`) tile across partitions (or
  /// the free dimension); `src` carries the zero steps.
  public enum Broadcast: UnaryOperationKind {
    public static let info = OperationInfo.compute("broadcast_to", .elementwise, flow: .elementwise)

    public static func verify(_ p: Unary<Broadcast>, _ c: InstructionCheck) throws(KernelError) {
      try c.sameShape([("data", p.src), ("dst", p.dst)])
    }
  }
}
