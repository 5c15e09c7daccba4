import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import Testing

/// Traces inline NKI source and runs it on the given arrays.
func traceAndRun(_ source: String, _ arrays: [HostArray], literals: [String: PythonLiteral] = [:]) throws -> (
  Kernel, HostRunResult
) {
  let file = try NKIFile(source: source, file: "t.py")
  var kw: [String: KernelArgument] = [:]
  for (k, v) in literals { kw[k] = .literal(v) }
  let traced = try file.trace(
    arguments: arrays.map { .tensor(shape: $0.shape, dtype: $0.dtype ?? .float32) }, keywords: kw)
  return (traced.kernel, try Interpreter(kernel: traced.kernel).run(hostArrays: arrays))
}

/// The trace error `traceAndRun` stops with, or nil when the kernel traces and runs.
func traceRefusal(_ source: String, _ arrays: [HostArray]) throws -> TraceError? {
  do {
    _ = try traceAndRun(source, arrays)
    return nil
  } catch let e as TraceError {
    return e
  }
}

let header = """
  import neuronxcc.nki as nki
  import neuronxcc.nki.language as nl
  import neuronxcc.nki.isa as nisa

  """

@Suite("NKI tracing semantics found on public kernels")
struct TracerSemanticsTests {
  @Test("reducing every free axis keeps [P, 1], which broadcasts along the free axis")
  func reductionKeepsPartitionColumn() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
            t = nl.load(x)
            s = nl.sum(t, axis=[1])
            nl.store(out, nl.divide(t, s))
            return out
        """
    let x = (0..<(7 * 5)).map { Float($0 % 5 + 1) }
    let (k, r) = try traceAndRun(src, [try HostArray(shape: [7, 5], dtype: .float32, values: x)])
    #expect(k.tensors.contains { $0.name == "s" && $0.shape == [7, 1] })
    let out = r.outputs[0].floatValues()
    for i in 0..<7 { for j in 0..<5 { #expect(abs(out[i * 5 + j] - x[i * 5 + j] / 15) < 1e-6) } }
  }

  @Test(
    "index grids broadcast NumPy-style: w[i_p, i_w] with components of a 3-D grid is [P, W, 1], which broadcasts",
    arguments: [1, 7, 128])
  func gridKeepsSizeOneDimension(p: Int) throws {
    let src =
      header + """
        @nki.jit
        def k(x, w):
            P, W, F = x.shape
            out = nl.ndarray((P, W, F), dtype=x.dtype, buffer=nl.shared_hbm)
            i_p, i_w, i_f = nl.mgrid[0:P, 0:W, 0:F]
            xt = nl.load(x)
            wt = nl.load(w)
            col = nl.copy(wt[i_p, i_w])
            nl.store(out, nl.multiply(xt, col))
            return out
        """
    let (wd, f) = (3, 5)
    let x = (0..<(p * wd * f)).map { Float($0 % 11) - 5 }
    let w = (0..<(p * wd)).map { Float($0 % 7) * 0.5 }
    let (k, r) = try traceAndRun(
      src,
      [
        try HostArray(shape: [p, wd, f], dtype: .float32, values: x),
        try HostArray(shape: [p, wd], dtype: .float32, values: w),
      ])
    #expect(k.tensors.contains { $0.name == "col" && $0.shape == [p, wd, 1] })
    let out = r.outputs[0].floatValues()
    for a in 0..<p {
      for b in 0..<wd {
        for c in 0..<f { #expect(out[(a * wd + b) * f + c] == x[(a * wd + b) * f + c] * w[a * wd + b]) }
      }
    }
  }

  /// A 4-D tile filled along one free dimension at a time, an integer loop index among grid components.
  static let integerAmongGridKernel =
    header + """
      @nki.jit
      def k(f):
          C, H = f.shape
          OW, N = 4, 2
          out = nl.ndarray((C, OW, H, N), dtype=f.dtype, buffer=nl.shared_hbm)
          ft = nl.load(f)
          b = nl.ndarray((C, OW, H, N), dtype=f.dtype, buffer=nl.sbuf)
          for w in nl.affine_range(OW):
              i_c, i_o, i_h, i_n = nl.mgrid[0:C, 0:OW, 0:H, 0:N]
              b[i_c, w, i_h, i_n] = ft.reshape((C, 1, H, 1))
          nl.store(out, b)
          return out
      """

  @Test(
    "an integer index among grid components keeps its size-1 dimension: b[i_c, w, i_h, i_n] is [C, 1, H, N]",
    arguments: [1, 7, 128])
  func integerAmongGridComponents(c: Int) throws {
    let src = Self.integerAmongGridKernel
    let h = 3
    let fv = (0..<(c * h)).map { Float($0 % 13) - 6 }
    let (_, r) = try traceAndRun(src, [try HostArray(shape: [c, h], dtype: .float32, values: fv)])
    let out = r.outputs[0].floatValues()
    for a in 0..<c {
      for o in 0..<4 {
        for y in 0..<h { for n in 0..<2 { #expect(out[((a * 4 + o) * h + y) * 2 + n] == fv[a * h + y]) } }
      }
    }
  }

  @Test("a mask over one nl.mgrid component applies to the axis that component indexes")
  func maskFollowsGridAxis() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray((4, 10), dtype=x.dtype, buffer=nl.shared_hbm)
            i_p, i_q, i_r = nl.mgrid[0:4, 0:1, 0:1]
            i_f, i_s = nl.mgrid[0:5, 0:6]
            t = nl.load(x)
            r = nl.zeros((4, 10), dtype=nl.float32, buffer=nl.sbuf)
            r[i_p, 2 + i_s] = nl.copy(t[i_p, 2 + i_s], mask=(2 + i_s < 6))
            nl.store(out, r)
            return out
        """
    let x = (0..<40).map { Float($0) }
    let (_, r) = try traceAndRun(src, [try HostArray(shape: [4, 10], dtype: .float32, values: x)])
    let out = r.outputs[0].floatValues()
    for p in 0..<4 {
      for f in 0..<10 { #expect(out[p * 10 + f] == ((2..<6).contains(f) ? x[p * 10 + f] : 0), "\(p), \(f)") }
    }
  }

