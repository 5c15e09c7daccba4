extension Operation {
  /// `nl.load_transpose2d(src, mask=)`: a DMA transpose of a 2-D HBM block into SBUF
  /// (`dst = src.T`).
  ///
  /// A mask on loop indices and program ids predicates the whole load (the source is then
  /// bounds-checked when the load runs); a mask over index grids is not modelled.
  public enum LoadTranspose: UnaryOperationKind {
    public static let info = OperationInfo.dataMovement(
      "load_transpose2d", flow: .transpose, masks: true, cost: .dmaTranspose)

    public static func verify(_ p: Unary<LoadTranspose>, _ c: InstructionCheck) throws(KernelError) {
      if !c.instruction.mask.predicatesWholeInstruction {
        throw c.fail(
          .unsupported(
            "mask= over nl.arange indices on load_transpose2d (Tessel models a mask on loop indices and program ids "
              + "here, which predicates the whole load)"))
      }
      try c.expectHBM(p.src, "src")
      try c.expectSpace(p.dst, "dst", [.sbuf], "sbuf")
      guard p.src.dims.count == 2, p.dst.dims.count == 2, p.dst.shape == [p.src.shape[1], p.src.shape[0]] else {
        throw c.fail(.shapeMismatch(operands: ["dst", "src"], shapes: [p.dst.shape, p.src.shape]))
      }
      if p.dst.partitionCount > c.target.pmax {
        throw c.fail(
          .partitionDimensionTooLarge(tensor: c.decl(p.dst).name, size: p.dst.partitionCount, limit: c.target.pmax))
      }
    }
  }
}
