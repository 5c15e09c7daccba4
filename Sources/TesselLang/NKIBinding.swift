import TesselPython

/// What the two NKI bindings (the legacy `neuronxcc.nki` ``Tracer`` and the current `nki`
/// ``CurrentTracer``) share as evaluator bindings.
protocol NKIBinding: Binding {}

extension NKIBinding {
  /// The bindings' functions, as the error of one called outside a kernel trace names them.
  static var operationsDescription: String { "NKI operations" }
}
