extension Operation {
  /// `nisa.dma_transpose(dst, src, axes)`: a DMA that permutes the dimensions of `src` into the SBUF
  /// tile `dst`, `dst = src.transpose(axes)`.
  ///
  /// Element `i` (row-major) of `dst` is element `i` of `src.permuted(axes)` (``View/permuted(_:)``).
  ///
  /// Any dtype moves, unconverted (`src.dtype == dst.dtype`). Hardware DGE
  /// (`dge_mode=nisa.dge_mode.hwdge`, ``hardwareDGE``) moves only 2-byte elements: AWS's
  /// documentation states the 2-byte rule for that mode only, and its legacy `dma_transpose`
  /// (default mode, trn1 and trn2) has no dtype rule.
  public struct DMATranspose: OperationPayload {
    public static let info = OperationInfo.dataMovement(
      "dma_transpose", flow: .transpose, masks: false, cost: .dmaTranspose)

    /// The permutations the DMA engines implement, by source rank.
    public static let supportedAxes: [[Int]] = [[1, 0], [2, 1, 0], [3, 1, 2, 0]]

    /// The SBUF tile written.
    public var dst: View
    /// The source, in its own dimension order.
    public var src: View
    /// The permutation: dimension `i` of the destination is dimension `axes[i]` of the source.
    public var axes: [Int]
    /// Whether the kernel asked for hardware descriptor generation (`dge_mode=hwdge`), which
    /// moves only 2-byte elements.
    public var hardwareDGE: Bool = false

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      try c.expectSpace(dst, "dst", [.sbuf], "sbuf")
      try c.expectSpace(src, "src", [.sbuf, .hbm, .sharedHBM, .privateHBM], "sbuf|hbm")
      if !Self.supportedAxes.contains(axes) {
        throw c.fail(
          .invalidOp(
            op: "axes=\(axes)", reason: "supported axes are (1, 0), (2, 1, 0) and (3, 1, 2, 0)"))
      }
      if dst.shape != src.permuted(axes).shape {
        throw c.fail(.shapeMismatch(operands: ["dst", "src"], shapes: [dst.shape, src.shape]))
      }
      let sd = c.decl(src).dtype
      let dd = c.decl(dst).dtype
      if sd != dd {
        throw c.fail(
          .invalidDType(operand: "dst", dtype: dd, reason: "dma_transpose needs src.dtype == dst.dtype (\(sd))"))
      }
      if hardwareDGE && sd.byteSize != 2 {
        throw c.fail(
          .invalidDType(operand: "src", dtype: sd, reason: "dma_transpose with dge_mode=hwdge moves 2-byte elements"))
      }
    }

    public func printedArguments(_ f: IRFormat) -> String {
      "\(f.view(src)), axes: (\(axes.map(String.init).joined(separator: ", ")))" + (hardwareDGE ? ", dge: hwdge" : "")
    }

    public static let operands: [OperandSlot<Self>] = [.init("dst", .destination, \.dst), .init("src", .source, \.src)]
  }
}
