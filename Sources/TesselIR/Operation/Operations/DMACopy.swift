extension Operation {
  /// `nisa.dma_copy(dst=, src=)`: a DMA between any two memories but PSUM, converting via fp32;
  /// views of different shapes with the same element count copy in row-major order.
  public enum DMACopy: UnaryOperationKind {
    public static let info = OperationInfo.dataMovement("dma_copy", flow: .reshape)

    public static func verify(_ p: Unary<DMACopy>, _ c: InstructionCheck) throws(KernelError) {
      try c.rejectMask(p.dst.shape != p.src.shape, "dma_copy between views of different shapes")
      if c.decl(p.src).space == .psum {
        throw c.fail(.wrongMemorySpace(operand: "src", expected: "sbuf|hbm", actual: .psum))
      }
      if c.decl(p.dst).space == .psum {
        throw c.fail(.wrongMemorySpace(operand: "dst", expected: "sbuf|hbm", actual: .psum))
      }
      if p.dst.elementCount != p.src.elementCount {
        throw c.fail(.shapeMismatch(operands: ["dst", "src"], shapes: [p.dst.shape, p.src.shape]))
      }
    }
  }
}