  @Test("nisa.iota over some nl.mgrid components spans the whole grid")
  func iotaOverGrid() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray((4, 2, 3), dtype=nl.float32, buffer=nl.shared_hbm)
            g = nl.mgrid[0:4, 0:2, 0:3]
            idx = nisa.iota(3 * g.x + g.y, dtype=nl.float32)
            nl.store(out, idx)
            return out
        """
    let (k, r) = try traceAndRun(src, [try HostArray(shape: [1], dtype: .float32, values: [0])])
    #expect(k.tensors.contains { $0.name == "idx" && $0.shape == [4, 2, 3] })
    let out = r.outputs[0].floatValues()
    for p in 0..<4 { for a in 0..<2 { for b in 0..<3 { #expect(out[(p * 2 + a) * 3 + b] == Float(3 * a + b)) } } }
  }

  @Test("masked bn_stats on a ragged last chunk uses only the kept elements")
  func maskedBNStats() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray((4, 2), dtype=nl.float32, buffer=nl.shared_hbm)
            t = nl.load(x)
            ip, i_f = nl.mgrid[0:4, 0:8]
            stats = nl.ndarray((4, 12), dtype=nl.float32, buffer=nl.sbuf)
            for j in nl.affine_range(2):
                stats[ip, j * 6 + nl.arange(6)[None, :]] = nisa.bn_stats(t[ip, j * 8 + i_f], mask=(j * 8 + i_f < 13))
            nl.store(out, nisa.bn_aggr(stats))
            return out
        """
    let x = (0..<(4 * 16)).map { Float(($0 * 7) % 11) - 5 }
    let (_, r) = try traceAndRun(src, [try HostArray(shape: [4, 16], dtype: .float32, values: x)])
    let out = r.outputs[0].floatValues()
    for p in 0..<4 {
      let vals = (0..<13).map { Double(x[p * 16 + $0]) }
      let mean = vals.reduce(0, +) / 13
      let v = vals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 13
      #expect(abs(Double(out[p * 2]) - mean) < 1e-5)
      #expect(abs(Double(out[p * 2 + 1]) - v) < 1e-4)
    }
  }

  @Test("floor division of an index by a divisor of all its coefficients stays affine")
  func affineFloorDivision() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray((4, 8), dtype=x.dtype, buffer=nl.shared_hbm)
            for i in nl.affine_range(2):
                t = nl.load(x[0:4, (i * 8 + 1) // 2 * 2:(i * 8 + 1) // 2 * 2 + 4])
                nl.store(out[0:4, i * 4:i * 4 + 4], t)
            return out
        """
    let x = (0..<(4 * 12)).map { Float($0) }
    let (k, r) = try traceAndRun(src, [try HostArray(shape: [4, 12], dtype: .float32, values: x)])
    _ = k
    // (8i + 1) // 2 * 2 = 8i: columns 0..3 for i = 0 and 8..11 for i = 1.
    let out = r.outputs[0].floatValues()
    for p in 0..<4 {
      for j in 0..<4 {
        #expect(out[p * 8 + j] == x[p * 12 + j])
        #expect(out[p * 8 + 4 + j] == x[p * 12 + 8 + j])
      }
    }
  }

  @Test("nl.finfo(dtype).min fills with the dtype's lowest value")
  func finfo() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray((2, 2), dtype=nl.bfloat16, buffer=nl.shared_hbm)
            t = nl.full((2, 2), fill_value=nl.finfo(nl.bfloat16).min, dtype=nl.bfloat16, buffer=nl.sbuf)
            nl.store(out, t)
            return out
        """
    let (_, r) = try traceAndRun(src, [try HostArray(shape: [1], dtype: .float32, values: [0])])
    #expect(r.outputs[0].floatValues() == Array(repeating: -Float(bitPattern: 0x7F7F_0000), count: 4))
  }
}

