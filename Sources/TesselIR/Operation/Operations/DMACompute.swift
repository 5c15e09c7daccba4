extension Operation {
  /// `nisa.dma_compute(dst, srcs, reduce_op=nl.add, scales=None)`: the DMA engines' elementwise
  /// sum `dst = srcs[0] + srcs[1] + …`, computed in fp32 and rounded to `dst`'s dtype.
  ///
  /// Views of
  /// other shapes with the same element count combine in row-major order.
  public struct DMACompute: OperationPayload {
    public static let info = OperationInfo.dataMovement("dma_compute", flow: .reshape, masks: false)

    /// The most sources one instruction combines.
    public static let maxSources = 16

    /// The tensor written.
    public var dst: View
    /// The tensors added (1 to 16).
    public var srcs: [View]

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      if srcs.isEmpty || srcs.count > Self.maxSources {
        throw c.fail(.invalidOp(op: "srcs", reason: "dma_compute combines 1 to \(Self.maxSources) source tensors"))
      }
      let views = [("dst", dst)] + srcs.enumerated().map { ("srcs[\($0.offset)]", $0.element) }
      for (name, v) in views where c.decl(v).space == .psum {
        throw c.fail(.wrongMemorySpace(operand: name, expected: "sbuf|hbm", actual: .psum))
      }
      if views.contains(where: { $0.1.elementCount != dst.elementCount }) {
        throw c.fail(.shapeMismatch(operands: views.map(\.0), shapes: views.map { $0.1.shape }))
      }
    }

    public func printedArguments(_ f: IRFormat) -> String {
      "[\(srcs.map(f.view).joined(separator: ", "))], add"
    }

    public static let operands: [OperandSlot<Self>] = [
      .init("dst", .destination, \.dst), .init("srcs", .source, \.srcs),
    ]
  }
}
