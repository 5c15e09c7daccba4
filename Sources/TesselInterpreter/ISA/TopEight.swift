/// The Vector engine's top-8 instructions on dense rows (one row per partition, row-major):
/// `nisa.max8`, `nisa.nc_find_index8` and `nisa.nc_match_replace8`.
///
/// Values are compared as fp32. NaN (the poison of never-written memory among them) ranks above
/// every number in `max8`, so it shows in the result instead of vanishing, and never equals
/// anything in the two matching instructions.
enum TopEight {
  /// How many values each instruction selects or matches per partition.
  static let width = 8

  /// `nisa.max8`: the 8 largest values of each row, in descending order.
  ///
  /// - Precondition: `columns >= 8` (the verifier requires 8...16384 elements per partition).
  static func max8(
    _ src: UnsafeBufferPointer<Float>, rows: Int, columns: Int, into dst: UnsafeMutableBufferPointer<Float>
  ) {
    for r in 0..<rows {
      // Insertion into a sorted window of 8: a row is read once.
      var top = [Float](repeating: -.infinity, count: width)
      var filled = 0
      for c in 0..<columns {
        let x = src[r * columns + c]
        if filled == width && !ranksAbove(x, top[width - 1]) { continue }
        var i = Swift.min(filled, width - 1)
        while i > 0 && ranksAbove(x, top[i - 1]) {
          top[i] = top[i - 1]
          i -= 1
        }
        top[i] = x
        filled = Swift.min(filled + 1, width)
      }
      for i in 0..<width { dst[r * width + i] = top[i] }
    }
  }

  /// `nisa.nc_find_index8`: for each row and each of its 8 values in order, the position (from 0)
  /// of the first occurrence in the row's data that an earlier equal value has not taken; so
  /// duplicate values get their occurrences in ascending order.
  ///
  /// A value that does not occur
  /// gets `notFound` (the all-ones pattern of the destination's integer type).
  static func findIndex8(
    data: UnsafeBufferPointer<Float>, rows: Int, columns: Int, values: UnsafeBufferPointer<Float>,
    notFound: Float, into dst: UnsafeMutableBufferPointer<Float>
  ) {
    var taken = [Bool](repeating: false, count: columns)
    for r in 0..<rows {
      for c in 0..<columns { taken[c] = false }
      for i in 0..<width {
        let v = values[r * width + i]
        var found = -1
        for c in 0..<columns where !taken[c] && data[r * columns + c] == v {
          found = c
          break
        }
        if found >= 0 { taken[found] = true }
        dst[r * width + i] = found >= 0 ? Float(found) : notFound
      }
    }
  }

  /// One value of `nc_match_replace8` that has no occurrence left in its row.
  struct Miss: Equatable {
    /// The row (partition).
    var row: Int
    /// The slot of `vals` (0...7).
    var slot: Int
    /// The value.
    var value: Float
  }

  /// `nisa.nc_match_replace8`, in place on `data`: for each row, the values are taken in reverse
  /// order (slot 7 first), each replacing with `imm` the first occurrence not yet replaced and
  /// writing its position to `indices[row, slot]` when indices are asked for.
  ///
  /// So duplicate values
  /// pair with their occurrences in descending slot order, the opposite of `findIndex8`.
  ///
  /// - Returns: the values that found no occurrence (their index slots are left unwritten).
  static func matchReplace8(
    data: UnsafeMutableBufferPointer<Float>, rows: Int, columns: Int, values: UnsafeBufferPointer<Float>,
    imm: Float, indices: UnsafeMutableBufferPointer<Float>?
  ) -> [Miss] {
    var misses: [Miss] = []
    var replaced = [Bool](repeating: false, count: columns)
    for r in 0..<rows {
      for c in 0..<columns { replaced[c] = false }
      for i in stride(from: width - 1, through: 0, by: -1) {
        let v = values[r * width + i]
        var found = -1
        for c in 0..<columns where !replaced[c] && data[r * columns + c] == v {
          found = c
          break
        }
        guard found >= 0 else {
          misses.append(Miss(row: r, slot: i, value: v))
          continue
        }
        replaced[found] = true
        data[r * columns + found] = imm
        indices?[r * width + i] = Float(found)
      }
    }
    return misses
  }

  /// Whether `x` ranks above `y` in `max8`'s order: numbers by value, NaN above every number.
  @inline(__always)
  static func ranksAbove(_ x: Float, _ y: Float) -> Bool {
    if x.isNaN { return !y.isNaN }
    if y.isNaN { return false }
    return x > y
  }
}
