import TesselIR
import TesselPython
import Testing

@testable import TesselLang

/// A legacy NKI spelling in a current-dialect file is a located error naming the current one.
@Suite("Current dialect: legacy spellings name the current one")
struct CurrentLegacySpellingTests {
  /// The error of tracing a kernel whose line 9 is `line` (a `[128, 64]` fp32 argument `x` and
  /// an SBUF tile `t` of its shape exist), or nil when it traces.
  static func failure(_ line: String) -> TraceError? {
    let source = """
      import nki
      import nki.isa as nisa
      import nki.language as nl


      @nki.jit
      def k(x):
          t = nl.ndarray((128, 64), dtype=nl.float32, buffer=nl.sbuf)
          \(line)
          return x
      """
    do {
      _ = try NKIFile(source: source, file: "legacy.py").trace(arguments: [.tensor(shape: [128, 64], dtype: .float32)])
      return nil
    } catch { return error }
  }

  @Test(
    "every removed nl name is an AttributeError naming what to write", arguments: LegacySpelling.removed.keys.sorted())
  func removed(name: String) throws {
    let e = try #require(Self.failure("y = nl.\(name)(128)"))
    #expect(e.exception?.type == "AttributeError", "\(e.message)")
    #expect(e.message.contains("nl.\(name) is legacy NKI"), "\(e.message)")
    #expect(e.message.contains(try #require(LegacySpelling.removed[name])), "\(e.message)")
    #expect(e.location.line == 9)
  }

  @Test(
    "every unmodelled convenience function is unsupported and names its ISA spelling",
    arguments: LegacySpelling.unmodelled.keys.sorted())
  func convenience(name: String) throws {
    let e = try #require(Self.failure("y = nl.\(name)(t)"))
    let use = try #require(LegacySpelling.unmodelled[name])
    #expect(e.message == "unsupported: nl.\(name) (the nki.language convenience layer); write \(use)")
    #expect(e.location.line == 9)
  }

  @Test(
    "every unmodelled current name is unsupported where it is called",
    arguments: CurrentNL.unmodelled.sorted().map { "nl.\($0)" } + CurrentISA.unmodelled.sorted().map { "nisa.\($0)" })
  func unmodelled(name: String) throws {
    let e = try #require(Self.failure("y = \(name)(t, 1, dst=t)"))
    #expect(e.message == "unsupported: \(name)")
    #expect(e.location.line == 9)
  }

  @Test("nl.load names nisa.dma_copy")
  func loadSpelling() throws {
    let e = try #require(Self.failure("y = nl.load(x)"))
    #expect(e.message.contains("nisa.dma_copy(dst=tile, src=tensor[...])"), "\(e.message)")
  }

  @Test("mask= on an ISA call is a TypeError saying masks were removed")
  func mask() throws {
    let e = try #require(Self.failure("nisa.tensor_copy(dst=t, src=t, mask=None)"))
    #expect(e.exception?.type == "TypeError")
    #expect(
      e.message.hasPrefix(
        "TypeError: nisa.tensor_copy() got an unexpected keyword argument 'mask': masks are legacy NKI"),
      "\(e.message)")
    #expect(e.location.line == 9)
  }

  @Test(
    "a value-returning ISA call without dst names the destination-passing form",
    arguments: ["y = nisa.tensor_copy(src=t)", "y = nisa.activation(op=nl.exp, data=t)", "y = nisa.reciprocal(t)"])
  func missingDestination(line: String) throws {
    let e = try #require(Self.failure(line))
    #expect(e.exception?.type == "TypeError")
    #expect(e.message.contains("missing"), "\(e.message)")
    #expect(e.message.contains("write into a destination passed first"), "\(e.message)")
    #expect(e.location.line == 9)
  }

  @Test("a call that passes dst keeps CPython's plain missing-argument message")
  func plainMissingArgument() throws {
    let e = try #require(Self.failure("nisa.tensor_copy(dst=t)"))
    #expect(e.message == "TypeError: nisa.tensor_copy() missing 1 required positional argument: 'src'")
  }

  @Test("the destination-passing form still traces")
  func currentFormTraces() {
    #expect(Self.failure("nisa.tensor_copy(dst=t, src=t)") == nil)
    #expect(Self.failure("nisa.tensor_copy(t, t)") == nil)
  }
}
