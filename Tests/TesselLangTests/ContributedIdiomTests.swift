import TesselHost
import TesselIR
import TesselLang
import TesselPython
import Testing

/// Legacy NKI idioms of AWS's contributed kernels (`name=` on instructions, a number stored to
/// HBM, single HBM elements as `[1, 1]` tiles, reshaping on-chip tiles, one index tile for a
/// whole access, `np.fromfunction`, matmul masks that keep everything), against plain loops.
@Suite("Legacy idioms of the contributed kernels")
struct ContributedIdiomTests {
  /// The error tracing `src` on `arguments` throws; nil when it traces.
  static func traceError(_ src: String, _ arguments: [KernelArgument]) -> TraceError? {
    do throws(TraceError) {
      _ = try NKIFile(source: src, file: "t.py").trace(arguments: arguments)
    } catch {
      return error
    }
    return nil
  }

  /// What tracing `src` on a `float32[2, 2]` argument prints.
  static func printed(_ src: String) throws -> String {
    try NKIFile(source: src, file: "t.py").trace(arguments: [.tensor(shape: [2, 2], dtype: .float32)]).output
  }

  static func values(_ n: Int, _ seed: Int = 0) -> [Float] {
    (0..<n).map { Float(($0 * 37 + seed * 11) % 101) / 4 - 12 }
  }

  @Test("name= names an nisa instruction and changes nothing; a misspelled keyword is still a TypeError")
  func instructionName() throws {
    let src =
      header + """
        @nki.jit
        def named(x):
            scaled = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
            u = nisa.tensor_scalar(nl.load(x), op0=nl.multiply, operand0=2.0, name='scale')
            nl.store(scaled, nisa.tensor_copy(u, name="copy"))
            return scaled
        """
    let x = Self.values(7 * 5)
    let (_, r) = try traceAndRun(src, [try HostArray(shape: [7, 5], dtype: .float32, values: x)])
    #expect(r.outputs[0].floatValues() == x.map { $0 * 2 })
    let misspelled = src.replacingOccurrences(of: "name=\"copy\"", with: "nmae=\"copy\"")
    let error = try #require(Self.traceError(misspelled, [.tensor(shape: [7, 5], dtype: .float32)]))
    #expect(error.message == "TypeError: nisa.tensor_copy() got an unexpected keyword argument 'nmae'")
    #expect(error.location.line == 8)
  }

  @Test("tile.itemsize is the byte size of the tile's dtype, as numpy's ndarray.itemsize")
  func tileItemsize() throws {
    let src =
      header + """
        @nki.jit
        def sizes(x):
            t = nl.load(x)
            print(x.itemsize, t.itemsize, nl.copy(t, dtype=nl.bfloat16).itemsize, nl.copy(t, dtype=nl.int8).itemsize)
            return x
        """
    #expect(try Self.printed(src) == "4 4 2 1\n")
  }

  /// `nl.store(dst, 0.0, mask=)` and `nl.store(dst[idx_tile, i_f], 0)`: a number is stored into
  /// every element the access names (under the mask).
  static let numberStoreSource =
    header + """
      @nki.jit
      def k(x, idx):
          P, F = x.shape
          out = nl.ndarray((P, F), dtype=x.dtype, buffer=nl.shared_hbm)
          nl.store(out, nl.load(x))
          i_p = nl.arange(P)[:, None]
          i_f = nl.arange(F)[None, :]
          nl.store(out[i_p, i_f], value=1.5, mask=(i_f < 2))
          rows = nl.load(idx)
          nl.store(out[rows[i_p, 0], nl.arange(1)[None, :] + F - 1], -3)
          return out
      """

  @Test(
    "a Python number stored with nl.store (plain and tile-indexed) fills what the access names", arguments: [1, 7, 128])
  func numberStore(partitions p: Int) throws {
    let f = 5
    let x = Self.values(p * f)
    let idx = (0..<p).map { Float((p - 1 - $0 + 3) % p) }
    let (_, r) = try traceAndRun(
      Self.numberStoreSource,
      [
        try HostArray(shape: [p, f], dtype: .float32, values: x),
        try HostArray(shape: [p, 1], dtype: .int32, values: idx),
      ])
    let out = r.outputs[0].floatValues()
    for i in 0..<p {
      for j in 0..<f {
        let expected: Float = j == f - 1 ? -3 : j < 2 ? 1.5 : x[i * f + j]
        #expect(out[i * f + j] == expected, "out[\(i), \(j)]")
      }
    }
  }

