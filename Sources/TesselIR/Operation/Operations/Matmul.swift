/// How `nc_matmul` combines its product with what the PSUM destination holds (§5.4).
public enum Accumulation: String, Sendable, Hashable, Codable {
  /// The first matmul write to a PSUM element since a non-matmul write overwrites; later ones add
  /// (NKI's `accumulate=None`, an accumulation group).
  case auto
  /// Always overwrite (`accumulate=False`).
  case overwrite
  /// Always add (`accumulate=True`, and the legacy `psum += nisa.nc_matmul(...)`).
  case add
}

extension Operation {
  /// `nisa.nc_matmul(stationary, moving)`: `dst[M, N] = stationary[K, M]ᵀ @ moving[K, N]` in PSUM.
  ///
  /// The product accumulates in fp32 as `accumulation` says. `nl.matmul(x, y, transpose_x=True)`
  /// is this too.
  public struct Matmul: OperationPayload {
    public static let info = OperationInfo(
      nkiName: "nc_matmul", defaultEngine: .tensor, groups: .tensorEngine, dataFlow: .contraction, cost: .matmul)

    /// The PSUM tile written (and added into, as `accumulation` says).
    public var dst: View
    /// The `[K, M]` SBUF operand that stays in the array.
    public var stationary: View
    /// The `[K, N]` SBUF operand that streams through it.
    public var moving: View
    /// How the product combines with what `dst` holds.
    public var accumulation: Accumulation
    /// NKI's `perf_mode='double_row_gen3'` (FP8 double-row mode, NeuronCore-v3 and newer): the
    /// operands are fp8 tiles `stationary[K, 2, M]` and `moving[K, 2, N]`, and each partition
    /// holds two rows of the contraction, so `dst[m, n] = Σₖ Σᵣ stationary[k, r, m] · moving[k, r, n]`
    /// over `2K` terms.
    public var doubleRow: Bool = false
    /// NKI's `is_transpose=True`: a transpose on the PE array (`moving` is an identity).
    ///
    /// On
    /// NeuronCore-v3 and newer its result keeps the input dtype instead of fp32.
    public var isTranspose: Bool = false

    /// The contraction rows that take part in the sum; empty: every row.
    ///
    /// A `tile[mask]` on an operand's partition axis: conditions over the operand row `k` (one
    /// coefficient) and loop indices. Row `k` adds its products only where every condition
    /// holds; an excluded row is not read at all (a value it holds, NaN included, does not reach
    /// the result).
    public var contraction: [AffineCondition] = []

    /// The rows of the contraction each partition holds: 2 in double-row mode, else 1.
    public var rowsPerPartition: Int { doubleRow ? 2 : 1 }

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      let st = stationary
      let mv = moving
      let target = c.target
      try c.expectSpace(dst, "dst", [.psum], "psum")
      try c.expectSpace(st, "stationary", [.sbuf], "sbuf")
      try c.expectSpace(mv, "moving", [.sbuf], "sbuf")
      let k1 = st.partitionCount
      let k2 = mv.partitionCount
      if k1 != k2 || k1 > target.pmax { throw c.fail(.matmulContraction(stationary: k1, moving: k2)) }
      if doubleRow { try verifyDoubleRow(c) }
      for cond in contraction {
        if doubleRow { throw c.fail(.unsupported("a contraction mask in the FP8 double-row mode")) }
        try Verifier.verifyCondition(cond, rank: 1, ranges: c.ranges, isMask: true, fail: c.fail)
      }
      let rows = rowsPerPartition
      if st.freeElementCount / rows > target.gemmStationaryFmax {
        throw c.fail(
          .matmulFreeSizeTooLarge(
            operand: "stationary", size: st.freeElementCount / rows, limit: target.gemmStationaryFmax))
      }
      if mv.freeElementCount / rows > target.gemmMovingFmax {
        throw c.fail(
          .matmulFreeSizeTooLarge(operand: "moving", size: mv.freeElementCount / rows, limit: target.gemmMovingFmax))
      }
      if dst.partitionCount * rows != st.freeElementCount || dst.freeElementCount * rows != mv.freeElementCount {
        throw c.fail(
          .shapeMismatch(operands: ["dst", "stationary", "moving"], shapes: [dst.shape, st.shape, mv.shape]))
      }
      let sd = c.decl(st).dtype
      let md = c.decl(mv).dtype
      if (sd == .float32 && !(md == .float32 || md == .tfloat32))
        || (md == .float32 && !(sd == .float32 || sd == .tfloat32))
      {
        throw c.fail(
          .invalidDType(
            operand: "moving", dtype: md, reason: "an fp32 operand must pair with fp32 or tf32 (stationary is \(sd))"))
      }
      for (operand, d) in [("stationary", sd), ("moving", md)] where d.isInteger {
        if d == .uint8 && target == .trn1 { continue }
        throw c.fail(.invalidDType(operand: operand, dtype: d, reason: Self.integerOperandReason(d, target)))
      }
      let dd = c.decl(dst).dtype
      if isTranspose && target != .trn1 {
        if dd != sd {
          throw c.fail(
            .invalidDType(
              operand: "dst", dtype: dd,
              reason: "a transposing nc_matmul (is_transpose=True) writes its input dtype \(sd) on \(target.generation)"
            ))
        }
      } else if !(dd == .float32 || (target == .trn3 && dd == .bfloat16)) {
        throw c.fail(
          .invalidDType(
            operand: "dst", dtype: dd, reason: "nc_matmul dst dtype must be float32 on \(target.generation)"))
      }
    }

