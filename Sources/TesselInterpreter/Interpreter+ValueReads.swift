import TesselIR

extension Interpreter {
  /// Whether some instruction reads parameter `t`'s elements as values, rather than only as the
  /// whole source of a bitcast view (which reads the caller's bytes, ``ParameterSource/encoded(_:)``).
  ///
  /// Reads through an alias of the parameter's storage count as value reads. Scans the program:
  /// call it only when the answer matters (an argument that fp32 cannot hold exactly).
  public func readsValues(of t: TensorID) -> Bool {
    let k = kernel
    for compiled in program {
      let op = compiled.instruction.operation
      for (_, view) in op.sources where k.storage(of: view.tensor) == t {
        if case .bitcast = op, view.tensor == t, view.runtimeOffsets.isEmpty, view.isWhole(of: k[t].shape) {
          continue
        }
        return true
      }
    }
    return false
  }
}
