extension Operation {
  /// `nisa.tensor_copy(src)`, `nl.copy(x)` and tile assignment `t[...] = x`: `dst = src`.
  public enum TensorCopy: UnaryOperationKind {
    public static let info = OperationInfo.compute(
      "tensor_copy", .elementwise, flow: .elementwise, cost: StreamCost(fastPath: .copy))
  }
}
