import Foundation
import Tessel
import TesselTools

/// A traced, verified and allocated kernel that runs many times on caller buffers.
///
/// What every run needs besides the interpreter (each tensor's dtype and size) is worked out once.
final class PreparedKernel: Sendable {
  let interpreter: Interpreter
  /// Whether the kernel writes each parameter (in parameter order).
  let written: [Bool]
  /// The trace's warnings, reported with every run (a call of a cached kernel warns as the first
  /// call did).
  let traceWarnings: [Diagnostic]
  /// What the kernel's Python printed while it was traced, shown with every run.
  let traceOutput: String
  /// The source files and environment the trace depended on.
  let watch: BridgeWatch
  /// The parameters' dtypes and element counts (in parameter order), then the outputs' (in
  /// return order).
  let parameterDTypes: [DType]
  let parameterCounts: [Int]
  let outputDTypes: [DType]
  let outputCounts: [Int]

  init(interpreter: Interpreter, written: [Bool], traceWarnings: [Diagnostic], traceOutput: String, watch: BridgeWatch)
  {
    self.interpreter = interpreter
    self.written = written
    self.traceWarnings = traceWarnings
    self.traceOutput = traceOutput
    self.watch = watch
    let k = interpreter.kernel
    parameterDTypes = k.parameters.map { k[$0.tensor].dtype }
    parameterCounts = k.parameters.map { k[$0.tensor].elementCount }
    outputDTypes = k.outputs.map { k[$0].dtype }
    outputCounts = k.outputs.map { k[$0].elementCount }
  }
}

/// Caller memory holding one tensor's elements in the tensor's own dtype (row-major).
struct RawBuffer {
  var base: UnsafeMutableRawPointer?
  /// The number of elements.
  var count: Int
}

/// The kernels the bridge has prepared, by handle; shared by every thread of the host process.
final class BridgeSession: @unchecked Sendable {
  /// The process's session.
  static let shared = BridgeSession()

  private let lock = NSLock()
  private var kernels: [Int: PreparedKernel] = [:]
  private var nextHandle = 1

