import TesselHost
import TesselIR
import Testing

/// A one-element tile (`[1, 1]`) against a tile of more partitions is broadcast across the
/// partitions, as NKI's compiler does (`x + sink` where `sink` is a `[1, 1]` tile).
@Suite("partition broadcast of a one-element tile")
struct PartitionBroadcastTests {
  static let source = """
    import neuronxcc.nki as nki
    import neuronxcc.nki.language as nl

    @nki.jit
    def k(x, s):
        sum_out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
        col_out = nl.ndarray((x.shape[0], 1), dtype=x.dtype, buffer=nl.shared_hbm)
        rev_out = nl.ndarray((x.shape[0], 1), dtype=x.dtype, buffer=nl.shared_hbm)
        t = nl.load(x)
        one = nl.load(s)
        col = nl.max(t, axis=1, keepdims=True)
        nl.store(sum_out, nl.multiply(t, one))
        nl.store(col_out, nl.add(col, one))
        nl.store(rev_out, nl.subtract(one, col))
        return sum_out, col_out, rev_out
    """

  @Test("[P, F] * [1, 1], [P, 1] + [1, 1] and [1, 1] - [P, 1] match plain loops", arguments: [1, 7, 128])
  func matchesPlainLoops(partitions p: Int) throws {
    let f = 13
    let x = (0..<(p * f)).map { Float(($0 * 37) % 101) / 8 - 6 }
    let s: Float = 2.5
    let (_, r) = try traceAndRun(
      Self.source,
      [
        try HostArray(shape: [p, f], dtype: .float32, values: x),
        try HostArray(shape: [1, 1], dtype: .float32, values: [s]),
      ])
    let product = r.outputs[0].floatValues()
    let column = r.outputs[1].floatValues()
    let reversed = r.outputs[2].floatValues()
    for i in 0..<p {
      var m = -Float.infinity
      for j in 0..<f {
        m = max(m, x[i * f + j])
        #expect(product[i * f + j] == x[i * f + j] * s, "product[\(i), \(j)]")
      }
      #expect(column[i] == m + s, "column[\(i)]")
      #expect(reversed[i] == s - m, "reversed[\(i)]")
    }
  }
}

/// A one-partition row (`[1, F]`) against a tile of more partitions is broadcast across the
/// partitions (`nl.add`'s documented example: `[1, 512]` is broadcast to `[128, 512]`); its free
/// sizes broadcast with the other tile's by NumPy's rule.
@Suite("partition broadcast of a one-partition row")
struct PartitionRowBroadcastTests {
  static let source = """
    import neuronxcc.nki as nki
    import neuronxcc.nki.language as nl

    @nki.jit
    def k(x, r, c, x3, r3):
        prod = nl.ndarray(x.shape, dtype=nl.float32, buffer=nl.shared_hbm)
        diff = nl.ndarray(x.shape, dtype=nl.float32, buffer=nl.shared_hbm)
        outer = nl.ndarray(x.shape, dtype=nl.float32, buffer=nl.shared_hbm)
        deep = nl.ndarray(x3.shape, dtype=nl.float32, buffer=nl.shared_hbm)
        t = nl.load(x)
        row = nl.load(r)
        col = nl.load(c)
        nl.store(prod, nl.multiply(t, row))
        nl.store(diff, nl.subtract(row, t))
        nl.store(outer, nl.add(col, row))
        nl.store(deep, nl.maximum(nl.load(x3), nl.load(r3)))
        return prod, diff, outer, deep
    """

