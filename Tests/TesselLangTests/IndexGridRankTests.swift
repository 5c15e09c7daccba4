import TesselHost
import TesselLang
import TesselPython
import Testing

/// Index grids of different ranks in one expression or subscript, aligned from the partition axis.
///
/// A lower-rank grid gets trailing size-1 dimensions, where NumPy would align grids on their last
/// dimensions. Every expected value is a plain loop over the indices.
@Suite("Index grids of different ranks align from the partition axis")
struct IndexGridRankTests {
  /// `x[c, h, w]` into a `[C, H, W, 1]` tile through a 3-D channel grid among 4-D grids, as
  /// production convolution kernels write it; then stored through the same subscripts.
  static let channelGridAmongFourD =
    header + """
      @nki.jit
      def k(x):
          C, H, W = x.shape
          out = nl.ndarray((C, H, W, 1), dtype=x.dtype, buffer=nl.shared_hbm)
          i_c = nl.arange(C)[:, None, None]
          i_h = nl.arange(H)[None, :, None, None]
          i_w = nl.arange(W)[None, None, :, None]
          i_b = nl.arange(1)[None, None, None, :]
          t = nl.load(x[i_c, i_h, i_w])
          u = nl.multiply(t, 2.0)
          nl.store(out[i_c, i_h, i_w, i_b], u, mask=(i_c < C - 1))
          return out
      """

  @Test("a [C, 1, 1] grid among [1, H, 1, 1] and [1, 1, W, 1] grids makes a [C, H, W, 1] tile", arguments: [1, 7, 128])
  func lowerRankPartitionGrid(c: Int) throws {
    let (h, w) = (3, 5)
    let x = (0..<(c * h * w)).map { Float($0 % 17) - 8 }
    let (k, r) = try traceAndRun(
      Self.channelGridAmongFourD, [try HostArray(shape: [c, h, w], dtype: .float32, values: x)])
    #expect(k.tensors.contains { $0.name == "t" && $0.shape == [c, h, w, 1] })
    let out = r.outputs[0].floatValues()
    for a in 0..<c {
      for y in 0..<h {
        for z in 0..<w {
          // The mask keeps every channel but the last: that one is never written.
          if a < c - 1 { #expect(out[(a * h + y) * w + z] == 2 * x[(a * h + y) * w + z]) }
        }
      }
    }
  }

  /// A 1-D arange (`nl.arange(P)[:, ]`, NumPy's `a[(slice(None),)]`, the same 1-D vector) plus a
  /// `[1, 1]` grid is the partition column `[P, 1]`, loaded under a mask of the same column.
  static let oneDimensionalPlusColumn =
    header + """
      @nki.jit
      def k(s, n_valid):
          _, N = s.shape
          P = 8
          T = (N + P - 1) // P
          out = nl.ndarray((T, P, 1), dtype=s.dtype, buffer=nl.shared_hbm)
          for t in nl.affine_range(T):
              idx = nl.arange(P)[:, ] + P * t + nl.arange(1)[None, :]
              tile = nl.zeros((P, 1), dtype=s.dtype, buffer=nl.sbuf)
              tile[0:P, 0] = nl.load(s[0, idx], mask=(idx < n_valid))
              nl.store(out[t], tile)
          return out
      """

  @Test("nl.arange(P)[:, ] + nl.arange(1)[None, :] is a [P, 1] column", arguments: [1, 7, 20])
  func oneDimensionalPlusSizeOneRow(n: Int) throws {
    let p = 8
    let t = (n + p - 1) / p
    let s = (0..<n).map { Float($0) * 0.5 + 1 }
    let nValid = max(1, n - 2)
    let (_, r) = try traceAndRun(
      Self.oneDimensionalPlusColumn, [try HostArray(shape: [1, n], dtype: .float32, values: s)],
      literals: ["n_valid": .int(nValid)])
    let out = r.outputs[0].floatValues()
    #expect(out.count == t * p)
    for i in 0..<(t * p) { #expect(out[i] == (i < nValid ? s[i] : 0)) }
  }

  @Test("nl.arange(n)[:, ] is the 1-D arange, which no tensor may be indexed with")
  func trailingCommaSubscriptIsOneDimensional() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
            i = nl.arange(4)[:, ]
            nl.store(out, nl.load(x[i, 0]))
            return out
        """
    let e = try #require(
      try traceRefusal(src, [try HostArray(shape: [4, 1], dtype: .float32, values: [1, 2, 3, 4])]))
    #expect(e.message.contains("indexing tensor `x` with 1d arange is not supported"), "\(e.message)")
    #expect(e.location.line == 8, "\(e.location)")
  }

  /// A row grid `[1, W]` among 3-D grids indexes the first free axis, and a `[P, 1]` mask masks
  /// the partition axis of a 3-D instruction.
  static let rowGridAmongThreeD =
    header + """
      @nki.jit
      def k(x):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          P, W, F = x.shape
          i_p = nl.arange(P)[:, None]
          i_w = nl.arange(W)[None, :]
          i_f = nl.arange(F)[None, None, :]
          t = nl.load(x[i_p, i_w, i_f])
          u = nl.add(t, 1.0, mask=(i_p < P - 1))
          nl.store(out[i_p, i_w, i_f], u, mask=(i_p < P - 1))
          return out
      """

  @Test("[P, 1] and [1, W] grids among a [1, 1, F] grid index partition and first free axis", arguments: [2, 7, 128])
  func twoDimensionalGridsAmongThreeD(p: Int) throws {
    let (w, f) = (4, 3)
    let x = (0..<(p * w * f)).map { Float($0 % 23) * 0.25 }
    let (k, r) = try traceAndRun(
      Self.rowGridAmongThreeD, [try HostArray(shape: [p, w, f], dtype: .float32, values: x)])
    #expect(k.tensors.contains { $0.name == "t" && $0.shape == [p, w, f] })
    let out = r.outputs[0].floatValues()
    for a in 0..<(p - 1) {
      for b in 0..<w { for c in 0..<f { #expect(out[(a * w + b) * f + c] == x[(a * w + b) * f + c] + 1) } }
    }
  }

  @Test("grids whose aligned extents differ are NumPy's broadcast error, at the subscript")
  func mismatchedExtentsRefused() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            i_a = nl.arange(4)[:, None]
            i_b = nl.arange(3)[:, None, None]
            out = nl.ndarray((4, 3, 1), dtype=x.dtype, buffer=nl.shared_hbm)
            nl.store(out, nl.load(x[i_a, i_b, 0]))
            return out
        """
    let x = try HostArray(shape: [4, 3, 1], dtype: .float32, values: Array(repeating: 1, count: 12))
    let e = try #require(try traceRefusal(src, [x]))
    #expect(e.message.contains("could not be broadcast together"), "\(e.message)")
    #expect(e.location.line == 9, "\(e.location)")
  }
}
