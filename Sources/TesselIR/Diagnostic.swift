/// How serious a diagnostic is.
public enum DiagnosticSeverity: String, Sendable, Hashable, Codable {
  case error
  case warning
  case note
}

/// A located message for the user, rendered in one place (``DiagnosticRenderer``).
///
/// Every typed error in Tessel converts to a `Diagnostic` through ``DiagnosticConvertible``, so
/// the command line, the REPL and tests print the same text.
public struct Diagnostic: Sendable, Hashable, Codable {
  /// Whether this is an error, a warning or a note.
  public var severity: DiagnosticSeverity
  /// The message, one line, with no location prefix.
  public var message: String
  /// Where it happened, when known.
  public var location: SourceLocation?
  /// Further located notes (for example the other access of a race).
  public var notes: [Diagnostic]

  /// Creates a diagnostic.
  public init(
    _ severity: DiagnosticSeverity, _ message: String, at location: SourceLocation? = nil,
    notes: [Diagnostic] = []
  ) {
    self.severity = severity
    self.message = message
    self.location = location
    self.notes = notes
  }
}

/// An error or warning that can be shown to the user as a ``Diagnostic``.
public protocol DiagnosticConvertible: Error {
  /// The diagnostic that describes this error.
  var diagnostic: Diagnostic { get }
}

/// Renders diagnostics as rustc does: `error: ...`, ` --> file:line:col`, the source line and a caret.
public struct DiagnosticRenderer: Sendable {
  /// Returns the text of a source file by name, or nil when it is not available.
  public var sourceLines: @Sendable (String) -> [Substring]?

  /// Creates a renderer that looks source text up with `sourceLines`.
  public init(sourceLines: @escaping @Sendable (String) -> [Substring]? = { _ in nil }) {
    self.sourceLines = sourceLines
  }

  /// Renders one diagnostic and its notes.
  public func render(_ d: Diagnostic) -> String {
    var out = "\(d.severity.rawValue): \(d.message)\n"
    if let loc = d.location, loc.isKnown {
      let gutter = String(repeating: " ", count: String(loc.line).count)
      out += "\(gutter)--> \(loc)\n"
      if let lines = sourceLines(loc.file), loc.line <= lines.count {
        let text = String(lines[loc.line - 1])
        out += "\(gutter) |\n"
        out += "\(loc.line) | \(text)\n"
        if loc.column > 0 {
          // Columns count UTF-8 bytes; keep tabs so the caret lines up.
          let prefix = text.utf8.prefix(loc.column - 1)
          let pad = String(decoding: prefix, as: UTF8.self).map { $0 == "\t" ? "\t" : " " }.joined()
          out += "\(gutter) | \(pad)^\n"
        }
      }
    }
    for note in d.notes {
      out += render(note)
    }
    return out
  }
}
