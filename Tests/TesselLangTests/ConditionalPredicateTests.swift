import TesselHost
import TesselIR
import TesselLang
import TesselPython
import Testing

/// Truth tests of symbolic loop-index predicates: an `if` statement and a conditional expression
/// (`x if mask else y`, `x if i == 0 else y`) take the same truth test, which branches per index
/// (the loop is specialised where its body depends on the index); `mask is not None` does not
/// depend on the index and keeps the loop symbolic.
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

  /// Traces `src` and runs it on a `[p, columns]` input: the kernel, the input and the output.
  static func run(_ src: String, p: Int, columns: Int) throws -> (Kernel, x: [Float], out: [Float]) {
    let (a, x) = try input(p, columns)
    let (k, r) = try traceAndRun(src, [a])
    return (k, x, r.outputs[0].floatValues())
  }

  /// Runs ``maskedDouble(_:)`` and checks every element against `doubles(j, c)`.
  ///
  /// Blocks are `f` wide; an element is doubled where `doubles` holds and copied elsewhere.
  /// Returns the traced kernel.
  static func checkMaskedDouble(_ test: String, p: Int, f: Int, doubles: (_ j: Int, _ c: Int) -> Bool) throws
    -> Kernel
  {
    let (k, x, out) = try run(maskedDouble(test), p: p, columns: 4 * f)
    for row in 0..<p {
      for j in 0..<4 {
        for c in 0..<f {
          let e = row * 4 * f + j * f + c
          #expect(out[e] == (doubles(j, c) ? 2 * x[e] : x[e]), "\(test) p \(p) [\(row), \(j * f + c)]")
        }
      }
    }
    return k
  }

  /// `is not None` tests the variable; an inline comparison chooses per index (`j == 3`: `m2`,
  /// which is `m & m2` there; elsewhere `m & m2`): both mask by `m & m2`.
  @Test(
    "`m & m2 if m is not None else m2` and an inline comparison mask the instruction by both predicates",
    arguments: ["(m & m2 if m is not None else m2)", "(m2 if j == 3 else m & m2)"], [1, 7, 128])
  func isNotNoneTest(_ test: String, _ p: Int) throws {
    let f = 5
    let k = try Self.checkMaskedDouble(test, p: p, f: f) { j, c in j >= 2 && c < f - 1 }
    // `is not None` does not depend on the index: the loop stays one symbolic loop.
    #expect(Self.loopCount(k) == (test.contains("is not None") ? 1 : 0), "\(test)")
  }

  /// Loops in a kernel's IR (a specialised loop leaves none).
  static func loopCount(_ k: Kernel) -> Int { k.indexVars.filter { $0.kind == .loop }.count }

  /// A conditional expression on a stored predicate and the columns it doubles, written from
  /// the per-index rule: in iteration `j` the test is `j >= 2` (or `j != 0`), and the chosen mask
  /// holds at column `c` of a block of width `f`.
  struct PerIndexCase: Sendable, CustomTestStringConvertible {
    let test: String
    let doubles: @Sendable (_ j: Int, _ c: Int, _ f: Int) -> Bool
    var testDescription: String { test }
  }

  static let perIndexCases: [PerIndexCase] = [
    // j >= 2: m & m2; j < 2: m2. Both are m2 wherever they are chosen.
    PerIndexCase(test: "(m & m2 if m else m2)") { _, c, f in c < f - 1 },
    // j != 0: m2; j == 0: m & m2, which is false at j == 0.
    PerIndexCase(test: "(m2 if j else m & m2)") { j, c, f in j != 0 && c < f - 1 },
    // j >= 2: m2; j < 2: m & m2, false there.
    PerIndexCase(test: "(m2 if (m) else m & m2)") { j, c, f in j >= 2 && c < f - 1 },
    // not m: j < 2 takes m2 & m (false); j >= 2 takes m2.
    PerIndexCase(test: "(m2 & m if not m else m2)") { j, c, f in j >= 2 && c < f - 1 },
  ]

  @Test(
    "a conditional expression on a stored loop-index predicate chooses per index, as an `if` statement does",
    arguments: perIndexCases, [1, 7, 128])
  func conditionalChoosesPerIndex(_ tc: PerIndexCase, _ p: Int) throws {
    let f = 5
    let k = try Self.checkMaskedDouble(tc.test, p: p, f: f) { j, c in tc.doubles(j, c, f) }
    #expect(Self.loopCount(k) == 0, "the loop branching on its index was specialised")
  }

  /// Doubles the blocks `(q, kv)` of a 3x4 grid with `q * 4 >= kv * 3` and adds 1 to the
  /// others, choosing with a conditional expression between two tiles.
  static func causalChoice(_ range: String) -> String {
    header + """
      @nki.jit
      def causal_choice(a):
          out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
          F = a.shape[1] // 12
          for q in \(range)(3):
              for kv in \(range)(4):
                  causal = q * 4 >= kv * 3
                  t = nl.load(a[:, (q * 4 + kv) * F:(q * 4 + kv + 1) * F])
                  y = nl.multiply(t, 2.0) if causal else nl.add(t, 1.0)
                  nl.store(out[:, (q * 4 + kv) * F:(q * 4 + kv + 1) * F], value=y)
          return out
      """
  }

  /// A causal choice between two tiles in nested loops: the predicate of both indices changes
  /// in the middle of the inner loop for every outer index.
  @Test(
    "a conditional expression on a predicate of two loop indices chooses per index pair",
    arguments: ["nl.affine_range", "nl.sequential_range", "range"], [1, 7, 128])
  func nestedCausalChoice(_ range: String, _ p: Int) throws {
    let f = 3
    let (k, x, out) = try Self.run(Self.causalChoice(range), p: p, columns: 12 * f)
    for row in 0..<p {
      for q in 0..<3 {
        for kv in 0..<4 {
          for c in 0..<f {
            let e = row * 12 * f + (q * 4 + kv) * f + c
            #expect(out[e] == (q * 4 >= kv * 3 ? 2 * x[e] : x[e] + 1), "p \(p) q \(q) kv \(kv) c \(c)")
          }
        }
      }
    }
    #expect(Self.loopCount(k) == 0)
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
    let (_, x, out) = try Self.run(src, p: p, columns: 4 * f)
    for row in 0..<p {
      for c in 0..<(4 * f) {
        let e = row * 4 * f + c
        #expect(out[e] == (c >= 2 * f ? 2 * x[e] : x[e]), "p \(p) [\(row), \(c)]")
      }
    }
  }
}
