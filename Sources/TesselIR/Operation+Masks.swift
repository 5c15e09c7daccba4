extension Operation {
  /// Whether every source operand walks the instruction's iteration space, so that a mask over
  /// that space also selects the source elements read.
  ///
  /// False for transposes and matmuls, whose
  /// operands are laid out differently from their destination: a mask on them ranges over the
  /// destination only, and their operands are bounds-checked whole.
  public var sourcesWalkIterationSpace: Bool {
    switch info?.dataFlow {
    case .transpose?, .contraction?: false
    default: true
    }
  }
}

extension Operation {
  /// The conditions that select which contraction rows of a matmul take part (``Matmul/contraction``);
  /// empty for every other operation.
  public var contractionMask: [AffineCondition] {
    if case .matmul(let m) = self { return m.contraction }
    return []
  }
}

extension Array where Element == AffineCondition {
  /// Whether this mask names loop indices and program ids alone (no iteration axis), so that it
  /// keeps the whole instruction or none of it; true for no mask.
  public var predicatesWholeInstruction: Bool {
    allSatisfy { c in c.coefficients.allSatisfy { $0 == 0 } }
  }
}