  /// Traces and prepares the kernel a request names; returns its description.
  func prepare(_ request: PrepareRequest) throws -> PreparedResponse {
    guard let target = Target(rawValue: request.target) else {
      throw BridgeUsageError("unknown target '\(request.target)'; expected trn1, trn2 or trn3")
    }
    guard request.grid.allSatisfy({ $0 > 0 }) else {
      throw BridgeUsageError("grid dimensions must be positive integers (got \(request.grid))")
    }
    let started = ContinuousClock.now
    let file = try NKIFile.load(path: request.file)
    let grid = try Self.launchGrid(request)
    let positional = try request.positional.enumerated().map { i, a in
      try Self.argument(a, name: a.name ?? "argument \(i + 1)")
    }
    var keywords: [String: KernelArgument] = [:]
    for (name, a) in request.keywords { keywords[name] = try Self.argument(a, name: name) }
    var dialect: NKIDialect?
    if let name = request.dialect {
      guard let d = NKIDialect(rawValue: name) else {
        throw BridgeUsageError("unknown NKI dialect '\(name)'; expected legacy or current")
      }
      dialect = d
    }
    let traced = try file.trace(
      kernel: request.function, arguments: positional, keywords: keywords, grid: grid, target: target,
      dialect: dialect, importPaths: request.importPaths, moduleName: request.module)
    let kernel = traced.kernel
    let interpreter = try Interpreter(kernel: kernel, options: RunOptions(target: target))
    var written = Set<Int>()
    for inst in kernel.instructions { for d in inst.operation.destinations { written.insert(d.tensor.index) } }
    let isWritten = kernel.parameters.map { written.contains($0.tensor.index) }
    let parameters = zip(kernel.parameters, isWritten).map { p, w in
      let t = kernel[p.tensor]
      return PreparedResponse.Parameter(name: p.name, shape: t.shape, dtype: t.dtype.nkiName, written: w)
    }
    let outputs = kernel.outputs.enumerated().map { i, o in
      let t = kernel[o]
      // A current-dialect kernel may return a reshaped view of an output tensor.
      let shape = i < traced.outputShapes.count ? traced.outputShapes[i] ?? t.shape : t.shape
      return PreparedResponse.Output(
        name: t.name, shape: shape, dtype: t.dtype.nkiName,
        parameter: kernel.parameters.first { $0.tensor == o }?.name)
    }
    let before = Dictionary(request.fileStates.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    let files = traced.sourceFiles.map {
      before[$0] ?? FileState.current($0) ?? FileState(path: $0, mtimeNs: -1, size: -1)
    }
    let watch = BridgeWatch(
      files: files, environment: request.environment.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    let handle = store(
      PreparedKernel(
        interpreter: interpreter, written: isWritten,
        traceWarnings: traced.warnings.filter { $0.severity == .warning }, traceOutput: traced.output, watch: watch))
    return PreparedResponse(
      handle: handle, kernel: traced.name, parameters: parameters, outputs: outputs,
      returns: traced.returns.map(ReturnShape.init),
      instructions: kernel.instructions.count, sourceFiles: traced.sourceFiles,
      seconds: started.duration(to: .now).seconds)
  }

  /// The launch grid a request asks for: its legacy SPMD `grid`, or `[lnc]` for a current-dialect
  /// `kernel[lnc]` launch (a logical NeuronCore of one or two programs).
  static func launchGrid(_ request: PrepareRequest) throws -> [Int] {
    guard let lnc = request.lnc else { return request.grid }
    guard request.grid.isEmpty else {
      throw BridgeUsageError("a launch gives an SPMD grid or a Logical NeuronCore degree (lnc), not both")
    }
    guard lnc == 1 || lnc == 2 else {
      throw BridgeUsageError("a Logical NeuronCore has 1 or 2 programs (kernel[1] or kernel[2]), not \(lnc)")
    }
    return [lnc]
  }

  /// Runs a prepared kernel on caller memory: each buffer holds its tensor's elements in the
  /// tensor's dtype.
  ///
  /// fp32 tensors are used in place; others are decoded on the way in, and encoded
  /// on the way out for results and for parameters the kernel writes. A run that warned (in its
  /// trace or its run) also reports the error a strict run fails with (every warning, as
  /// `--strict` says it); a kernel whose source files or environment changed since its trace is
  /// not run (``BridgeStale``).
  func run(_ handle: Int, parameters: [RawBuffer], outputs: [RawBuffer]) throws -> RunResponse {
    let prepared = try current(handle)
    let k = prepared.interpreter.kernel
    guard parameters.count == prepared.parameterCounts.count, outputs.count == prepared.outputCounts.count else {
      throw BridgeUsageError(
        "\(k.name) takes \(k.parameters.count) parameter and \(k.outputs.count) output buffers, got "
          + "\(parameters.count) and \(outputs.count)")
    }
    for (i, b) in parameters.enumerated() where b.count != prepared.parameterCounts[i] {
      throw Self.sizeMismatch(k[k.parameters[i].tensor], b)
    }
    for (i, b) in outputs.enumerated() where b.count != prepared.outputCounts[i] {
      throw Self.sizeMismatch(k[k.outputs[i]], b)
    }
    let sources = zip(prepared.parameterDTypes, parameters).map { dtype, b -> ParameterSource in
      guard let base = b.base else { return .filled(rounded: true) { _ in } }
      if dtype == .float32 {
        return .inPlace(UnsafeMutableBufferPointer(start: base.assumingMemoryBound(to: Float.self), count: b.count))
      }
      return .encoded(UnsafeRawBufferPointer(start: base, count: b.count * dtype.byteSize))
    }
    var finals: [ResultSink?] = []
    for (i, b) in parameters.enumerated() {
      let dtype = prepared.parameterDTypes[i]
      guard prepared.written[i], dtype != .float32, let base = b.base else { continue }
      if finals.isEmpty { finals = Array(repeating: nil, count: parameters.count) }
      finals[i] = .read { dtype.encode($0, into: base) }
    }
    let results = zip(prepared.outputDTypes, outputs).map { dtype, b -> ResultSink in
      guard let base = b.base else { return .read { _ in } }
      if dtype == .float32 {
        return .inPlace(UnsafeMutableBufferPointer(start: base.assumingMemoryBound(to: Float.self), count: b.count))
      }
      return .read { dtype.encode($0, into: base) }
    }
    let started = ContinuousClock.now
    let report = try prepared.interpreter.run(sources: sources, results: results, finalParameters: finals)
    let seconds = started.duration(to: .now).seconds
    let runWarnings = report.warnings.filter { $0.severity == .warning }
    if runWarnings.isEmpty && prepared.traceWarnings.isEmpty && prepared.traceOutput.isEmpty
      && report.devicePrints.isEmpty
    {
      return RunResponse(warnings: [], printed: "", instructions: report.instructionsExecuted, seconds: seconds)
    }
    let warnings = prepared.traceWarnings + runWarnings
    let renderer = DiagnosticRenderer.readingFiles
    return RunResponse(
      warnings: prepared.traceWarnings.map { BridgeWarning($0, phase: "trace", renderer: renderer) }
        + runWarnings.map { BridgeWarning($0, phase: "run", renderer: renderer) },
      printed: prepared.traceOutput + report.devicePrints.map(\.text).joined(),
      instructions: report.instructionsExecuted, seconds: seconds,
      strict: warnings.first.map {
        FailureResponse(KernelError(.warningsAsErrors(warnings), at: $0.location ?? .unknown), renderer: renderer).error
      })
  }

  /// The error for a caller buffer whose element count is not its tensor's.
  private static func sizeMismatch(_ t: TensorDecl, _ b: RawBuffer) -> BridgeUsageError {
    BridgeUsageError("buffer for '\(t.name)' holds \(b.count) elements; its shape \(t.shape) has \(t.elementCount)")
  }

  /// Forgets a prepared kernel.
  func release(_ handle: Int) {
    lock.lock()
    kernels[handle] = nil
    lock.unlock()
  }

  private func store(_ k: PreparedKernel) -> Int {
    lock.lock()
    defer { lock.unlock() }
    let h = nextHandle
    nextHandle += 1
    kernels[h] = k
    return h
  }

  func kernel(_ handle: Int) throws -> PreparedKernel {
    lock.lock()
    defer { lock.unlock() }
    guard let k = kernels[handle] else { throw BridgeUsageError("no prepared kernel with handle \(handle)") }
    return k
  }

  /// The prepared kernel, unless what its trace depended on changed since (``BridgeStale``).
  func current(_ handle: Int) throws -> PreparedKernel {
    let k = try kernel(handle)
    if let change = k.watch.change() { throw BridgeStale(message: change) }
    return k
  }

  /// The front end's argument for one bridged argument.
  static func argument(_ a: ArgumentSpec, name: String) throws -> KernelArgument {
    switch a {
    case .tensor(let shape, let dtypeName, _):
      guard let dtype = DType(nkiName: dtypeName) else {
        throw BridgeUsageError("argument '\(name)': Tessel has no dtype '\(dtypeName)'")
      }
      return .tensor(shape: shape, dtype: dtype)
    case .expression(let text, _):
      // Evaluated in the kernel module's namespace when the kernel is traced.
      return .expression(text)
    }
  }
}

extension Duration {
  /// The duration in seconds.
  var seconds: Double {
    let (s, attoseconds) = components
    return Double(s) + Double(attoseconds) * 1e-18
  }
}
