extension Operation {
  /// `nisa.max8(dst, src)`: the 8 largest values of each partition of `src`, in descending order,
  /// into the `[P, 8]` tile `dst` (Vector engine).
  public struct Max8: OperationPayload {
    public static let info = OperationInfo.topEight("max8")

    /// The `[P, 8]` tile written.
    public var dst: View
    /// The tile searched: 8 to 16,384 elements per partition.
    public var src: View

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      try c.samePartitions([("src", src), ("dst", dst)])
      try c.topEightDestination(dst, "dst")
      try c.topEightRow(src, "src")
    }

    public func printedArguments(_ f: IRFormat) -> String { f.view(src) }

    public static let operands: [OperandSlot<Self>] = [.init("dst", .destination, \.dst), .init("src", .source, \.src)]
  }

  /// `nisa.nc_find_index8(dst, data, vals)`: for each partition and each of its 8 values in
  /// `vals`, the position (from 0, free dimensions flattened) of its first occurrence in `data`;
  /// a repeated value takes the next occurrence; a value that does not occur gets the all-ones
  /// pattern of `dst`'s dtype (uint32 or uint16).
  public struct FindIndex8: OperationPayload {
    public static let info = OperationInfo.topEight("nc_find_index8")

    /// The `[P, 8]` uint32 or uint16 tile of positions written.
    public var dst: View
    /// The tile searched.
    public var data: View
    /// The 8 values per partition.
    public var vals: View

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      try c.samePartitions([("data", data), ("vals", vals), ("dst", dst)])
      try c.topEightDestination(dst, "dst")
      try c.topEightRow(data, "data")
      if vals.freeElementCount != 8 { throw c.fail(.shapeMismatch(operands: ["vals"], shapes: [vals.shape])) }
      let dd = c.decl(dst).dtype
      if !(dd == .uint32 || dd == .uint16) {
        throw c.fail(.invalidDType(operand: "dst", dtype: dd, reason: "nc_find_index8 writes uint32 or uint16 indices"))
      }
    }

    public func printedArguments(_ f: IRFormat) -> String { "\(f.view(data)), vals: \(f.view(vals))" }

    public static let operands: [OperandSlot<Self>] = [
      .init("dst", .destination, \.dst), .init("data", .source, \.data), .init("vals", .source, \.vals),
    ]
  }

  /// `nisa.nc_match_replace8(dst, data, vals, imm, dst_idx)`: `dst` is `data` with the first
  /// occurrence of each of the 8 values of `vals` (per partition) replaced by `imm`; the values
  /// are taken from slot 7 down to slot 0, each matching an occurrence not replaced yet, and the
  /// positions go to `dst_idx[P, 8]` when it is given.
  public struct MatchReplace8: OperationPayload {
    public static let info = OperationInfo.topEight("nc_match_replace8")

    /// The tile written: `data` with the matches replaced.
    public var dst: View
    /// The tile searched.
    public var data: View
    /// The 8 values per partition.
    public var vals: View
    /// The value written over each match.
    public var imm: Float
    /// The optional `[P, 8]` tile of match positions.
    public var dstIdx: View?

    public func verify(_ c: InstructionCheck) throws(KernelError) {
      try c.sameTile([("data", data), ("dst", dst)])
      try c.samePartitions([("data", data), ("vals", vals)])
      try c.topEightRow(data, "data")
      if vals.freeElementCount != 8 { throw c.fail(.shapeMismatch(operands: ["vals"], shapes: [vals.shape])) }
      if let dstIdx {
        try c.samePartitions([("data", data), ("dst_idx", dstIdx)])
        try c.topEightDestination(dstIdx, "dst_idx")
        let dd = c.decl(dstIdx).dtype
        if !dd.isInteger {
          throw c.fail(.invalidDType(operand: "dst_idx", dtype: dd, reason: "match positions are integers"))
        }
      }
    }

    public func printedArguments(_ f: IRFormat) -> String {
      var s = "\(f.view(data)), vals: \(f.view(vals)), imm: \(f.number(imm))"
      if let dstIdx { s += ", dst_idx: \(f.view(dstIdx))" }
      return s
    }

    public static let operands: [OperandSlot<Self>] = [
      .init("dst", .destination, \.dst), .init("data", .source, \.data), .init("vals", .source, \.vals),
      .init("dst_idx", .reduceDestination, \.dstIdx),
    ]
  }
}

extension OperationInfo {
  /// The row of a top-8 instruction (`max8`, `nc_find_index8`, `nc_match_replace8`): per-partition
  /// statistics on the Vector engine, without `mask=`.
  static func topEight(_ nkiName: String) -> OperationInfo {
    OperationInfo(
      nkiName: nkiName, defaultEngine: .vector, dataFlow: .statistics, allowsMask: false, cost: .stream(StreamCost()))
  }
}

extension InstructionCheck {
  /// Throws unless `v` is an on-chip `[P, 8]` tile (the result of a top-8 instruction).
  func topEightDestination(_ v: View, _ operand: String) throws(KernelError) {
    try expectSpace(v, operand, [.sbuf, .psum], "sbuf|psum")
    if v.freeElementCount != 8 { throw fail(.shapeMismatch(operands: [operand], shapes: [v.shape])) }
  }

  /// Throws unless `v` is an on-chip tile with 8 to 16,384 elements per partition.
  func topEightRow(_ v: View, _ operand: String) throws(KernelError) {
    try expectSpace(v, operand, [.sbuf, .psum], "sbuf|psum")
    if v.freeElementCount < 8 || v.freeElementCount > 16384 {
      throw fail(.freeSizeOutOfRange(operand: operand, size: v.freeElementCount, low: 8, high: 16384))
    }
  }
}
