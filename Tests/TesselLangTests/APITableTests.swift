import TesselIR
import TesselPython
import Testing

@testable import TesselLang

/// The legacy NKI API table and dialect detection.
@Suite("Legacy NKI API table")
struct APITableTests {
  @Test("every signature of the table parses, and prints back as it was written")
  func signaturesParse() {
    #expect(LegacyNKIAPI.allSignaturesParse)
    #expect(LegacyNKIAPI.functions.count == LegacyNKIAPI.texts.count)
    for (f, text) in zip(LegacyNKIAPI.functions, LegacyNKIAPI.texts) {
      #expect(f.signature.description == text)
      #expect(f.name == f.signature.name)
    }
  }

  @Test("names are unique and every table function resolves through its module")
  func namesResolve() throws {
    let names = LegacyNKIAPI.functions.map(\.name)
    #expect(Set(names).count == names.count)
    #expect(LegacyNKIAPI.function(named: "nl.load")?.signature.keywords == ["src", "mask", "dtype", "mode"])
    #expect(
      LegacyNKIAPI.function(named: "nisa.dma_copy")?.signature.parameters.allSatisfy { $0.kind == .keywordOnly } == true
    )
    #expect(LegacyNKIAPI.names(in: "nisa").contains("activation"))
    #expect(LegacyNKIAPI.function(named: "nl.foo") == nil)
  }

  @Test("every keyword of every table function is accepted, and a misspelled one is Python's TypeError")
  func keywordsChecked() throws {
    for f in LegacyNKIAPI.functions where f.name.hasPrefix("nisa.") || f.name.hasPrefix("nl.") {
      let source = """
        import neuronxcc.nki as nki
        import neuronxcc.nki.language as nl
        import neuronxcc.nki.isa as nisa

        @nki.jit
        def k(a):
            \(f.name)(bogus_keyword=1)
            return a
        """
      let file = try NKIFile(source: source, file: "t.py")
      #expect {
        _ = try file.trace(arguments: [.tensor(shape: [128, 64], dtype: .float32)])
      } throws: { e in
        (e as? TraceError)?.message == "TypeError: \(f.name)() got an unexpected keyword argument 'bogus_keyword'"
      }
    }
  }

  @Test("dialect detection from the imports")
  func dialects() throws {
    func dialect(_ source: String) throws -> NKIDialect? {
      try NKIFile(source: source, file: "t.py").importedDialect?.dialect
    }
    #expect(try dialect("import neuronxcc.nki.language as nl\n") == .legacy)
    #expect(try dialect("from neuronxcc import nki\n") == .legacy)
    #expect(try dialect("import nki\n") == .current)
    #expect(try dialect("import nki.language as nl\n") == .current)
    #expect(try dialect("from nki.isa import nc_matmul\n") == .current)
    #expect(try dialect("import neuronxcc.nki.typing as nt\nimport nki.language as nl\n") == .current)
    #expect(try dialect("def f():\n    import nki.isa as nisa\n") == .current)
    #expect(try dialect("import numpy as np\n") == nil)
    #expect(try NKIFile(source: "import nki\n", file: "t.py").dialect(override: .legacy) == .legacy)
    #expect(try NKIFile(source: "x = 1\n", file: "t.py").dialect() == .legacy)
  }
}
