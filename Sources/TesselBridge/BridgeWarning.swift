import Tessel

/// A warning of a trace or a run as the bridge hands it to Python, where it becomes a
/// `tessel.TesselWarning`.
struct BridgeWarning: Encodable, Sendable {
  /// The text Python shows: `file:line:col: message`, then one `note: file:line:col: message`
  /// line per note (the location is left out where it is unknown).
  var text: String
  /// The one-line message without a location.
  var message: String
  /// The warning as Tessel renders it: message, `--> file:line:col`, source line and caret.
  var rendered: String
  var file: String?
  var line: Int?
  var column: Int?
  /// `trace` for a warning of the trace (the same on every call), `run` for one of this run.
  var phase: String

  /// Describes `diagnostic`, rendered with the source lines `renderer` finds.
  init(_ diagnostic: Diagnostic, phase: String, renderer: DiagnosticRenderer) {
    func located(_ d: Diagnostic) -> String {
      guard let l = d.location, l.isKnown else { return d.message }
      return "\(l): \(d.message)"
    }
    let location = diagnostic.location.flatMap { $0.isKnown ? $0 : nil }
    text = ([located(diagnostic)] + diagnostic.notes.map { "note: " + located($0) }).joined(separator: "\n")
    message = diagnostic.message
    rendered = renderer.render(diagnostic)
    file = location?.file
    line = location?.line
    column = location.map { $0.column > 0 ? $0.column : nil } ?? nil
    self.phase = phase
  }
}
