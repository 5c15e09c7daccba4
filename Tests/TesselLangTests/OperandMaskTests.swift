import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import Testing

/// Operand masks (`tile[mask]`) that exclude elements, against plain loops.
///
/// The reading instruction computes only what the mask keeps (and what its own `mask=` keeps);
/// where no instruction can carry the mask, a located error.
@Suite("Operand masks that exclude elements")
struct ExcludingOperandMaskTests {
  static func kernel(_ body: String) -> String {
    header + """
      @nki.jit
      def k(x):
          J, P, F = x.shape
          out = nl.ndarray((J, P, F), dtype=x.dtype, buffer=nl.shared_hbm)
          i_p, i_f = nl.mgrid[0:P, 0:F]
          for j in nl.affine_range(J):
              t = nl.load(x[j])
              r = nl.zeros((P, F), dtype=x.dtype, buffer=nl.sbuf)
              \(body)
              nl.store(out[j], r)
          return out
      """
  }

  /// Runs `body` on `[J, P, F]` values and compares with `expected(j, p, f, x)` at every element.
  static func check(_ body: String, j: Int = 3, p: Int, f: Int = 6, _ expected: (Int, Int, Int, Float) -> Float)
    throws
  {
    let shape = [j, p, f]
    let x = (0..<(j * p * f)).map { Float($0 % 19) * 0.25 - 2 }
    let traced = try NKIFile(source: kernel(body), file: "t.py").trace(arguments: [
      .tensor(shape: shape, dtype: .float32)
    ])
    let r = try Interpreter(kernel: traced.kernel).run(hostArrays: [
      try HostArray(shape: shape, dtype: .float32, values: x)
    ])
    #expect(r.report.warnings.isEmpty, "\(r.report.warnings)")
    let out = r.outputs[0].floatValues()
    for a in 0..<j {
      for b in 0..<p {
        for c in 0..<f {
          let k = (a * p + b) * f + c
          #expect(out[k] == expected(a, b, c, x[k]), "\(a), \(b), \(c)")
        }
      }
    }
  }

  @Test("a mask on rows keeps the other rows of the destination", arguments: [1, 7, 128])
  func rows(p: Int) throws {
    let n = (p + 1) / 2
    try Self.check("r[i_p, i_f] = nl.copy(t[i_p, i_f][i_p < \(n)])", p: p) { _, b, _, v in b < n ? v : 0 }
  }

  @Test("a mask on columns, on an elementwise operation with a scalar", arguments: [1, 7, 128])
  func columns(p: Int) throws {
    try Self.check("r[i_p, i_f] = nl.multiply(t[i_p, i_f][i_f >= 2], 3.0)", p: p) { _, _, c, v in c >= 2 ? v * 3 : 0 }
  }

  @Test("a mask depending on the loop index, together with the instruction's mask=", arguments: [1, 7, 128])
  func loopDependent(p: Int) throws {
    let n = (p + 1) / 2
    try Self.check("r[i_p, i_f] = nl.copy(t[i_p, i_f][i_f < j + 2], mask=(i_p < \(n)))", p: p) { a, b, c, v in
      c < a + 2 && b < n ? v : 0
    }
  }

  @Test("a mask on the loop index alone predicates the whole instruction", arguments: [1, 7, 128])
  func loopOnly(p: Int) throws {
    try Self.check("r[i_p, i_f] = nl.negative(t[i_p, i_f][j < J - 1])", p: p, f: 5) { a, _, _, v in a < 2 ? -v : 0 }
  }

  @Test("a masked reduction input reduces the kept elements only", arguments: [1, 7, 128])
  func reduction(p: Int) throws {
    let shape = [1, p, 6]
    let x = (0..<(p * 6)).map { Float($0 % 19) * 0.25 - 2 }
    var expected = [Float](repeating: 0, count: p * 6)
    for b in 0..<p { expected[b * 6] = x[b * 6] + x[b * 6 + 1] + x[b * 6 + 2] }
    try Self.check("r[i_p, 0] = nl.sum(t[i_p, i_f][i_f < 3], axis=1)", j: 1, p: p) { _, b, c, _ in expected[b * 6 + c] }
    _ = shape
  }

  @Test(
    "where the reading instruction cannot carry the mask, a located error at the operand mask",
    arguments: [
      ("u = nisa.nc_matmul(t[i_p, i_f][i_p + i_f < 5], t)", "both its partition axis (the contraction)"),
      ("u = nisa.nc_transpose(t[i_p, i_f][i_f < 3])", "transpose"),
    ])
  func refused(body: String, fragment: String) {
    #expect {
      try Self.check(body, p: 4) { _, _, _, v in v }
    } throws: { error in
      guard let e = error as? TraceError else { return false }
      return e.location.line == 12 && "\(e)".contains("an operand mask (tile[mask]) that excludes elements of `t`")
        && "\(e)".contains(fragment)
    }
  }
}