  @Test(
    "[P, F] * [1, F], [1, F] - [P, F], [P, 1] + [1, F] and max([P, 2, F], [1, 1, F]) match plain loops",
    arguments: [(1, 5), (7, 13), (128, 33)])
  func matchesPlainLoops(partitions p: Int, free f: Int) throws {
    let x = (0..<(p * f)).map { Float(($0 * 37) % 101) / 8 - 6 }
    let r = (0..<f).map { Float(($0 * 11) % 17) / 4 - 2 }
    let c = (0..<p).map { Float(($0 * 5) % 9) - 4 }
    let x3 = (0..<(p * 2 * f)).map { Float(($0 * 29) % 43) / 5 - 4 }
    let (_, run) = try traceAndRun(
      Self.source,
      [
        try HostArray(shape: [p, f], dtype: .float32, values: x),
        try HostArray(shape: [1, f], dtype: .float32, values: r),
        try HostArray(shape: [p, 1], dtype: .float32, values: c),
        try HostArray(shape: [p, 2, f], dtype: .float32, values: x3),
        try HostArray(shape: [1, 1, f], dtype: .float32, values: r),
      ])
    let prod = run.outputs[0].floatValues()
    let diff = run.outputs[1].floatValues()
    let outer = run.outputs[2].floatValues()
    let deep = run.outputs[3].floatValues()
    for i in 0..<p {
      for j in 0..<f {
        #expect(prod[i * f + j] == x[i * f + j] * r[j], "prod[\(i), \(j)]")
        #expect(diff[i * f + j] == r[j] - x[i * f + j], "diff[\(i), \(j)]")
        #expect(outer[i * f + j] == c[i] + r[j], "outer[\(i), \(j)]")
        for a in 0..<2 {
          let k = (i * 2 + a) * f + j
          #expect(deep[k] == max(x3[k], r[j]), "deep[\(i), \(a), \(j)]")
        }
      }
    }
  }

  static let maskedSource = """
    import neuronxcc.nki as nki
    import neuronxcc.nki.language as nl

    @nki.jit
    def k(x, r):
        P, F = x.shape
        out = nl.ndarray((3, P, F), dtype=nl.float32, buffer=nl.shared_hbm)
        one = nl.ndarray((3, P, F), dtype=nl.float32, buffer=nl.shared_hbm)
        rows = nl.ndarray((2, nl.par_dim(1), F), dtype=nl.float32, buffer=nl.sbuf)
        for j in nl.affine_range(2):
            rows[j, 0:1, 0:F] = nl.load(r[j:j + 1, 0:F])
        for i in nl.affine_range(3):
            t = nl.load(x)
            nl.store(out[i], nl.multiply(t, rows[i, 0:1, 0:F], mask=(i < 2)), mask=(i < 2))
            nl.store(one[i], nl.add(t, rows[i, 0:1, 0:1], mask=(i < 2)), mask=(i < 2))
        return out, one
    """

  @Test(
    "a loop-index mask= also masks the partition broadcast: a block that exists only where it holds is not read",
    arguments: [(1, 5), (7, 13), (128, 33)])
  func maskedBroadcast(partitions p: Int, free f: Int) throws {
    let x = (0..<(p * f)).map { Float(($0 * 37) % 101) / 8 - 6 }
    let r = (0..<(2 * f)).map { Float(($0 * 11) % 17) / 4 - 2 }
    let (_, run) = try traceAndRun(
      Self.maskedSource,
      [
        try HostArray(shape: [p, f], dtype: .float32, values: x),
        try HostArray(shape: [2, f], dtype: .float32, values: r),
      ])
    let out = run.outputs[0].floatValues()
    let one = run.outputs[1].floatValues()
    for b in 0..<2 {
      for i in 0..<p {
        for j in 0..<f {
          let k = (b * p + i) * f + j
          #expect(out[k] == x[i * f + j] * r[b * f + j], "out[\(b), \(i), \(j)]")
          #expect(one[k] == x[i * f + j] + r[b * f], "one[\(b), \(i), \(j)]")
        }
      }
    }
  }

  @Test("a row of two partitions against more is still the partition-mismatch error")
  func twoPartitionsStillRefused() throws {
    let source = """
      import neuronxcc.nki as nki
      import neuronxcc.nki.language as nl

      @nki.jit
      def k(x, r):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          nl.store(out, nl.add(nl.load(x), nl.load(r)))
          return out
      """
    #expect {
      _ = try traceAndRun(
        source,
        [
          try HostArray(shape: [7, 5], dtype: .float32, values: Array(repeating: 1, count: 35)),
          try HostArray(shape: [2, 5], dtype: .float32, values: Array(repeating: 1, count: 10)),
        ])
    } throws: { error in
      "\(error)".contains("number of partitions") && "\(error)".contains("t.py:7:")
    }
  }
}
