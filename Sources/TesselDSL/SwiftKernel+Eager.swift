import TesselHost
import TesselIR
import TesselInterpreter

/// The outcome of an eager run: the returned tensors, the parameters' final contents and the
/// accumulated counters.
public struct EagerRunResult: Sendable {
  /// The returned tensors, in declaration order.
  public var outputs: [HostArray]
  /// Every HBM parameter's final contents, by name.
  public var parameters: [String: HostArray]
  /// Per-engine counters and warnings of every executed instruction.
  public var report: RunReport
}

extension SwiftKernel {
  /// Runs the body eagerly: every DSL call executes at once on a simulated NeuronCore
  /// (``TesselInterpreter/CoreSession``), with no IR.
  ///
  /// Loops run their body once per index value with a constant ``Index``; on-chip tiles declared
  /// inside an iteration are freed when it ends. SPMD kernels run the body once per program
  /// instance. The results equal those of ``run(_:target:options:)``, which tests check.
  ///
  /// ```swift
  /// let eager = try kernel.runEagerly([x])
  /// let interpreted = try kernel.run([x])
  /// #expect(eager.outputs[0] == interpreted.outputs[0])
  /// ```
  ///
  /// - Throws: The first error of any call, located at the Swift call site.
  public func runEagerly(_ arguments: [HostArray], target: Target = .trn2) throws(KernelError) -> EagerRunResult {
    guard arguments.count == parameters.count else {
      throw KernelError(
        .argumentMismatch(parameter: name, expected: "\(parameters.count) arguments", actual: "\(arguments.count)"),
        at: location)
    }
    for (p, a) in zip(parameters, arguments) where a.shape != p.shape {
      throw KernelError(
        .argumentMismatch(parameter: p.name, expected: "shape \(p.shape)", actual: "shape \(a.shape)"), at: location)
    }
    let state = EagerState(target: target)
    let r = Recorder(target: target, backend: state)
    var handles: [TensorHandle] = []
    Recorder.$current.withValue(r) {
      for (p, a) in zip(parameters, arguments) {
        let h = r.addParameter(name: p.name, shape: p.shape, dtype: p.dtype, location: location)
        handles.append(h)
        do throws(KernelError) {
          try state.core.write(h.id, values: a.floatValues())
        } catch {
          r.fail(error)
        }
      }
      let tensors = handles.map { Tensor<HBM>(handle: $0) }
      let instances = grid.reduce(1, *)
      for instance in 0..<Swift.max(1, instances) {
        if r.error != nil { break }
        var ids: [Int] = []
        var rest = instance
        for n in grid.reversed() {
          ids.insert(n > 0 ? rest % n : 0, at: 0)
          rest = n > 0 ? rest / n : 0
        }
        state.programIDs = ids
        r.outputCursor = 0
        _ = body(KernelArguments(tensors: tensors, location: location))
      }
    }
    if let e = r.error { throw e }
    func array(_ h: TensorHandle) throws(KernelError) -> HostArray {
      do {
        return try HostArray(shape: h.decl.shape, dtype: h.decl.dtype, values: state.core.values(of: h.id))
      } catch {
        throw KernelError(.malformed("could not read back `\(h.decl.name)`: \(error)"))
      }
    }
    var outputs: [HostArray] = []
    for h in r.outputHandles { outputs.append(try array(h)) }
    var params: [String: HostArray] = [:]
    for h in handles { params[h.decl.name] = try array(h) }
    return EagerRunResult(outputs: outputs, parameters: params, report: state.core.report)
  }
}
