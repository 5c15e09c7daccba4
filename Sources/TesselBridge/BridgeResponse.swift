import Tessel

/// A prepared kernel as the bridge reports it: its handle, parameters and outputs.
struct PreparedResponse: Encodable, Sendable {
  /// One HBM parameter, in the order ``tessel_bridge_run`` takes their buffers.
  struct Parameter: Encodable, Sendable {
    /// The kernel parameter's name.
    var name: String
    var shape: [Int]
    /// The NKI/numpy dtype name (`bfloat16`, `float8_e4m3`, ...).
    var dtype: String
    /// Whether the kernel writes it (its final contents go back to the caller's array).
    var written: Bool
  }

  /// One returned tensor, in return order.
  struct Output: Encodable, Sendable {
    var name: String
    var shape: [Int]
    var dtype: String
    /// The parameter it is, when the kernel returns one of its arguments.
    var parameter: String?
  }

  var ok = true
  var handle: Int
  var kernel: String
  var parameters: [Parameter]
  var outputs: [Output]
  /// How the return value nests the outputs: null, an output index, `{"tuple": [...]}` or
  /// `{"list": [...]}`; absent when the front end does not say.
  var returns: ReturnShape?
  var instructions: Int
  /// The files the trace read Python source from (the kernel's and its imported modules').
  var sourceFiles: [String]
  /// Wall time of loading, tracing, verifying and allocating the kernel.
  var seconds: Double
}

/// The outcome of one run.
struct RunResponse: Encodable, Sendable {
  var ok = true
  /// The trace's warnings, then the run's (reads of never-written memory, outputs left unwritten,
  /// conversions).
  var warnings: [BridgeWarning]
  /// What the kernel printed: its Python's `print` output while it was traced, then the values of
  /// its `nl.device_print` calls in the order they ran.
  var printed: String
  /// Instructions executed.
  var instructions: Int
  /// Wall time of the run itself (the kernel's own run, without the bridge).
  var seconds: Double
  /// The error a strict caller raises instead (warnings are errors), when there were warnings.
  var strict: FailureResponse.Failure?

  /// Whether the run has nothing to say beyond its time (no warning, nothing printed).
  var isQuiet: Bool { warnings.isEmpty && printed.isEmpty }
}

/// A failure, with Tessel's rendered located diagnostic and its parts.
struct FailureResponse: Encodable, Sendable {
  /// The error's parts.
  struct Failure: Encodable, Sendable {
    /// `kernel` (the kernel or its arguments), `usage` (the request), `stale` (a prepared
    /// kernel whose source files or environment changed), `internal`.
    var kind: String
    /// Python's exception name when the kernel raised one at trace time (`AssertionError`, ...).
    var exception: String?
    /// The one-line message.
    var message: String
    /// The diagnostic as Tessel renders it: message, `--> file:line:col`, source line, caret.
    var rendered: String
    var file: String?
    var line: Int?
    var column: Int?
  }

  var ok = false
  var error: Failure
}

/// A ``KernelReturn`` as JSON: `null`, an output index, `{"tuple": [...]}` or `{"list": [...]}`.
struct ReturnShape: Encodable, Sendable {
  var value: KernelReturn

  func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    switch value {
    case .none: try c.encodeNil()
    case .tensor(let i): try c.encode(i)
    case .tuple(let parts): try c.encode(["tuple": parts.map(ReturnShape.init)])
    case .list(let parts): try c.encode(["list": parts.map(ReturnShape.init)])
    }
  }
}
