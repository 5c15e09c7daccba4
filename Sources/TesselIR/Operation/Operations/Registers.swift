extension Operation {
  /// `nisa.register_load(dst, src)`: loads the one element of an SBUF tile into a virtual register.
  ///
  /// Tessel keeps a register as a `[1, 1]` int32 SBUF tile (``RegisterKind`` operations read and
  /// write it); dynamic loops and runtime offsets (``View/runtimeOffsets``) read it when they run.
  public enum RegisterLoad: RegisterKind {
    public static let info = OperationInfo.compute(
      "register_load", on: .gpsimd, flow: .elementwise, masks: false, cost: StreamCost())
    public static var sourceName: String { "src" }
  }

  /// `nisa.register_store(dst, src)`: stores a virtual register into the one element of an SBUF
  /// tile.
  public enum RegisterStore: RegisterKind {
    public static let info = OperationInfo.compute(
      "register_store", on: .gpsimd, flow: .elementwise, masks: false, cost: StreamCost())
    public static var sourceName: String { "src" }
  }

  /// `nisa.register_move(dst, src)`: copies one virtual register into another.
  public enum RegisterMove: RegisterKind {
    public static let info = OperationInfo.compute(
      "register_move", on: .gpsimd, flow: .elementwise, masks: false, cost: StreamCost())
    public static var sourceName: String { "src" }
  }
}

/// The register instructions: one element moved between SBUF tiles, converted to the
/// destination's dtype.
public protocol RegisterKind: UnaryOperationKind {}

extension RegisterKind {
  public static func verify(_ p: Operation.Unary<Self>, _ c: InstructionCheck) throws(KernelError) {
    for (name, v) in [("dst", p.dst), (sourceName, p.src)] {
      try c.expectSpace(v, name, [.sbuf], "sbuf")
      if v.elementCount != 1 {
        throw c.fail(.shapeMismatch(operands: [name + " (one element)"], shapes: [v.shape]))
      }
    }
  }
}
