import TesselIR
import TesselPython
import Testing

/// Helpers shared by the syntax-layer tests (lexer, parser, errors, kernels, fuzzing).
enum SyntaxTestSupport {
  /// The file name used by the tests.
  static let file = "test.py"

  /// The dump of a parsed module, or the error's description if parsing fails.
  static func dump(_ source: String, includeLocations: Bool = false) -> String {
    do {
      return try parseModule(source: source, file: file).dump(includeLocations: includeLocations)
    } catch {
      return "error: \(error)"
    }
  }

  /// The dump of a parsed expression, or the error's description.
  static func dumpExpression(_ source: String, includeLocations: Bool = false) -> String {
    do {
      return try parseExpression(source: source, file: file).dump(includeLocations: includeLocations)
    } catch {
      return "error: \(error)"
    }
  }

  /// The kinds of the tokens of `source`, as their descriptions, ending with `end-of-file` or
  /// `error`.
  static func tokenKinds(_ source: String) -> [String] {
    Lexer.tokenize(source: source, file: file).tokens.map { $0.kind.description }
  }

  /// The texts of the tokens of `source` (synthetic tokens as their kind in angle brackets).
  static func tokenTexts(_ source: String) -> [String] {
    let bytes = Array(source.utf8)
    return Lexer.tokenize(source: source, file: file).tokens.map { token in
      switch token.kind {
      case .indent, .dedent, .endOfFile, .error: return "<\(token.kind)>"
      case .newline: return "<newline>"
      default: return String(decoding: bytes[token.range], as: UTF8.self)
      }
    }
  }

  /// The location markers, `1️⃣` to `9️⃣`.
  static let markers = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣"]

  /// Removes location markers from `marked`, returning the plain source and each marker's
  /// 1-based line and UTF-8 column in it.
  static func extractMarkers(_ marked: String) -> (source: String, positions: [String: (line: Int, column: Int)]) {
    var source = ""
    var positions: [String: (line: Int, column: Int)] = [:]
    var line = 1
    var column = 1
    var rest = Substring(marked)
    while let first = rest.first {
      if let marker = markers.first(where: { rest.hasPrefix($0) }) {
        positions[marker] = (line, column)
        rest = rest.dropFirst(marker.count)
        continue
      }
      source.append(first)
      if first == "\n" {
        line += 1
        column = 1
      } else {
        column += first.utf8.count
      }
      rest = rest.dropFirst()
    }
    return (source, positions)
  }

  /// Parses `marked` (with a `1️⃣` marker at the expected error position) and checks that it fails
  /// with `message` there.
  static func expectError(
    _ marked: String, _ message: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) {
    let (source, positions) = extractMarkers(marked)
    do {
      let module = try parseModule(source: source, file: file)
      Issue.record("expected error '\(message)', parsed: \(module.dump())", sourceLocation: sourceLocation)
    } catch {
      #expect(error.message == message, sourceLocation: sourceLocation)
      if let (line, column) = positions["1️⃣"] {
        #expect(
          "\(error.location.line):\(error.location.column)" == "\(line):\(column)",
          "location of '\(error.message)'", sourceLocation: sourceLocation)
      } else {
        Issue.record("no 1️⃣ marker in the source", sourceLocation: sourceLocation)
      }
      #expect(error.location.file == file, sourceLocation: sourceLocation)
    }
  }
}
