extension Operation {
  /// A DMA whose HBM side is placed, partition by partition, by indices read from an on-chip tile:
  /// NKI's vector-indirect DMA (gather and scatter through the vector DGE).
  ///
  /// Legacy NKI spells it with an index tile in a subscript of an HBM tensor,
  /// `nl.load(data[b, idx_tile, i_f])` (a gather) or `nl.store(out[idx_tile, i_f], value=t)` (a
  /// scatter); the current dialect with `t.ap(pattern, vector_offset=idx, indirect_dim=0)` in
  /// `nisa.dma_copy`.
  ///
  /// `dst` and `src` have one shape, `[P, …]`. On the indirect side (``side``), the view is the
  /// access at index 0: element `(p, j…)` is the tensor element at `start + Σ_d steps_d·i_d +
  /// indices[p]·offsetSteps`, so each partition `p` moves by the integer `indices[p]` (an
  /// `[P, 1]` tile) times ``offsetSteps``. The other side is an ordinary view. Values are
  /// converted to the destination's dtype as `nl.load`/`nl.store` convert them.
  ///
  /// An index that moves a partition's access out of its tensor stops the run with a located
  /// error (the hardware's "failed to run scatter/gather (indirect memory copy via vector DGE),
  /// due to out-of-bound access"), unless ``outOfBounds`` is ``OutOfBoundsMode/skip`` (the
  /// current dialect's `oob_mode=skip`): then that partition moves nothing. Partitions a mask
  /// removes read no index and move nothing. A scatter writes partitions in order, so when two
  /// partitions name one element, the higher partition's value stays.
  ///
  /// ```swift
  /// // nl.load(data[b, idx, i_f]) on data [B, S, C], idx [128, 1]: dst[p, c] = data[b, idx[p], c]
  /// Operation.indirectDMA(
  ///   dst: tile, src: View(tensor: data, start: [b, 0, 0], dims: [.broadcast(rank: 3, count: 128),
  ///   .along(2, of: 3, count: C)]), indices: idx, side: .source, offsetSteps: [0, 1, 0])
  /// ```
  public struct IndirectDMA: OperationPayload {
    public static let info = OperationInfo.dataMovement("indirect_dma", flow: .indirect)

    /// Which operand the indices place.
    public enum Side: String, Sendable, Hashable, Codable {
      /// The source is gathered (`nl.load(t[idx, …])`).
      case source
      /// The destination is scattered into (`nl.store(t[idx, …], value=…)`).
      case destination
    }

    /// What happens to a partition whose index moves its access out of the tensor.
    public enum OutOfBoundsMode: String, Sendable, Hashable, Codable {
      /// The run stops with a located error.
      case error
      /// The partition moves nothing (the current dialect's `oob_mode=skip`).
      case skip
    }

    /// The tensor written (the access at index 0 when ``side`` is ``Side/destination``).
    public var dst: View
    /// The tensor read (the access at index 0 when ``side`` is ``Side/source``).
    public var src: View
    /// The `[P, 1]` on-chip tile of integer indices, one per partition of the iteration space.
    public var indices: View
    /// Which side the indices place.
    public var side: Side
    /// How far one unit of an index moves along each dimension of the indirect side's tensor.
    public var offsetSteps: [Int]
    /// What an out-of-bounds index does.
    public var outOfBounds: OutOfBoundsMode = .error

    /// The view the indices place.
    public var indirectView: View { side == .source ? src : dst }

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      let (name, v) = side == .source ? ("src", src) : ("dst", dst)
      try c.expectHBM(v, name)
      if offsetSteps.count != v.start.count || offsetSteps.allSatisfy({ $0 == 0 }) {
        throw c.fail(
          .malformed(
            "indirect offset steps \(offsetSteps) do not fit tensor `\(c.decl(v).name)` of rank \(v.start.count)"))
      }
      for (n, w) in [("dst", dst), ("src", src)] where c.decl(w).space == .psum {
        throw c.fail(.wrongMemorySpace(operand: n, expected: "sbuf|hbm", actual: .psum))
      }
      try c.sameShape([("dst", dst), ("src", src)])
      try c.expectSpace(indices, "indices", [.sbuf], "sbuf")
      try c.perPartitionVector(indices, "indices", partitions: dst.partitionCount)
      let t = c.decl(indices).dtype
      if t.isFloatingPoint {
        throw c.fail(
          .invalidOp(op: "indices", reason: "indirect DMA indices must be an integer tile, got \(t.rawValue)"))
      }
    }

    public func printedArguments(_ f: IRFormat) -> String {
      let oob = outOfBounds == .skip ? ", oob_mode=skip" : ""
      return
        "\(f.view(src)), \(side == .source ? "src" : "dst")_indices=\(f.view(indices)), offset_steps=\(offsetSteps)\(oob)"
    }

    public static let operands: [OperandSlot<Self>] = [
      .init("dst", .destination, \.dst), .init("src", .source, \.src), .init("indices", .perPartition, \.indices),
    ]
  }
}

extension Operation {
  /// The name of the operand whose elements an index tile chooses when the instruction runs
  /// (the indexed side of an ``IndirectDMA``); nil for every other operation.
  public var indexedOperand: String? {
    guard case .indirectDMA(let p) = self else { return nil }
    return p.side == .source ? "src" : "dst"
  }
}
