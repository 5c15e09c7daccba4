extension Operation {
  /// `nisa.nc_stream_shuffle(dst, src, shuffle_mask)`: a cross-partition copy within quadrants of
  /// 32 partitions (Vector engine).
  ///
  /// Destination partition `d` (from the view's first partition) copies source partition
  /// `32·(d / 32) + shuffle_mask[d % 32]`; an entry of 255 leaves `d` unchanged. The same mask
  /// applies to every quadrant; `dst` may be `src`.
  public struct StreamShuffle: OperationPayload {
    public static let info = OperationInfo(
      nkiName: "nc_stream_shuffle", defaultEngine: .vector, dataFlow: .reshape, allowsMask: false,
      cost: .stream(StreamCost()))

    /// The mask entry that leaves a partition unchanged.
    public static let keep = 255

    /// The tile written.
    public var dst: View
    /// The tile read.
    public var src: View
    /// 32 entries: the source partition (0...31, within the quadrant) of each destination
    /// partition, or 255.
    public var mask: [Int]

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      try c.expectSpace(dst, "dst", [.sbuf, .psum], "sbuf|psum")
      try c.expectSpace(src, "src", [.sbuf, .psum], "sbuf|psum")
      if mask.count != 32 || mask.contains(where: { !(0..<32).contains($0) && $0 != Self.keep }) {
        throw c.fail(
          .invalidOp(op: "shuffle_mask", reason: "shuffle_mask needs 32 entries, each 0...31 or 255"))
      }
      let sd = c.decl(src).dtype
      let dd = c.decl(dst).dtype
      if sd != dd {
        throw c.fail(.invalidDType(operand: "dst", dtype: dd, reason: "dst must have src's dtype (\(sd))"))
      }
      if src.freeElementCount != dst.freeElementCount {
        throw c.fail(.shapeMismatch(operands: ["dst", "src"], shapes: [dst.shape, src.shape]))
      }
      let sp = src.partitionCount
      let dp = dst.partitionCount
      for p in [sp, dp] where p > c.target.pmax {
        throw c.fail(
          .partitionDimensionTooLarge(tensor: c.decl(p == sp ? src : dst).name, size: p, limit: c.target.pmax))
      }
      for d in 0..<dp where mask[d % 32] != Self.keep {
        let s = (d / 32) * 32 + mask[d % 32]
        if s >= sp {
          throw c.fail(
            .missingPartition(
              operand: "src", partition: s, partitions: sp, reason: "shuffle_mask[\(d % 32)] for dst partition \(d)"))
        }
      }
      // Start partitions follow the number of active partitions.
      let active = (Swift.max(sp, dp) + 31) / 32 * 32
      let allowed = active > 64 ? [0] : active > 32 ? [0, 64] : [0, 32, 64, 96]
      for (name, v) in [("src", src), ("dst", dst)] {
        if let start = c.startPartition(v), !allowed.contains(start) {
          throw c.fail(
            .invalidOp(
              op: "\(name) start partition \(start)",
              reason: "with \(active) active partitions the start partition must be one of \(allowed)"))
        }
      }
    }

    public func printedArguments(_ f: IRFormat) -> String {
      "\(f.view(src)), shuffle_mask: [\(mask.map(String.init).joined(separator: ", "))]"
    }

    public static let operands: [OperandSlot<Self>] = [.init("dst", .destination, \.dst), .init("src", .source, \.src)]
  }
}
