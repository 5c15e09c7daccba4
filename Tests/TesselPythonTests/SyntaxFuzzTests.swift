import TesselIR
import TesselPython
import TesselTestSupportCore
import Testing

/// Random mutations of realistic kernels must each parse or throw a located error: never crash,
/// never hang.
@Suite("Syntax: fuzzing")
struct SyntaxFuzzTests {
  /// Fragments inserted by mutations: brackets, quotes, operators, keywords and layout.
  static let fragments: [String] = [
    "(", ")", "[", "]", "{", "}", ":", ",", ";", "=", "==", "+=", "**", "*", ".", "...", "->", ":=", "@", "!", "\\",
    "\n", "    ", "\t", "\r\n", "#", "'", "\"", "'''", "\"\"\"", "f'{", "f\"{x!r:>{w}}", "}", "rb'", "0x", "1_", "1.",
    "e5", "9j", "if ", "else", "elif x:", "for i in ", " in ", "def ", "class ", "lambda", "lambda *a, **k: ",
    "not ", "yield", "return", "break", "continue", "import", "from . import", " as ", "None", "try:", "except",
    "with", "global", "del ", "*", "**kw", "é", "→", "\u{00A0}", "\0", "$",
  ]

  /// Applies one random mutation to `bytes`.
  static func mutate(_ bytes: inout [UInt8], _ g: inout SeededGenerator) {
    let position = g.below(bytes.count + 1)
    switch g.below(6) {
    case 0:  // delete a few bytes
      let end = min(bytes.count, position + 1 + g.below(6))
      if position < end { bytes.removeSubrange(position..<end) }
    case 1:  // insert a fragment
      bytes.insert(contentsOf: Array(fragments[g.below(fragments.count)].utf8), at: position)
    case 2:  // swap two bytes
      if !bytes.isEmpty {
        let a = g.below(bytes.count)
        let b = g.below(bytes.count)
        bytes.swapAt(a, b)
      }
    case 3:  // overwrite a byte with any byte
      if position < bytes.count { bytes[position] = UInt8(truncatingIfNeeded: g.next()) }
    case 4:  // duplicate a slice (often a whole line or block)
      let end = min(bytes.count, position + g.below(80))
      bytes.insert(contentsOf: Array(bytes[position..<end]), at: g.below(bytes.count + 1))
    default:  // change the indentation of a line
      if let lineStart = bytes[..<min(position, bytes.count)].lastIndex(of: UInt8(ascii: "\n")) {
        if g.below(2) == 0 {
          bytes.insert(contentsOf: Array(repeating: UInt8(ascii: " "), count: 1 + g.below(4)), at: lineStart + 1)
        } else if lineStart + 1 < bytes.count, bytes[lineStart + 1] == UInt8(ascii: " ") {
          bytes.remove(at: lineStart + 1)
        }
      }
    }
  }

  @Test("thousands of mutated kernels parse or fail with a located error")
  func mutations() {
    var g = SeededGenerator(seed: 0x7E55E1)
    var parsed = 0
    var failed = 0
    let fixtures = SyntaxKernelFixtures.all
    for iteration in 0..<3000 {
      let (name, original) = fixtures[iteration % fixtures.count]
      var bytes = Array(original.utf8)
      for _ in 0..<(1 + g.below(4)) {
        Self.mutate(&bytes, &g)
      }
      let source = String(decoding: bytes, as: UTF8.self)
      do {
        let module = try parseModule(source: source, file: name)
        #expect(module.file == name)
        parsed += 1
      } catch {
        failed += 1
        let lineCount = source.split(separator: "\n", omittingEmptySubsequences: false).count
        let location = error.location
        let located =
          location.file == name && location.line >= 1 && location.line <= lineCount + 1 && location.column >= 1
        #expect(located, "iteration \(iteration): \(error) in \(source.debugDescription)")
        #expect(!error.message.isEmpty)
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let rendered = DiagnosticRenderer(sourceLines: { _ in lines }).render(error.diagnostic)
        #expect(rendered.hasPrefix("error: \(error.pythonType): \(error.message)\n"))
      }
    }
    #expect(parsed + failed == 3000)
    #expect(parsed > 100 && failed > 100, "parsed \(parsed), failed \(failed)")
  }

  @Test("random bytes and pathological inputs never crash")
  func randomBytes() {
    var g = SeededGenerator(seed: 42)
    let alphabet = Array("()[]{}:,;=+-*/%@<>!~&|^.'\"\\#\n\t fx0123456789ifelsedefor".utf8)
    for _ in 0..<500 {
      let count = g.below(200)
      let bytes = (0..<count).map { _ in alphabet[g.below(alphabet.count)] }
      _ = try? parseModule(source: String(decoding: bytes, as: UTF8.self), file: "random.py")
    }
    let pathological = [
      String(repeating: "(", count: 100_000), String(repeating: "f'{", count: 10_000),
      String(repeating: "if x:\n", count: 1000), String(repeating: "\"\"\"", count: 1001),
      String(repeating: "\\\n", count: 1000), String(repeating: "@", count: 10_000),
      String(repeating: "lambda ", count: 10_000), String(repeating: "x.", count: 50_000) + "x",
      String(repeating: "[*", count: 10_000), String(repeating: "{**", count: 10_000),
      String(repeating: "not ", count: 50_000) + "x", String(repeating: "-", count: 50_000) + "1",
      String(repeating: "yield ", count: 1000), String(repeating: " ", count: 10_000) + "x",
    ]
    for source in pathological {
      #expect(throws: SyntaxError.self) { try parseModule(source: source, file: "worst.py") }
    }
  }
}

extension SeededGenerator {
  /// A value in `0..<n` (0 when `n` is not positive).
  fileprivate mutating func below(_ n: Int) -> Int {
    Int(next() % UInt64(max(n, 1)))
  }
}
