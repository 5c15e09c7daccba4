import TesselIR

extension NKIRules {
  /// The destination of a pattern instruction (`nisa.iota`, `nisa.affine_select`): the view
  /// regrouped into its partitions followed by the pattern's counts, the iteration space the
  /// pattern's steps walk.
  ///
  /// ```swift
  /// // nisa.iota(dst=t[0:128, 0:64], pattern=[[1, 8], [8, 8]]): t seen as [128, 8, 8]
  /// try NKIRules.patterned(dst, counts: [8, 8])
  /// ```
  ///
  /// - Throws: `KernelError` when the counts do not multiply to the view's free size, or when the
  ///   view cannot be regrouped with constant steps.
  public static func patterned(_ v: View, counts: [Int]) throws(KernelError) -> View {
    let shape = [v.partitionCount] + counts
    if v.shape == shape { return v }
    guard counts.reduce(1, *) == v.freeElementCount else {
      throw KernelError(.shapeMismatch(operands: ["dst", "pattern"], shapes: [v.shape, shape]))
    }
    guard let r = v.reshaped(to: shape) else {
      throw KernelError(.unsupported("a pattern of counts \(counts) over a non-contiguous view \(v.shape)"))
    }
    return r
  }

  /// The affine value a pattern instruction computes at each point of its iteration space:
  /// `channelMultiplier · partition + Σ step_k · i_k + offset`, compared with 0 by `comparison`
  /// (`nisa.affine_select`; `nisa.iota` writes the value and ignores the comparison).
  ///
  /// ```swift
  /// // nisa.iota(dst, pattern=[[1, 64]], offset=0, channel_multiplier=64): 64·p + i
  /// NKIRules.patternValue(steps: [1], channelMultiplier: 64, offset: 0)
  /// ```
  public static func patternValue(
    steps: [Int], channelMultiplier: Int, offset: Int, comparison: AffineCondition.Comparison = .greaterEqual
  ) -> AffineCondition {
    AffineCondition(
      coefficients: [channelMultiplier] + steps, offset: AffineExpr(constant: offset), comparison: comparison)
  }
}
