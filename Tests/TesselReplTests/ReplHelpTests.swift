import TesselRepl
import Testing

@Suite("REPL help() and completion")
struct ReplHelpTests {
  @Test("help() on an NKI function shows its signature from the API table and its one-line description")
  func helpOnFunctions() {
    let (out, _) = session([
      "help(nl.exp)",
      "help(nisa.activation)",
      "help('nl.load')",
      "help(nl.sum)",
      ":quit",
    ])
    #expect(
      out.contains("nl.exp(x, *, dtype=None, mask=None)\n    Elementwise exponential of a tile.\n"))
    #expect(out.contains("nisa.activation(op, data, *, bias=None, scale=1.0, "))
    #expect(out.contains("    op(data * scale + bias) on the Scalar engine"))
    #expect(
      out.contains(
        "nl.load(src, *, mask=None, dtype=None, mode=None)\n    Copies a tensor from HBM into a new SBUF tile (DMA).\n")
    )
    #expect(
      out.contains(
        "nl.sum(x, axis, *, dtype=None, mask=None, keepdims=False)\n    Reduces a tile along the free axes `axis` (sum)"
      ))
  }

  @Test("help(nl) lists every function of the table, sorted, each with a description")
  func helpOnModules() {
    let (out, _) = session(["help(nl)", ":quit"])
    let lines = out.split(separator: "\n").filter { $0.hasPrefix("  ") }
    let names = lines.map { String($0.dropFirst(2).prefix { $0 != " " }) }
    #expect(names.count > 60)
    #expect(names == names.sorted())
    #expect(names.contains("exp") && names.contains("load") && names.contains("affine_range"))
    // No function of the table is without its description.
    #expect(lines.allSatisfy { $0.split(separator: " ").count > 1 })
  }

  @Test("help on unsupported APIs, Python functions, unknown names and nothing")
  func helpOnOtherValues() {
    let (out, _) = session([
      "help(nl.dropout)",
      "def f(x, k=2, *rest, scale, **opts):",
      "    \"\"\"Scales x by k.\"\"\"",
      "    return x * k",
      "",
      "help(f)",
      "help('nl.frobnicate')",
      "help()",
      ":quit",
    ])
    #expect(out.contains("nl.dropout: not simulated by Tessel (calling it is an error).\n"))
    #expect(out.contains("f(x, k=..., *rest, scale, **opts)\n    Scales x by k.\n"))
    #expect(out.contains("No NKI function named 'nl.frobnicate' (help(nl) lists them).\n"))
    #expect(out.contains(":help lists the REPL's commands."))
  }

  @Test("completion lists are sorted and without duplicates")
  func sortedCompletion() {
    let engine = ReplEngine()
    for prefix in ["nl.s", "nl.", "nisa.", "np.", "np.random.", ":", "x = p", "nl.ex"] {
      let c = engine.completions(for: prefix)
      #expect(c == Array(Set(c)).sorted(), "\(prefix)")
    }
    #expect(
      engine.completions(for: "nl.s").prefix(5) == [
        "nl.sbuf", "nl.sequential_range", "nl.shared_constant", "nl.shared_hbm", "nl.shared_identity_matrix",
      ])
    #expect(engine.completions(for: "x = pr") == ["print"])
  }
}
