extension Operation {
  /// `nisa.reciprocal(data)` / `nl.reciprocal(x)` on the Vector engine: `dst = 1 / src`.
  public enum Reciprocal: UnaryOperationKind {
    public static let info = OperationInfo.compute(
      "reciprocal", .elementwise, flow: .elementwise, cost: StreamCost(cyclesPerElement: 8))
  }
}
