import Tessel
import Testing

/// The warnings of a kernel run that a strict test helper refused to accept.
///
/// Its description renders every warning as the command line does, with the source line when the
/// kernel's source is known.
public struct KernelWarnings: Error, Sendable, CustomStringConvertible {
  /// The warnings, in the order the run reported them.
  public var warnings: [Diagnostic]
  /// The kernel source, for rendering the warnings' source lines (nil: locations only).
  public var source: String?
  /// The kernel file name the locations use.
  public var file: String?

  /// Creates the error.
  public init(warnings: [Diagnostic], source: String? = nil, file: String? = nil) {
    self.warnings = warnings
    self.source = source
    self.file = file
  }

  public var description: String {
    let lines = source.map { $0.split(separator: "\n", omittingEmptySubsequences: false) }
    let renderer = DiagnosticRenderer { name in name == file ? lines : nil }
    let count = warnings.count == 1 ? "1 warning" : "\(warnings.count) warnings"
    return "the kernel run produced \(count):\n" + warnings.map { renderer.render($0) }.joined()
  }
}

/// Records an issue for every warning of a run (reads of never-written memory, output elements
/// the kernel never wrote, converted arguments), so that a test cannot pass on values that
/// happen not to be compared.
///
/// ```swift
/// let result = try runNKIKernel("kernels/softmax.py", [x], allowWarnings: true)
/// expectNoWarnings(result)
/// ```
///
/// - Parameters:
///   - report: The run's report (`result.report`).
///   - sourceLocation: Where the issues are reported; defaults to the call site.
/// - Returns: Whether the run had no warnings.
@discardableResult
public func expectNoWarnings(_ report: RunReport, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool {
  let warnings = report.warnings.filter { $0.severity == .warning }
  for w in warnings {
    let at = w.location.map { "\($0): " } ?? ""
    Issue.record(Comment(rawValue: "kernel warning: \(at)\(w.message)"), sourceLocation: sourceLocation)
  }
  return warnings.isEmpty
}

/// Records an issue for every warning of a host run; see ``expectNoWarnings(_:sourceLocation:)-(RunReport,_)``.
@discardableResult
public func expectNoWarnings(_ result: HostRunResult, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool
{
  expectNoWarnings(result.report, sourceLocation: sourceLocation)
}