@Suite("Python at trace time")
struct TracePythonTests {
  @Test("list and dict methods, comprehensions, f-strings and NKI's range rule while tracing")
  func pythonContainers() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            sizes = []
            for i in nl.static_range(3):
                sizes.append(i * 2)
            n = 0
            for j in range(8):
                n += 1
            sizes.extend([10])
            d = {"a": 1}
            d.update({"b": 2})
            total = sum(sizes) + d.get("b") + len([c for c in "abc" if c != "b"])
            assert f"{total}" == "20", f"got {total}"
            # NKI's legacy rule: a Python range is a sequential_range traced once (a counter ends at 1).
            assert n == 1, f"n = {n}"
            out = nl.ndarray((2, total), dtype=x.dtype, buffer=nl.shared_hbm)
            t = nl.zeros((2, total), dtype=nl.float32, buffer=nl.sbuf)
            nl.store(out, t)
            return out
        """
    let (k, _) = try traceAndRun(src, [try HostArray(shape: [1], dtype: .float32, values: [0])])
    #expect(k.tensors.contains { $0.name == "out" && $0.shape == [2, 20] })
  }
}

/// Bugs the random kernel generator (RandomKernelTests) found, each reduced to a small kernel.
@Suite("Random kernel regressions")
struct RandomKernelRegressionTests {
  /// `acc[...] = nl.add(acc, v, mask=m)` reads its own destination, so its result is not folded
  /// into `acc`; the copy that remains must keep only what the mask kept.
  ///
  /// It used to copy the
  /// whole temporary, spreading never-written (poison) elements into `acc`.
  @Test("t[...] = nl.op(t, ..., mask=m) leaves the elements m drops unchanged", arguments: [DType.float32, .bfloat16])
  func maskedInPlaceAssignment(accumulator: DType) throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray((8, 3), dtype=nl.float32, buffer=nl.shared_hbm)
            ip = nl.arange(8)[:, None]
            jf = nl.arange(3)[None, :]
            acc = nl.full((8, 3), 5.0, dtype=nl.\(accumulator.nkiName), buffer=nl.sbuf)
            for t in nl.sequential_range(2):
                inside = t * 8 + ip < 5 + 8 * t
                v = nl.load(x[t * 5 + ip, jf], mask=inside)
                acc[...] = nl.add(acc, v, dtype=nl.float32, mask=inside)
            nl.store(out, value=acc)
            return out
        """
    let x = (0..<30).map { Float($0) }
    let (_, r) = try traceAndRun(src, [try HostArray(shape: [10, 3], dtype: .float32, values: x)])
    // Each iteration adds five rows into partitions 0-4; partitions 5-7 keep the 5.0 fill.
    var expected: [Float] = []
    for p in 0..<8 {
      for j in 0..<3 {
        expected.append(p < 5 ? 5 + x[p * 3 + j] + x[(p + 5) * 3 + j] : 5)
      }
    }
    #expect(r.outputs[0].floatValues() == expected)
    #expect(r.report.warnings.isEmpty, "\(r.report.warnings.map(\.message))")
  }

  /// A `[P, 1]` operand of a masked `[P, F]` tensor_scalar is read once per partition; the
  /// never-written check used to walk it with the instruction's free extent, past its end.
  @Test("a masked op with a [P, 1] operand does not report reads of never-written elements")
  func maskedColumnOperandPoisonCheck() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
            ip = nl.arange(128)[:, None]
            jf = nl.arange(130)[None, :]
            inside = ip < 1
            v = nl.load(x[ip, jf], mask=inside)
            m = nl.max(v, axis=[1], keepdims=True, mask=inside)
            w = nl.add(m, v, mask=inside)
            nl.store(out[ip, jf], value=w, mask=inside)
            return out
        """
    let x = (0..<130).map { Float($0 % 7) }
    let (_, r) = try traceAndRun(src, [try HostArray(shape: [1, 130], dtype: .float32, values: x)])
    #expect(r.outputs[0].floatValues() == x.map { $0 + 6 })
    #expect(r.report.warnings.isEmpty, "\(r.report.warnings.map(\.message))")
  }
}