    /// Why an integer operand is refused on `target`.
    ///
    /// NKI documents fp8, bf16, fp16, tf32 and fp32 operands. AWS's own legacy kernels also feed
    /// the Tensor engine uint8 tiles (identities from `nl.shared_identity_matrix`, whose default
    /// dtype is uint8, and 0/1 masks) and assert that they do so only on NeuronCore-v2, so Tessel
    /// multiplies uint8 operands (their exact integer values, accumulated in fp32) on trn1 alone.
    static func integerOperandReason(_ d: DType, _ target: Target) -> String {
      let documented = "the Tensor engine multiplies fp8, bf16, fp16, tf32 or fp32"
      guard d == .uint8 else { return documented }
      return documented
        + "; uint8 operands only on NeuronCore-v2 (trn1), not on \(target.rawValue) (\(target.generation)); give the tile a "
        + "float dtype, e.g. nl.shared_identity_matrix(n, dtype=nl.bfloat16)"
    }

    /// Double-row mode's rules: NeuronCore-v3 or newer, fp8 operands of shape `[K, 2, F]`.
    func verifyDoubleRow(_ c: InstructionCheck) throws(KernelError) {
      if c.target == .trn1 {
        throw c.fail(
          .invalidOp(
            op: "perf_mode=double_row_gen3", reason: "the FP8 double-row mode needs NeuronCore-v3 or newer (trn2, trn3)"
          ))
      }
      for (name, v) in [("stationary", stationary), ("moving", moving)] {
        if v.shape.count != 3 || v.shape[1] != 2 {
          throw c.fail(
            .invalidOp(
              op: "perf_mode=double_row_gen3",
              reason: "\(name) must be a [K, 2, F] tile (two rows per partition), got \(v.shape)"))
        }
        let d = c.decl(v).dtype
        if !d.isFloat8 {
          throw c.fail(.invalidDType(operand: name, dtype: d, reason: "the double-row mode multiplies fp8 operands"))
        }
      }
    }

    public func printedArguments(_ f: IRFormat) -> String {
      "\(f.view(stationary)), \(f.view(moving)), accumulate: \(accumulation.rawValue)\(doubleRow ? ", perf_mode: double_row" : "")\(isTranspose ? ", is_transpose" : "")"
        + (contraction.isEmpty ? "" : ", contraction(" + contraction.map(f.condition).joined(separator: " && ") + ")")
    }

    public static let operands: [OperandSlot<Self>] = [
      .init("dst", .accumulator, \.dst), .init("stationary", .source, \.stationary), .init("moving", .source, \.moving),
    ]
  }
}
