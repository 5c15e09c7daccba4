import TesselHost
import TesselIR
import TesselLang
import TesselPython
import Testing

/// Truth tests of symbolic loop-index predicates: an `if` statement, or a conditional expression
/// whose test is the comparison itself, branches per index (the loop is specialised); a
/// conditional expression on a predicate variable (`x if mask else y`) is ambiguous (NKI does not
/// document the truth value of such a predicate) and refused at the test; `mask is not None` is plain.
///
/// References are plain loops over the kernels' rules.
@Suite("Truth tests of loop-index predicates")
struct ConditionalPredicateTests {
  /// Doubles the elements of column block `j >= 2` whose column is not the block's last, and
  /// copies the rest; the mask is written with `test` choosing between two predicates.
  static func maskedDouble(_ test: String) -> String {
    header + """
      @nki.jit
      def k(a):
          P, N = a.shape
          F = N // 4
          out = nl.ndarray((P, N), dtype=a.dtype, buffer=nl.shared_hbm)
          nl.store(out, value=nl.load(a))
          i_p, i_f = nl.mgrid[0:P, 0:F]
          for j in nl.affine_range(4):
              m = j >= 2
              m2 = i_f < F - 1
              t = nl.load(a[i_p, j * F + i_f])
              nl.store(out[i_p, j * F + i_f], value=nl.multiply(t, 2.0), mask=\(test))
          return out
      """
  }

  static func input(_ p: Int, _ n: Int) throws -> (HostArray, [Float]) {
    let x = (0..<(p * n)).map { Float(($0 * 7) % 13) - 6 }
    return (try HostArray(shape: [p, n], dtype: .float32, values: x), x)
  }

  /// `is not None` tests the variable; an inline comparison chooses per index (`j == 3`: `m2`,
  /// which is `m & m2` there; elsewhere `m & m2`): both mask by `m & m2`.
  @Test(
    "`m & m2 if m is not None else m2` and an inline comparison mask the instruction by both predicates",
    arguments: ["(m & m2 if m is not None else m2)", "(m2 if j == 3 else m & m2)"], [1, 7, 128])
  func isNotNoneTest(_ test: String, _ p: Int) throws {
    let f = 5
    let (a, x) = try Self.input(p, 4 * f)
    let (_, r) = try traceAndRun(Self.maskedDouble(test), [a])
    let out = r.outputs[0].floatValues()
    for row in 0..<p {
      for j in 0..<4 {
        for c in 0..<f {
          let e = row * 4 * f + j * f + c
          #expect(out[e] == (j >= 2 && c < f - 1 ? 2 * x[e] : x[e]), "p \(p) [\(row), \(j * f + c)]")
        }
      }
    }
  }

  @Test(
    "a conditional expression on a loop-index predicate is refused at its test",
    arguments: ["(m & m2 if m else m2)", "(m2 if j else m & m2)", "(m2 if (m) else m & m2)"])
  func conditionalRefused(_ test: String) throws {
    let (a, _) = try Self.input(7, 20)
    let e = try #require(try traceRefusal(Self.maskedDouble(test), [a]))
    #expect(e.message.contains("is ambiguous"), "\(e.message)")
    #expect(e.message.contains("write an `if` statement"), "\(e.message)")
    #expect(e.message.contains("NKI does not document the truth value"), "\(e.message)")
    #expect(e.location.line == 15, "\(e.location)")
  }

  @Test("a conditional expression on an index-grid comparison is NKI's control-flow error")
  func gridConditionalRefused() throws {
    let (a, _) = try Self.input(7, 20)
    let e = try #require(try traceRefusal(Self.maskedDouble("(m if m2 else m)"), [a]))
    #expect(
      e.message.contains("Control-flow depending on `nl.arange` or `nl.mgrid` is not supported"), "\(e.message)")
  }

  @Test("an `if` statement on a stored loop-index predicate branches per index", arguments: [1, 7, 128])
  func ifStatementBranchesPerIndex(_ p: Int) throws {
    let src =
      header + """
        @nki.jit
        def k(a):
            F = a.shape[1] // 4
            out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
            for j in nl.affine_range(4):
                needed = j * F >= 2 * F
                t = nl.load(a[:, j * F:(j + 1) * F])
                if needed:
                    nl.store(out[:, j * F:(j + 1) * F], value=nl.multiply(t, 2.0))
                else:
                    nl.store(out[:, j * F:(j + 1) * F], value=t)
            return out
        """
    let f = 3
    let (a, x) = try Self.input(p, 4 * f)
    let (_, r) = try traceAndRun(src, [a])
    let out = r.outputs[0].floatValues()
    for row in 0..<p {
      for c in 0..<(4 * f) {
        let e = row * 4 * f + c
        #expect(out[e] == (c >= 2 * f ? 2 * x[e] : x[e]), "p \(p) [\(row), \(c)]")
      }
    }
  }
}
