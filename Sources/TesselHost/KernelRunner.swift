import TesselIR
import TesselInterpreter
import TesselNumerics

/// The outputs of running a kernel on host arrays.
public struct HostRunResult: Sendable {
  /// The returned tensors, in return order.
  public var outputs: [HostArray]
  /// Every HBM parameter's final contents, by parameter name (kernels that write an output argument).
  public var parameters: [String: HostArray]
  /// Per-engine counters, SBUF/PSUM high-water marks and warnings.
  public var report: RunReport
}

extension Interpreter {
  /// Runs the kernel on host arrays given in parameter order and returns host arrays.
  ///
  /// Each argument must have its parameter's shape. An argument whose dtype differs from the
  /// parameter's is converted (the numpy-only 64-bit types included) and a warning says so.
  ///
  /// ```swift
  /// let interpreter = try Interpreter(kernel: kernel)
  /// let result = try interpreter.run(hostArrays: [a, b])
  /// print(result.outputs[0])
  /// ```
  public func run(hostArrays arguments: [HostArray]) throws(KernelError) -> HostRunResult {
    guard arguments.count == kernel.parameters.count else {
      throw KernelError(.argumentMismatch(
        parameter: kernel.name, expected: "\(kernel.parameters.count) arguments (\(kernel.parameters.map(\.name).joined(separator: ", ")))",
        actual: "\(arguments.count)"))
    }
    var warnings: [Diagnostic] = []
    for (p, a) in zip(kernel.parameters, arguments) {
      let t = kernel[p.tensor]
      guard a.shape == t.shape else {
        throw KernelError(.argumentMismatch(parameter: p.name, expected: "shape \(t.shape)", actual: "shape \(a.shape)"))
      }
      if a.dtype != t.dtype {
        warnings.append(Diagnostic(.warning, "argument `\(p.name)` of dtype \(a.elementType) converted to the parameter's \(t.dtype)"))
      }
    }
    let r = try run(filling: { i, buffer in arguments[i].writeFloatValues(into: buffer) })
    var report = r.report
    report.warnings = warnings + report.warnings
    var outputs: [HostArray] = []
    for (i, o) in kernel.outputs.enumerated() {
      let t = kernel[o]
      outputs.append(try HostArray.checked(shape: t.shape, dtype: t.dtype, values: r.outputs[i]))
    }
    var params: [String: HostArray] = [:]
    for (i, p) in kernel.parameters.enumerated() {
      let t = kernel[p.tensor]
      params[p.name] = try HostArray.checked(shape: t.shape, dtype: t.dtype, values: r.parameters[i])
    }
    return HostRunResult(outputs: outputs, parameters: params, report: report)
  }
}

extension HostArray {
  /// Builds a host array from values the interpreter produced (their count always matches).
  static func checked(shape: [Int], dtype: DType, values: [Float]) throws(KernelError) -> HostArray {
    do {
      return try HostArray(shape: shape, dtype: dtype, values: values)
    } catch {
      throw KernelError(.malformed("internal: could not build a host array of shape \(shape): \(error)"))
    }
  }
}
