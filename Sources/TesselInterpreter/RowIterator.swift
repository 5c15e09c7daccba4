/// Walks an instruction's iteration space row by row: every index of the outer dimensions, with
/// the valid `[lo, hi)` range of the innermost dimension under the mask.
///
/// Up to four views advance together; their offsets travel in one `SIMD4<Int>` so that moving to
/// the next row is a single vector add per dimension.
struct RowIterator {
  /// Iteration counts; the last is the row length.
  var counts: [Int]
  /// Per dimension, the flat stride of each of up to four views.
  var strides: [SIMD4<Int>]

  /// Builds an iterator over `counts` for views with the given per-dimension strides, merging
  /// adjacent dimensions that are contiguous in every view when `merge` is true.
  init(counts: [Int], viewStrides: [[Int]], merge: Bool) {
    var c = counts
    var s: [SIMD4<Int>] = c.indices.map { d in
      var v = SIMD4<Int>(repeating: 0)
      for (lane, vs) in viewStrides.prefix(4).enumerated() where d < vs.count { v[lane] = vs[d] }
      return v
    }
    if merge && c.count > 1 {
      var d = c.count - 2
      while d >= 0 {
        if s[d] == s[d + 1] &* SIMD4(repeating: c[d + 1]) {
          c[d] *= c[d + 1]
          s[d] = s[d + 1]
          c.remove(at: d + 1)
          s.remove(at: d + 1)
        } else if c[d + 1] == 1 {
          c.remove(at: d + 1)
          s.remove(at: d + 1)
        }
        d -= 1
      }
    }
    self.counts = c
    self.strides = s
  }

  /// The row length.
  var rowLength: Int { counts.last ?? 1 }
  /// The strides along a row.
  var innerStrides: SIMD4<Int> { strides.last ?? SIMD4(repeating: 0) }

  /// Calls `body(rowStart, outerIndices, lo, hi)` for every row whose valid range is not empty.
  @inline(__always)
  func forEachRow(
    start: SIMD4<Int>, mask: [FlatCondition], env: UnsafePointer<Int>,
    _ body: (SIMD4<Int>, SIMD8<Int>, Int, Int) throws -> Void
  ) rethrows {
    let rank = counts.count
    let n = rowLength
    if rank == 1 {
      let (lo, hi) = maskRange(mask, outer: SIMD8(repeating: 0), env: env, n: n)
      if lo < hi { try body(start, SIMD8(repeating: 0), lo, hi) }
      return
    }
    var idx = SIMD8<Int>(repeating: 0)
    var off = start
    let rows = counts.dropLast().reduce(1, *)
    for _ in 0..<rows {
      let (lo, hi) = mask.isEmpty ? (0, n) : maskRange(mask, outer: idx, env: env, n: n)
      if lo < hi { try body(off, idx, lo, hi) }
      // Advance the odometer.
      var d = rank - 2
      while d >= 0 {
        idx[d] += 1
        off &+= strides[d]
        if idx[d] < counts[d] { break }
        off &-= strides[d] &* SIMD4(repeating: counts[d])
        idx[d] = 0
        d -= 1
      }
    }
  }

  /// The valid range of the innermost index for a row, under `>= 0` conditions.
  @inline(__always)
  func maskRange(_ mask: [FlatCondition], outer: SIMD8<Int>, env: UnsafePointer<Int>, n: Int) -> (Int, Int) {
    var lo = 0
    var hi = n
    let last = counts.count - 1
    for c in mask {
      var v = c.offset.value(env)
      for d in 0..<Swift.min(last, 8) { v &+= c.coefficients[d] &* outer[d] }
      let k = last < c.coefficients.count ? c.coefficients[last] : 0
      if k == 0 {
        if v < 0 { return (0, 0) }
      } else if k > 0 {
        // k*j + v >= 0  ⇔  j >= ceil(-v / k)
        let bound = ceilDiv(-v, k)
        lo = Swift.max(lo, bound)
      } else {
        // k*j + v >= 0 with k < 0  ⇔  j <= floor(v / -k)
        let bound = floorDiv(v, -k)
        hi = Swift.min(hi, bound + 1)
      }
    }
    return (Swift.max(0, lo), Swift.min(n, hi))
  }
}

@inline(__always) func floorDiv(_ a: Int, _ b: Int) -> Int {
  let q = a / b
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q
}

@inline(__always) func ceilDiv(_ a: Int, _ b: Int) -> Int { -floorDiv(-a, b) }

extension RowIterator {
  /// Walks rows of `counts` without merging, handing the outer indices to `body`.
  func forEachRowUnmerged(
    counts: [Int], mask: [FlatCondition], env: UnsafePointer<Int>, _ body: ([Int], Int, Int) -> Void
  ) {
    let it = RowIterator(counts: counts, viewStrides: [], merge: false)
    it.forEachRow(start: SIMD4(repeating: 0), mask: mask, env: env) { _, idx, lo, hi in
      var outer: [Int] = []
      for d in 0..<(counts.count - 1) { outer.append(idx[d]) }
      body(outer, lo, hi)
    }
  }
}