  /// `x[i]` of an `[N, 1]` tensor and `x[0]` of a `[1, 1]` tensor are single elements: `[1, 1]`
  /// tiles, indexed `[0, 0]` and stored into a single element, as AWS's blockwise kernels do.
  static let singleElementSource =
    header + """
      @nki.jit
      def k(experts, w):
          N = experts.shape[0]
          E, P, F = w.shape
          out = nl.ndarray((N, P, F), dtype=w.dtype, buffer=nl.shared_hbm)
          last = nl.ndarray((1, 1), dtype=experts.dtype, buffer=nl.shared_hbm)
          for n in nl.affine_range(N):
              e = nl.load(experts[n], dtype=nl.int32)
              assert e.shape == (1, 1), e.shape
              i_p, i_f = nl.mgrid[0:P, 0:F]
              rows = nl.load(w[e[0, 0], i_p, i_f])
              nl.store(out[n, i_p, i_f], value=rows)
          f = nl.load(experts[N - 1])
          nl.store(dst=last[0], value=f[0, 0])
          return out, last
      """

  @Test(
    "x[i] of an [N, 1] tensor is a [1, 1] tile; w[e[0, 0], i_p, i_f] picks w[e] for every partition",
    arguments: [1, 7, 128])
  func singleElementIndex(partitions p: Int) throws {
    let (n, e, f) = (3, 4, 6)
    let experts: [Float] = [2, 0, 3]
    let w = Self.values(e * p * f, 1)
    let (_, r) = try traceAndRun(
      Self.singleElementSource,
      [
        try HostArray(shape: [n, 1], dtype: .int32, values: experts),
        try HostArray(shape: [e, p, f], dtype: .float32, values: w),
      ])
    let out = r.outputs[0].floatValues()
    for k in 0..<n {
      let ex = Int(experts[k])
      for i in 0..<(p * f) {
        #expect(out[k * p * f + i] == w[ex * p * f + i], "out[\(k)] element \(i)")
      }
    }
    #expect(r.outputs[1].floatValues() == [experts[n - 1]])
  }

  /// `nl.load(...).reshape((P, a * b))` and back: an on-chip reshape that keeps the partition
  /// dimension reads the same row-major free elements.
  static let reshapeSource =
    header + """
      @nki.jit
      def k(x):
          P, A, B = x.shape
          out = nl.ndarray((P, B, A), dtype=x.dtype, buffer=nl.shared_hbm)
          flat = nl.load(x).reshape((P, A * B))
          i_p, i_b, i_a = nl.mgrid[0:P, 0:B, 0:A]
          t = nl.copy(flat[i_p, i_a * B + i_b])
          nl.store(out, t.reshape((P, B, A)))
          return out
      """

  @Test("an on-chip reshape that keeps the partition dimension is a view of the same elements", arguments: [1, 7, 128])
  func onChipReshape(partitions p: Int) throws {
    let (a, b) = (3, 5)
    let x = Self.values(p * a * b, 2)
    let (_, r) = try traceAndRun(Self.reshapeSource, [try HostArray(shape: [p, a, b], dtype: .float32, values: x)])
    let out = r.outputs[0].floatValues()
    for i in 0..<p {
      for j in 0..<b {
        for l in 0..<a {
          #expect(out[(i * b + j) * a + l] == x[(i * a + l) * b + j], "out[\(i), \(j), \(l)]")
        }
      }
    }
  }

