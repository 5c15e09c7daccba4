import Foundation
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import Testing

/// One kernel of `kernels/errors/`, read with the conventions of `kernels/errors/README.md`.
struct ErrorKernelCase: Sendable, CustomStringConvertible {
  var file: String
  var path: String
  var source: String
  var arguments: [KernelArgument]
  var grid: [Int]
  var target: Target
  var expected: String
  var expectedLine: Int

  var description: String { file }

  /// The repository's `kernels/errors/` directory, found from this test file's path.
  static func directory(testFile: String = #filePath) -> String {
    var url = URL(fileURLWithPath: testFile)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("kernels/errors").path
  }

  /// Every `.py` file of the directory, sorted.
  static func all() -> [ErrorKernelCase] {
    let dir = directory()
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    return names.filter { $0.hasSuffix(".py") }.sorted().compactMap { try? ErrorKernelCase(dir: dir, file: $0) }
  }

  init(dir: String, file: String) throws {
    self.file = file
    path = dir + "/" + file
    source = try String(contentsOfFile: path, encoding: .utf8)
    arguments = []
    grid = []
    target = .trn2
    expected = ""
    expectedLine = 0
    for (n, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      if line.hasPrefix("# args: ") {
        arguments = try Self.parseArguments(line.dropFirst("# args: ".count))
      } else if line.hasPrefix("# grid: ") {
        grid = line.dropFirst("# grid: ".count).filter { !"[] ".contains($0) }.split(separator: ",").compactMap {
          Int($0)
        }
      } else if line.hasPrefix("# target: "), let t = Target(rawValue: String(line.dropFirst("# target: ".count))) {
        target = t
      }
      if let r = line.range(of: "# error: ") {
        expected = String(line[r.upperBound...])
        expectedLine = n + 1
      }
    }
  }

  /// `a: float32[128, 512], b: bfloat16[1, 512]` → tensor arguments in order.
  static func parseArguments(_ text: Substring) throws -> [KernelArgument] {
    var out: [KernelArgument] = []
    var rest = text[...]
    while let colon = rest.firstIndex(of: ":") {
      guard let close = rest[colon...].firstIndex(of: "]"), let open = rest[colon...].firstIndex(of: "[") else { break }
      let dtypeName = rest[rest.index(after: colon)..<open].trimmingCharacters(in: .whitespaces)
      guard let dtype = DType(nkiName: dtypeName) else {
        throw ErrorKernelCaseError(message: "unknown dtype `\(dtypeName)` in # args")
      }
      let dims = rest[rest.index(after: open)..<close].split(separator: ",").compactMap {
        Int($0.trimmingCharacters(in: .whitespaces))
      }
      out.append(.tensor(shape: dims, dtype: dtype))
      rest = rest[rest.index(after: close)...].drop { $0 == "," || $0 == " " }
    }
    return out
  }

  /// Traces, verifies, checks dependences, allocates and runs the kernel (inputs all 1);
  /// returns the first error's message and line, or nil when everything passes.
  func firstError() -> (message: String, line: Int)? {
    do {
      let traced = try NKIFile(source: source, file: path).trace(arguments: arguments, grid: grid, target: target)
      try DependenceAnalysis().check(traced.kernel)
      let interpreter = try Interpreter(kernel: traced.kernel, options: RunOptions(target: target))
      let inputs = traced.kernel.parameters.map { [Float](repeating: 1, count: traced.kernel[$0.tensor].elementCount) }
      _ = try interpreter.run(inputs)
      return nil
    } catch let e as TraceError {
      return (e.message, e.diagnostic.location?.line ?? e.location.line)
    } catch let e as DependenceError {
      return (e.message, e.location.line)
    } catch let e as KernelError {
      return (e.message, e.location.line)
    } catch {
      return ("\(error)", 0)
    }
  }
}

/// Every kernel of `kernels/errors/` fails with exactly the message of its `# error:` comment, at
/// that line, through the whole pipeline (tracer, verifier, dependence analysis, allocator, run).
@Suite("kernels/errors corpus")
struct ErrorKernelCorpusTests {
  @Test("the corpus is large enough and every file follows the convention")
  func corpusShape() {
    let cases = ErrorKernelCase.all()
    #expect(cases.count >= 30)
    for c in cases {
      #expect(!c.expected.isEmpty, "\(c.file) has no `# error:` comment")
      #expect(c.source.hasPrefix("\"\"\""), "\(c.file) starts with a docstring")
      #expect(c.source.components(separatedBy: "# error: ").count == 2, "\(c.file) has exactly one `# error:`")
    }
  }

  @Test("each kernel fails with its message at its line", arguments: ErrorKernelCase.all())
  func failsAsAnnotated(_ c: ErrorKernelCase) {
    let got = c.firstError()
    #expect(got?.message == c.expected, "\(c.file)")
    #expect(got?.line == c.expectedLine, "\(c.file)")
  }
}

/// A malformed `# args:` header in a file of `kernels/errors/`.
struct ErrorKernelCaseError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}
