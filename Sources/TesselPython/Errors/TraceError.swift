import TesselIR

/// An error while evaluating a Python file or tracing a kernel, located at the line that caused it.
///
/// Every error of the evaluator and of the bindings on top of it is a `TraceError`: a Python
/// exception (``PythonException``, which `try`/`except` can catch), a construct Tessel does not
/// implement (``Unsupported``), an error of the binding (for NKI: a rule of the hardware or of
/// NKI, wrapped in ``BindingError``), a syntax error, or a usage error. The text is produced in
/// one place, ``message``, from structured payloads.
public struct TraceError: Error, Sendable, Hashable, DiagnosticConvertible, CustomStringConvertible {
  /// What went wrong.
  public enum Kind: Sendable, Hashable {
    /// A Python exception raised at trace time, by the kernel's code or by the evaluator.
    case exception(PythonException)
    /// A Python feature or an API that Tessel does not implement.
    case unsupported(Unsupported)
    /// An error of the binding the evaluator runs for (NKI's rules, for the NKI bindings).
    case binding(BindingError)
    /// The file does not parse.
    case syntax(SyntaxError)
    /// The kernel to run could not be chosen or its arguments do not match.
    case usage(String)
    /// The trace did more work than its ``TraceLimits`` allow.
    case resourceLimit(what: String, limit: Int)
    /// A value that depends on a symbolic loop index or program id was asked for a concrete
    /// Python value (a truth value for `if`, an integer); the payload says what and what to do.
    case symbolicValue(String)
  }

  /// What went wrong.
  public var kind: Kind
  /// Where.
  public var location: SourceLocation
  /// What the code printed (`print`) before the error, in order; empty when nothing was
  /// printed or the caller did not collect it.
  ///
  /// Shown before the diagnostic, as Python shows a
  /// script's output before its traceback.
  public var output: String = ""

  /// Creates an error.
  public init(_ kind: Kind, at location: SourceLocation) {
    self.kind = kind
    self.location = location
  }

  /// A Python exception of class `type` with a free-form message.
  public static func python(_ type: String, _ message: String, at location: SourceLocation) -> TraceError {
    TraceError(.exception(PythonException(type, .message(message))), at: location)
  }

  /// A Python exception with a structured reason.
  public static func python(_ type: String, _ reason: PythonException.Reason, at location: SourceLocation) -> TraceError
  {
    TraceError(.exception(PythonException(type, reason)), at: location)
  }

  /// A `TypeError` with a structured reason.
  public static func typeError(_ reason: PythonException.Reason, at location: SourceLocation) -> TraceError {
    TraceError(.exception(PythonException("TypeError", reason)), at: location)
  }

  /// An unsupported feature, described in words, at a location.
  public static func unsupported(_ what: String, at location: SourceLocation) -> TraceError {
    TraceError(.unsupported(.feature(what)), at: location)
  }

  /// The Python exception, when this error is one.
  public var exception: PythonException? {
    if case .exception(let e) = kind { return e }
    return nil
  }

  /// The one-line message.
  public var message: String {
    switch kind {
    case .exception(let e): return e.formatted
    case .unsupported(let u): return "unsupported: \(u.message)"
    case .binding(let b): return b.diagnostic.message
    case .syntax(let s): return s.diagnostic.message
    case .usage(let m): return m
    case .resourceLimit(let what, let limit): return "resource limit exceeded: \(what) (limit \(limit))"
    case .symbolicValue(let what): return "unsupported: \(what)"
    }
  }

  /// The error as a located diagnostic.
  public var diagnostic: Diagnostic {
    switch kind {
    case .binding(let b):
      var d = b.diagnostic
      if d.location == nil && location.isKnown { d.location = location }
      return d
    case .syntax(let s): return s.diagnostic
    default:
      return Diagnostic(.error, message, at: location.isKnown ? location : nil)
    }
  }

  public var description: String { location.isKnown ? "\(location): \(message)" : message }
}

/// An error of a binding (the NKI bindings' `KernelError`), carried through the evaluator.
///
/// The evaluator knows nothing of the binding's error type: it keeps the error and its
/// diagnostic, and compares errors by their diagnostics.
public struct BindingError: Sendable, Hashable {
  /// The binding's error.
  public let error: any Error & Sendable
  /// Its diagnostic.
  public let diagnostic: Diagnostic

  /// Wraps a binding's error.
  public init(_ error: some DiagnosticConvertible & Sendable) {
    self.error = error
    diagnostic = error.diagnostic
  }

  public static func == (a: BindingError, b: BindingError) -> Bool { a.diagnostic == b.diagnostic }
  public func hash(into h: inout Hasher) { h.combine(diagnostic) }
}

/// A Python construct or an API that Tessel does not implement.
public enum Unsupported: Sendable, Hashable {
  /// A feature, in words (`generators (yield) in kernels`).
  case feature(String)
  /// An API function or constant by its dotted name (`nl.foo`).
  case api(String)
  /// A module that Tessel does not provide, by dotted name.
  case module(String)
  /// A private module of AWS's toolchain, which is out of scope.
  case privateModule(String)

  /// The text after `unsupported: `.
  public var message: String {
    switch self {
    case .feature(let s): return s
    case .api(let s): return s
    case .module(let m): return "module `\(m)` is not available inside a traced kernel"
    case .privateModule(let m):
      return "module `\(m)` is a private module of AWS's Neuron compiler, which Tessel does not provide"
    }
  }
}
