import TesselIR
import TesselPython

extension TraceError.Kind {
  /// A rule of the hardware or of NKI, found while tracing or verifying.
  public static func kernel(_ error: KernelError) -> TraceError.Kind { .binding(BindingError(error)) }
}

extension TraceError {
  /// The NKI rule this error reports, when it is one.
  public var kernelError: KernelError? {
    if case .binding(let b) = kind { return b.error as? KernelError }
    return nil
  }
}

extension TraceError {
  /// An NKI or hardware rule broken at `location`: a ``KernelError`` of `kind`, reported for
  /// `operation` when given.
  ///
  /// ```swift
  /// throw TraceError(rule: .shapeMismatch(operands: ["src", "shape"], shapes: [a, b]), operation: "broadcast_to", at: loc)
  /// ```
  init(rule kind: KernelError.Kind, operation: String? = nil, at location: SourceLocation) {
    self.init(.kernel(KernelError(kind, operation: operation)), at: location)
  }
}
