import TesselIR

/// An error while loading or tracing an NKI kernel file, located at the kernel's line.
public struct TraceError: Error, Sendable, Hashable, DiagnosticConvertible, CustomStringConvertible {
  /// What went wrong.
  public enum Kind: Sendable, Hashable {
    /// A Python-level error at trace time, with Python's exception name (`NameError`,
    /// `TypeError`, `AssertionError`, `IndexError`, ...).
    case python(exception: String, message: String)
    /// An NKI API or Python feature Tessel does not implement.
    case unsupported(String)
    /// A rule of the hardware or of NKI, found while tracing or verifying.
    case kernel(KernelError)
    /// The file does not parse.
    case syntax(SyntaxError)
    /// The kernel to run could not be chosen or its arguments do not match.
    case usage(String)
  }

  /// What went wrong.
  public var kind: Kind
  /// Where.
  public var location: SourceLocation

  /// Creates an error.
  public init(_ kind: Kind, at location: SourceLocation) {
    self.kind = kind
    self.location = location
  }

  /// A Python exception at a location.
  static func python(_ exception: String, _ message: String, at location: SourceLocation) -> TraceError {
    TraceError(.python(exception: exception, message: message), at: location)
  }

  /// An unsupported feature at a location.
  static func unsupported(_ what: String, at location: SourceLocation) -> TraceError {
    TraceError(.unsupported(what), at: location)
  }

  /// The one-line message.
  public var message: String {
    switch kind {
    case .python(let e, let m): return m.isEmpty ? e : "\(e): \(m)"
    case .unsupported(let what): return "unsupported: \(what)"
    case .kernel(let k): return k.message
    case .syntax(let s): return s.diagnostic.message
    case .usage(let m): return m
    }
  }

  /// The error as a located diagnostic.
  public var diagnostic: Diagnostic {
    switch kind {
    case .kernel(let k):
      var d = k.diagnostic
      if d.location == nil && location.isKnown { d.location = location }
      return d
    case .syntax(let s): return s.diagnostic
    default:
      return Diagnostic(.error, message, at: location.isKnown ? location : nil)
    }
  }

  public var description: String { location.isKnown ? "\(location): \(message)" : message }
}
