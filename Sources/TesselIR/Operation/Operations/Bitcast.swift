extension Operation {
  /// Tessel's materialisation of a bitcast view (`tile.view(dtype)`, ``BitcastView``): each row
  /// of `dst` holds the bytes of the same row of `src`, read in `dst`'s dtype.
  ///
  /// A row is everything under one index of the first dimension (a partition on chip), its
  /// elements in row-major order, little-endian. No hardware instruction corresponds to it: on
  /// the device a view shares its base's memory. ``Kernel/materializingBitcasts()`` places these
  /// around the instructions that use a view; they take no time in the timing model, and a read
  /// of never-written elements is reported at the instruction that uses the view, not here.
  public enum Bitcast: UnaryOperationKind {
    public static let info = OperationInfo.dataMovement("bitcast", flow: .statistics, masks: false, cost: .control)

    public static func verify(_ p: Operation.Unary<Self>, _ c: InstructionCheck) throws(KernelError) {
      let d = c.decl(p.dst)
      let s = c.decl(p.src)
      let rows = (p.dst.shape.first ?? 1, p.src.shape.first ?? 1)
      let bytes = (
        p.dst.shape.dropFirst().reduce(1, *) * d.dtype.byteSize, p.src.shape.dropFirst().reduce(1, *) * s.dtype.byteSize
      )
      if d.space != s.space || rows.0 != rows.1 || bytes.0 != bytes.1 {
        throw c.fail(
          .malformed(
            "bitcast between \(s.space.nkiName) \(p.src.shape) \(s.dtype.nkiName) and \(d.space.nkiName) "
              + "\(p.dst.shape) \(d.dtype.nkiName): rows and bytes per row must match"))
      }
    }
  }
}
