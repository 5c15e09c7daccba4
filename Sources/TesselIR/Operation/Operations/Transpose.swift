extension Operation {
  /// `nisa.nc_transpose(data)` / `nl.transpose(x)`: `dst[F, P] = src[P, F]ᵀ`, on the Tensor engine
  /// (SBUF → PSUM, at most 128×128) or the Vector engine (at most 32×32).
  public enum Transpose: UnaryOperationKind {
    public static let info = OperationInfo(
      nkiName: "nc_transpose", defaultEngine: .tensor, engines: [.tensor, .vector], groups: .tensorEngine,
      dataFlow: .transpose, cost: .transpose)

    public static func verify(_ p: Unary<Transpose>, _ c: InstructionCheck) throws(KernelError) {
      let dst = p.dst
      let src = p.src
      guard dst.dims.count >= 2, src.dims.count >= 2,
        dst.partitionCount == src.freeElementCount, dst.freeElementCount == src.partitionCount
      else {
        throw c.fail(.shapeMismatch(operands: ["dst", "data"], shapes: [dst.shape, src.shape]))
      }
      if !c.instruction.mask.isEmpty && src.dims.count != 2 {
        throw c.fail(.unsupported("mask= on nc_transpose of a tile with more than one free dimension"))
      }
      if c.instruction.engine == .tensor {
        try c.expectSpace(dst, "dst", [.psum], "psum")
        try c.expectSpace(src, "data", [.sbuf], "sbuf")
        if src.freeElementCount > c.target.pmax {
          throw c.fail(.matmulFreeSizeTooLarge(operand: "data", size: src.freeElementCount, limit: c.target.pmax))
        }
      } else if src.partitionCount > 32 || src.freeElementCount > 32 {
        throw c.fail(
          .matmulFreeSizeTooLarge(operand: "data", size: Swift.max(src.partitionCount, src.freeElementCount), limit: 32)
        )
      }
    }
  }
}