  @Test("an on-chip reshape that moves the partition dimension is a ValueError at the call")
  func onChipReshapeAcrossPartitions() throws {
    let src =
      header + """
        @nki.jit
        def across(x):
            u = nl.load(x).reshape((4, 14))
            return x
        """
    let error = try #require(Self.traceError(src, [.tensor(shape: [7, 8], dtype: .float32)]))
    #expect(
      error.message == "ValueError: reshape of an on-chip tile must keep the partition dimension (7), got [4, 14]")
    #expect(error.location.line == 6)
  }

  @Test("np.fromfunction calls the function once with coordinate arrays of the given dtype (CPython's values)")
  func fromFunction() throws {
    let src =
      header + """
        import numpy as np
        @nki.jit
        def k(x):
            a = np.fromfunction(lambda i, j: (i == j).astype(np.uint8), (3, 4), dtype=np.uint8)
            b = np.fromfunction(lambda i, j, scale: i * scale + j, (2, 3), scale=10)
            print(a.tolist(), a.dtype, b.tolist(), b.dtype)
            return x
        """
    let output = try Self.printed(src)
    // python3 -c "import numpy as np; a = np.fromfunction(lambda i, j: (i == j).astype(np.uint8), (3, 4),
    //   dtype=np.uint8); b = np.fromfunction(lambda i, j, scale: i * scale + j, (2, 3), scale=10);
    //   print(a.tolist(), a.dtype, b.tolist(), b.dtype)"
    #expect(
      output
        == "[[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]] uint8 [[0.0, 1.0, 2.0], [10.0, 11.0, 12.0]] float64\n")
  }

  /// A matmul mask on `nl.arange` indices that keeps every index (a ragged-tile mask where the
  /// tiles divide evenly) predicates nothing; one that drops indices of the stationary operand's
  /// free axis drops those output rows.
  static func maskedMatmulSource(limit: String) -> String {
    header + """
      @nki.jit
      def k(a, b):
          K, M = a.shape
          N = b.shape[1]
          out = nl.ndarray((M, N), dtype=nl.float32, buffer=nl.shared_hbm)
          acc = nl.zeros((M, N), dtype=nl.float32, buffer=nl.psum)
          for t in nl.affine_range(2):
              i_m = nl.arange(M // 2)[None, :] + t * (M // 2)
              acc[t * (M // 2):(t + 1) * (M // 2), 0:N] += nisa.nc_matmul(
                  nl.load(a[nl.arange(K)[:, None], i_m]), nl.load(b), mask=(i_m < \(limit)))
          nl.store(out, nl.copy(acc))
          return out
      """
  }

  @Test(
    "nc_matmul's mask= on nl.arange indices: keeping everything is no mask, dropping the last row drops it",
    arguments: [(2, "M"), (8, "M"), (128, "M"), (2, "M - 1"), (8, "M - 1"), (128, "M - 1")])
  func matmulMaskKeepingEverything(m: Int, limit: String) throws {
    let (k, n) = (5, 3)
    let a = Self.values(k * m, 3)
    let b = Self.values(k * n, 4)
    let (_, r) = try traceAndRun(
      Self.maskedMatmulSource(limit: limit),
      [
        try HostArray(shape: [k, m], dtype: .float32, values: a),
        try HostArray(shape: [k, n], dtype: .float32, values: b),
      ])
    let out = r.outputs[0].floatValues()
    let kept = limit == "M" ? m : m - 1
    for i in 0..<m {
      for j in 0..<n {
        var s: Float = 0
        for l in 0..<k { s += a[l * m + i] * b[l * n + j] }
        if i >= kept { s = 0 }
        #expect(abs(out[i * n + j] - s) <= 1e-4 * max(1, abs(s)), "out[\(i), \(j)]")
      }
    }
  }

  /// `t.view(dtype)` of a blocked tile (its view reorders the storage) and of a slice along the
  /// last dimension: the same bytes, the last dimension counted in the new dtype.
  static let sliceViewSource =
    header + """
      @nki.jit
      def k(x):
          G, P, F = x.shape
          viewed = nl.ndarray((G, P, 2 * F - 2), dtype=nl.uint16, buffer=nl.shared_hbm)
          sliced = nl.ndarray((G, P, 2 * F - 2), dtype=nl.uint16, buffer=nl.shared_hbm)
          t = nl.ndarray((G, nl.par_dim(P), F), dtype=nl.int32, buffer=nl.sbuf)
          for g in nl.affine_range(G):
              t[g] = nl.load(x[g])
          for g in nl.affine_range(G):
              nl.store(viewed[g], value=t.view(nl.uint16)[g, :, 2:2 * F])
              nl.store(sliced[g], value=t[g, :, 1:F].view(nl.uint16))
          return viewed, sliced
      """

  @Test("view(dtype) of a blocked tile and of a slice reads the same bytes as plain loops", arguments: [1, 7, 128])
  func sliceView(partitions p: Int) throws {
    let (g, f) = (2, 3)
    let x = (0..<(g * p * f)).map { Float(($0 * 7919) % 200_003 - 100_000) }
    let (_, r) = try traceAndRun(Self.sliceViewSource, [try HostArray(shape: [g, p, f], dtype: .int32, values: x)])
    for out in [r.outputs[0].floatValues(), r.outputs[1].floatValues()] {
      for b in 0..<g {
        for i in 0..<p {
          for j in 0..<(2 * f - 2) {
            let word = UInt32(bitPattern: Int32(x[(b * p + i) * f + 1 + j / 2]))
            let half = j % 2 == 0 ? word & 0xFFFF : word >> 16
            #expect(out[(b * p + i) * (2 * f - 2) + j] == Float(half), "[\(b), \(i), \(j)]")
          }
        }
      }
    }
  }

  @Test(
    "view(dtype) of a same-size dtype reads any slice, also of a reshaped (alias) tile, element for element",
    arguments: [1, 7, 128])
  func sameSizeSliceView(partitions p: Int) throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            P = x.shape[0]
            out = nl.ndarray((P, 4), dtype=nl.uint32, buffer=nl.shared_hbm)
            t = nl.load(x)
            r = t.reshape((P, 16))
            nl.store(out, value=r[:, 3:15:3].view(nl.uint32))
            return out
        """
    let x = (0..<(p * 16)).map { Float(($0 * 7919) % 100_003) }
    let (_, r) = try traceAndRun(src, [try HostArray(shape: [p, 2, 8], dtype: .int32, values: x)])
    let out = r.outputs[0].floatValues()
    for i in 0..<p {
      for j in 0..<4 { #expect(out[i * 4 + j] == x[i * 16 + 3 + 3 * j], "[\(i), \(j)]") }
    }
  }

  @Test("view(dtype) of a slice that steps over its last dimension is refused at the call")
  func stridedSliceView() throws {
    let src =
      header + """
        @nki.jit
        def strided(x):
            u = nl.load(x)[:, 0:4:2].view(nl.uint16)
            return x
        """
    let error = try #require(Self.traceError(src, [.tensor(shape: [7, 8], dtype: .int32)]))
    #expect(error.message.hasPrefix("unsupported: view(uint16) of this slice of"), "\(error.message)")
    #expect(error.location.line == 6)
  }

  /// `nl.multiply(x, c)` with `x` a `[P, a, b]` tile and `c` a `[P, 1]` column: the column is
  /// broadcast along every free dimension (partition-major, as NKI does), either side.
  static let columnSource =
    header + """
      @nki.jit
      def k(x, c):
          P, A, B = x.shape
          prod = nl.ndarray((P, A, B), dtype=x.dtype, buffer=nl.shared_hbm)
          diff = nl.ndarray((P, A, B), dtype=x.dtype, buffer=nl.shared_hbm)
          t = nl.load(x)
          col = nl.load(c)
          nl.store(prod, nl.multiply(t, col))
          nl.store(diff, nl.subtract(col, t))
          return prod, diff
      """

  @Test("a [P, 1] column against a [P, a, b] tile broadcasts along every free dimension", arguments: [1, 7, 128])
  func columnAgainstThreeDimensions(partitions p: Int) throws {
    let (a, b) = (4, 5)
    let x = Self.values(p * a * b, 5)
    let c = Self.values(p, 6)
    let (_, r) = try traceAndRun(
      Self.columnSource,
      [
        try HostArray(shape: [p, a, b], dtype: .float32, values: x),
        try HostArray(shape: [p, 1], dtype: .float32, values: c),
      ])
    let prod = r.outputs[0].floatValues()
    let diff = r.outputs[1].floatValues()
    for i in 0..<(p * a * b) {
      #expect(prod[i] == x[i] * c[i / (a * b)], "prod element \(i)")
      #expect(diff[i] == c[i / (a * b)] - x[i], "diff element \(i)")
    }
  }
}
