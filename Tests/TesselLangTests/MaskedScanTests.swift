import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import Testing

/// `mask=` on `nisa.tensor_tensor_scan` (AWS's cumsum kernel masks its ragged last tile), against
/// plain loops; `mask=` on the instructions Tessel cannot mask is a located error, never dropped.
@Suite("Masks on scans and on instructions without mask support")
struct MaskedScanTests {
  static let kernel =
    header + """
      @nki.jit
      def k(x, init, KEEP_P, KEEP_F):
          P, F = x.shape
          out = nl.ndarray((P, F), dtype=x.dtype, buffer=nl.shared_hbm)
          i_p, i_f = nl.mgrid[0:P, 0:F]
          t = nl.load(x[i_p, i_f], mask=(i_f < KEEP_F))
          c = nl.load(init)
          r = nl.zeros((P, F), dtype=x.dtype, buffer=nl.sbuf)
          r[i_p, i_f] = nisa.tensor_tensor_scan(data0=t, data1=t, initial=c, op0=nl.multiply, op1=nl.add,
                                                mask=(i_p < KEEP_P) & (i_f < KEEP_F))
          nl.store(out, r)
          return out
      """

  @Test(
    "a masked scan writes only what the mask keeps and reads nothing else",
    arguments: [(1, 13), (7, 13), (128, 9)])
  func maskedScan(p: Int, f: Int) throws {
    let keepP = max(1, p - 2)
    let keepF = f - 4
    let x = (0..<(p * f)).map { Float($0 % 7) * 0.25 - 0.5 }
    let initial = (0..<p).map { Float($0 % 3) - 1 }
    let traced = try NKIFile(source: Self.kernel, file: "t.py").trace(arguments: [
      .tensor(shape: [p, f], dtype: .float32), .tensor(shape: [p, 1], dtype: .float32),
      .literal(.int(keepP)), .literal(.int(keepF)),
    ])
    let r = try Interpreter(kernel: traced.kernel).run(hostArrays: [
      try HostArray(shape: [p, f], dtype: .float32, values: x),
      try HostArray(shape: [p, 1], dtype: .float32, values: initial),
    ])
    #expect(r.report.warnings.isEmpty, "\(r.report.warnings)")
    let out = r.outputs[0].floatValues()
    for i in 0..<p {
      var state = initial[i]
      for j in 0..<f {
        var expected: Float = 0
        if i < keepP && j < keepF {
          state = x[i * f + j] * state + x[i * f + j]
          expected = state
        }
        #expect(out[i * f + j] == expected, "\(i), \(j)")
      }
    }
  }

  @Test("a masked scan over [P, a, b] runs along each partition across its rows", arguments: [1, 7, 128])
  func maskedScanThreeDimensions(p: Int) throws {
    let (a, b, keep) = (3, 5, 3)
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
            i_p, i_a, i_b = nl.mgrid[0:\(p), 0:\(a), 0:\(b)]
            t = nl.load(x)
            r = nl.zeros(x.shape, dtype=x.dtype, buffer=nl.sbuf)
            r[i_p, i_a, i_b] = nisa.tensor_tensor_scan(data0=t, data1=t, initial=1.0, op0=nl.multiply, op1=nl.add,
                                                       mask=(i_b < \(keep)))
            nl.store(out, r)
            return out
        """
    let x = (0..<(p * a * b)).map { Float($0 % 5) * 0.25 - 0.5 }
    let traced = try NKIFile(source: src, file: "t.py").trace(arguments: [.tensor(shape: [p, a, b], dtype: .float32)])
    let r = try Interpreter(kernel: traced.kernel).run(hostArrays: [
      try HostArray(shape: [p, a, b], dtype: .float32, values: x)
    ])
    #expect(r.report.warnings.isEmpty, "\(r.report.warnings)")
    let out = r.outputs[0].floatValues()
    for i in 0..<p {
      var state: Float = 1
      for e in (i * a * b)..<((i + 1) * a * b) {
        var expected: Float = 0
        if e % b < keep {
          state = x[e] * state + x[e]
          expected = state
        }
        #expect(out[e] == expected, "\(e)")
      }
    }
  }

  @Test(
    "mask= on an instruction Tessel cannot mask is a located error",
    arguments: [
      "nisa.bn_aggr(nisa.bn_stats(t), mask=(i_p < 2))",
      "nisa.tensor_partition_reduce(nl.add, t, mask=(i_f < 2))",
    ])
  func unmaskable(call: String) throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            i_p, i_f = nl.mgrid[0:4, 0:6]
            t = nl.load(x)
            u = \(call)
            return x
        """
    do throws(TraceError) {
      _ = try NKIFile(source: src, file: "t.py").trace(arguments: [.tensor(shape: [4, 6], dtype: .float32)])
      Issue.record("\(call) traced")
    } catch {
      #expect(error.message.contains("does not model operand masking"), "\(error.message)")
      #expect(error.location.line == 8)
    }
  }
}
