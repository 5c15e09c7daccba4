/// `nisa.nc_stream_shuffle`: a cross-partition copy within quadrants of 32 partitions, on dense
/// rows (one row per partition).
///
/// Destination partition `d` (counted from the destination's first partition) copies source
/// partition `32·(d / 32) + mask[d % 32]` (counted from the source's first partition); a mask
/// entry of 255 leaves the destination partition unchanged. The same 32-entry mask applies to
/// every quadrant, and the copy reads every source row before it writes, so `dst` may be `src`.
enum StreamShuffle {
  /// The number of entries of a shuffle mask (one quadrant).
  static let quadrant = 32
  /// The mask entry that leaves a partition unchanged.
  static let keep = 255

  /// The source row that destination row `d` copies, or nil when the mask keeps it.
  @inline(__always)
  static func sourceRow(of d: Int, mask: [Int]) -> Int? {
    let m = mask[d % quadrant]
    return m == keep ? nil : (d / quadrant) * quadrant + m
  }

  /// A destination row whose source row does not exist.
  struct MissingSource: Equatable {
    /// The destination row.
    var destination: Int
    /// The source row the mask names.
    var source: Int
  }

  /// Applies the shuffle: `dst` has `dstRows` rows, `src` `srcRows` rows, both `columns` wide.
  ///
  /// - Returns: the first destination row whose source row is outside the source (nothing is
  ///   written then), or nil.
  static func apply(
    src: UnsafeBufferPointer<Float>, srcRows: Int, dst: UnsafeMutableBufferPointer<Float>, dstRows: Int,
    columns: Int, mask: [Int]
  ) -> MissingSource? {
    for d in 0..<dstRows {
      if let s = sourceRow(of: d, mask: mask), s < 0 || s >= srcRows { return MissingSource(destination: d, source: s) }
    }
    let copy = Array(src)
    for d in 0..<dstRows {
      guard let s = sourceRow(of: d, mask: mask) else { continue }
      for c in 0..<columns { dst[d * columns + c] = copy[s * columns + c] }
    }
    return nil
  }
}
