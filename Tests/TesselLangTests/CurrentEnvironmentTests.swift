import TesselIR
import TesselLang
import TesselPython
import Testing

/// Names NKI's front end resolves in a current-dialect kernel module that never imported them.
@Suite("Current dialect: the front end's own environment")
struct CurrentEnvironmentTests {
  /// Traces a current-dialect module whose kernel runs `body` and returns what it printed.
  static func printed(module: String = "", _ body: String) throws -> String {
    try currentKernelOutput(
      prelude: """
        \(module)

        def helper(n):
            return math.ceil(n / 128)


        """, body: body, file: "env.py")
  }

  @Test("math and numpy are bound without an import")
  func unimportedModules() throws {
    #expect(try Self.printed("    print(helper(300), math.floor(2.5), numpy.float32 == nl.float32)") == "3 2 True\n")
  }

  @Test("a module's own binding of the name wins")
  func ownBindingWins() throws {
    #expect(try Self.printed(module: "math = 7", "    print(math)") == "7\n")
  }

  @Test("other unimported names are still NameErrors")
  func otherNames() throws {
    do {
      _ = try Self.printed("    print(itertools.count)")
      Issue.record("traced without a NameError")
    } catch let error as TraceError {
      #expect(error.message.contains("NameError: name 'itertools' is not defined"), "\(error.message)")
    }
  }
}

/// Traces a current-dialect module — the `nki` imports, `prelude`, then a kernel `k(a)` of one
/// `[4, 8]` fp32 argument that copies `a` to its output and runs `body` (indented by 4) — and
/// returns what it printed at trace time.
func currentKernelOutput(prelude: String, body: String, file: String) throws -> String {
  let source = """
    import nki
    import nki.isa as nisa
    import nki.language as nl
    \(prelude)
    @nki.jit
    def k(a):
        out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
        nisa.dma_copy(dst=out, src=a)
    \(body)
        return out
    """
  return try NKIFile(source: source, file: file).trace(arguments: [.tensor(shape: [4, 8], dtype: .float32)]).output
}
