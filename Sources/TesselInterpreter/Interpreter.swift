import TesselIR
import TesselMachine
import TesselNumerics

/// Options for a run.
public struct RunOptions: Sendable {
  /// The Trainium generation to simulate.
  public var target: Target
  /// Whether reads of never-written on-chip memory are reported as warnings.
  public var checkUninitializedReads: Bool
  /// The most instructions a run may execute before it stops with an error.
  public var maxInstructions: Int
  /// The most bytes of simulated memory (HBM and on-chip tensors, stored as fp32) a run may use.
  public var maxMemoryBytes: Int

  /// Creates options; the defaults suit every tutorial kernel at real shapes.
  public init(
    target: Target = .trn2, checkUninitializedReads: Bool = true,
    maxInstructions: Int = 1_000_000_000, maxMemoryBytes: Int = 16 << 30
  ) {
    self.target = target
    self.checkUninitializedReads = checkUninitializedReads
    self.maxInstructions = maxInstructions
    self.maxMemoryBytes = maxMemoryBytes
  }
}

/// The outcome of a run: the returned tensors, the final parameter contents and a report.
public struct RunResult: Sendable {
  /// The returned tensors' values (row-major, rounded to their dtypes), in return order.
  public var outputs: [[Float]]
  /// Every parameter's final contents (kernels that write into an output argument).
  public var parameters: [[Float]]
  /// Counters, high-water marks and warnings.
  public var report: RunReport
}

/// Runs a verified kernel against a simulated NeuronCore.
///
/// Preparation verifies the kernel, places its on-chip tensors (failing when they do not fit)
/// and lowers every view to flat offsets. ``run(_:)`` then executes the instructions one by one,
/// each over whole tiles with tight loops; this is the executable definition of every operation.
///
/// ```swift
/// let interpreter = try Interpreter(kernel: kernel, options: RunOptions(target: .trn2))
/// let result = try interpreter.run([aValues, bValues])
/// ```
public struct Interpreter: Sendable {
  /// The kernel.
  public let kernel: Kernel
  /// The options.
  public let options: RunOptions
  /// Where each on-chip tensor is placed.
  public let allocation: AllocationPlan
  let program: [CompiledInstruction]
  let tensorOffsets: [Int]
  let arenaCount: Int
  let slotCount: Int

  /// Verifies, allocates and prepares `kernel`.
  public init(kernel: Kernel, options: RunOptions = RunOptions()) throws(KernelError) {
    try Verifier(target: options.target).verify(kernel)
    self.kernel = kernel
    self.options = options
    self.allocation = try Allocator(target: options.target).plan(kernel)
    var offsets: [Int] = []
    var total = 0
    for t in kernel.tensors {
      offsets.append(total)
      total += t.elementCount
    }
    if total.multipliedReportingOverflow(by: 4).overflow || total * 4 > options.maxMemoryBytes {
      throw KernelError(.resourceLimit(what: "simulated memory of \(total) elements (\(total * 4) bytes)", limit: options.maxMemoryBytes))
    }
    self.tensorOffsets = offsets
    self.arenaCount = total
    self.slotCount = kernel.indexVars.count
    self.program = Interpreter.compile(kernel, offsets: offsets)
  }

  /// Runs the kernel on parameter values given in signature order.
  ///
  /// Each array holds a parameter's elements in row-major order; values are rounded to the
  /// parameter's dtype on the way in.
  public func run(_ arguments: [[Float]]) throws(KernelError) -> RunResult {
    guard arguments.count == kernel.parameters.count else {
      throw KernelError(.argumentMismatch(parameter: kernel.name, expected: "\(kernel.parameters.count) arguments", actual: "\(arguments.count)"))
    }
    for (p, a) in zip(kernel.parameters, arguments) where a.count != kernel[p.tensor].elementCount {
      let t = kernel[p.tensor]
      throw KernelError(.argumentMismatch(parameter: p.name, expected: "\(t.elementCount) elements (shape \(t.shape))", actual: "\(a.count) elements"))
    }
    let state = ExecutionState(interpreter: self)
    defer { state.release() }
    for (p, a) in zip(kernel.parameters, arguments) {
      let t = kernel[p.tensor]
      let base = state.arena + tensorOffsets[p.tensor.index]
      a.withUnsafeBufferPointer { src in
        for i in 0..<src.count { base[i] = src[i] }
      }
      t.dtype.quantize(UnsafeMutableBufferPointer(start: base, count: t.elementCount))
    }
    let instances = Swift.max(1, kernel.instanceCount)
    for instance in 0..<instances {
      try state.runInstance(instance)
    }
    var report = state.report()
    report.sbufHighWaterBytes = allocation.sbufHighWater
    report.psumHighWaterBytes = allocation.psumHighWater
    report.sbufCapacityBytes = options.target.sbufBytesPerPartition
    report.psumCapacityBytes = options.target.psumBytesPerPartition
    let outputs = kernel.outputs.map { state.values(of: $0) }
    for (i, o) in kernel.outputs.enumerated() {
      let n = outputs[i].reduce(0) { $0 + (Poison.isPoison($1) ? 1 : 0) }
      if n > 0 {
        report.warnings.append(Diagnostic(.warning, "output `\(kernel[o].name)` has \(n) of \(outputs[i].count) elements that the kernel never wrote", at: kernel[o].location.isKnown ? kernel[o].location : nil))
      }
    }
    let params = kernel.parameters.map { state.values(of: $0.tensor) }
    return RunResult(outputs: outputs.map(Interpreter.unpoisoned), parameters: params, report: report)
  }

  /// Runs the kernel once with every tensor's initial contents given (parameters and locals, in
  /// ``Kernel/tensors`` order; a local given as poison counts as never written) and returns every
  /// tensor's final contents, poison kept. ``CoreSession`` runs single instructions this way.
  public func runPreset(_ initial: [[Float]]) throws(KernelError) -> (tensors: [[Float]], report: RunReport) {
    guard initial.count == kernel.tensors.count else {
      throw KernelError(.argumentMismatch(parameter: kernel.name, expected: "\(kernel.tensors.count) tensors", actual: "\(initial.count)"))
    }
    let state = ExecutionState(interpreter: self)
    defer { state.release() }
    for (i, t) in kernel.tensors.enumerated() {
      guard initial[i].count == t.elementCount else {
        throw KernelError(.argumentMismatch(parameter: t.name, expected: "\(t.elementCount) elements", actual: "\(initial[i].count)"))
      }
      let base = state.arena + tensorOffsets[i]
      initial[i].withUnsafeBufferPointer { src in
        for j in 0..<src.count { base[j] = src[j] }
      }
    }
    for instance in 0..<Swift.max(1, kernel.instanceCount) { try state.runInstance(instance) }
    let values = kernel.tensors.indices.map { state.values(of: TensorID($0)) }
    return (values, state.report())
  }

  /// Replaces poison by NaN in values handed back to the host.
  static func unpoisoned(_ v: [Float]) -> [Float] {
    v.map { Poison.isPoison($0) ? Float.nan : $0 }
  }
}
