import TesselIR
import TesselPython

/// The tracer of one NKI dialect: its evaluator's binding while a kernel is traced, with the
/// modules of its dialect installed.
protocol DialectTracer: Binding {
  /// The evaluator this tracer is the binding of.
  var ev: Evaluator { get }
  /// Installs the dialect's module provider (and any builtins it replaces) in `ev`, once.
  static func installModules(in ev: Evaluator)
}

extension DialectTracer {
  /// Makes this tracer the binding of its evaluator, installing its dialect's modules once.
  func activate() {
    Self.installModules(in: ev)
    ev.binding = self
  }

  /// The tracer of an evaluator; a located error when `ev` is not tracing a kernel of this
  /// dialect.
  static func of(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Self {
    guard let t = ev.binding as? Self else {
      throw TraceError.unsupported("NKI operations outside a kernel trace", at: loc)
    }
    return t
  }
}
