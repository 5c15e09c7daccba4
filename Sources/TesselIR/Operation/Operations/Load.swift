extension Operation {
  /// `nl.load(src)`: HBM → SBUF, converting to the destination dtype.
  public enum Load: UnaryOperationKind {
    public static let info = OperationInfo.dataMovement("load", flow: .elementwise)

    public static func verify(_ p: Unary<Load>, _ c: InstructionCheck) throws(KernelError) {
      try c.expectHBM(p.src, "src")
      try c.expectSpace(p.dst, "dst", [.sbuf], "sbuf")
      try c.sameShape([("dst", p.dst), ("src", p.src)])
    }
  }
}
