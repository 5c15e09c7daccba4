import Foundation
import Tessel
import TesselTools

/// A request the bridge cannot serve: a bad handle, malformed JSON or a mismatched buffer count.
struct BridgeUsageError: Error, Sendable {
  var message: String
  init(_ message: String) { self.message = message }
}

/// A prepared kernel whose source files or environment changed since it was traced: the caller
/// prepares it again.
struct BridgeStale: Error, Sendable {
  var message: String
}

extension FailureResponse {
  /// Describes any error the bridge meets, rendered with the source of the files it names.
  init(_ error: any Error, renderer: DiagnosticRenderer = .readingFiles) {
    let kind: String
    var exception: String?
    let diagnostic: Diagnostic
    switch error {
    case let e as TraceError:
      kind = "kernel"
      if case .exception(let e) = e.kind { exception = e.type }
      diagnostic = e.diagnostic
    case let e as KernelError:
      kind = "kernel"
      diagnostic = TraceError(.kernel(e), at: e.location).diagnostic
    case let e as UsageError:
      kind = "usage"
      diagnostic = Diagnostic(.error, e.message)
    case let e as BridgeUsageError:
      kind = "usage"
      diagnostic = Diagnostic(.error, e.message)
    case let e as BridgeStale:
      kind = "stale"
      diagnostic = Diagnostic(.error, "\(e.message) since the kernel was traced; prepare it again")
    case let e as any DiagnosticConvertible:
      kind = "kernel"
      diagnostic = e.diagnostic
    default:
      kind = "internal"
      diagnostic = Diagnostic(.error, "\(error)")
    }
    let location = diagnostic.location.flatMap { $0.isKnown ? $0 : nil }
    self.error = Failure(
      kind: kind, exception: exception, message: diagnostic.message, rendered: renderer.render(diagnostic),
      file: location?.file, line: location?.line, column: location?.column)
  }
}

extension DiagnosticRenderer {
  /// A renderer that shows source lines read from the files diagnostics name.
  static let readingFiles = DiagnosticRenderer { path in
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
      return nil
    }
    return text.split(separator: "\n", omittingEmptySubsequences: false)
  }
}
