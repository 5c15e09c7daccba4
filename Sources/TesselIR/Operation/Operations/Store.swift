extension Operation {
  /// `nl.store(dst, value)`: SBUF (or PSUM) → HBM, converting to the destination dtype.
  public enum Store: UnaryOperationKind {
    public static let info = OperationInfo.dataMovement("store", flow: .elementwise)

    public static func verify(_ p: Unary<Store>, _ c: InstructionCheck) throws(KernelError) {
      try c.expectHBM(p.dst, "dst")
      try c.expectSpace(p.src, "value", [.sbuf, .psum], "sbuf|psum")
      try c.sameShape([("dst", p.dst), ("value", p.src)])
    }
  }
}
