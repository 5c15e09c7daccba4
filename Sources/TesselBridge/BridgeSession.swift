import Foundation
import Tessel
import TesselTools

/// A traced, verified and allocated kernel that runs many times on caller buffers.
struct PreparedKernel: Sendable {
  var interpreter: Interpreter
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
    try Self.checkSupported(request, in: file)
    let positional = try request.positional.enumerated().map { i, a in
      try Self.argument(a, name: a.name ?? "argument \(i + 1)")
    }
    var keywords: [String: KernelArgument] = [:]
    for (name, a) in request.keywords { keywords[name] = try Self.argument(a, name: name) }
    let traced = try file.trace(
      kernel: request.function, arguments: positional, keywords: keywords, grid: request.grid, target: target)
    let kernel = traced.kernel
    let interpreter = try Interpreter(kernel: kernel, options: RunOptions(target: target))
    var written = Set<Int>()
    for inst in kernel.instructions { for d in inst.operation.destinations { written.insert(d.tensor.index) } }
    let parameters = kernel.parameters.map { p in
      let t = kernel[p.tensor]
      return PreparedResponse.Parameter(
        name: p.name, shape: t.shape, dtype: t.dtype.nkiName, written: written.contains(p.tensor.index))
    }
    let outputs = kernel.outputs.map { o in
      let t = kernel[o]
      return PreparedResponse.Output(
        name: t.name, shape: t.shape, dtype: t.dtype.nkiName,
        parameter: kernel.parameters.first { $0.tensor == o }?.name)
    }
    let handle = store(PreparedKernel(interpreter: interpreter))
    return PreparedResponse(
      handle: handle, kernel: traced.name, parameters: parameters, outputs: outputs,
      instructions: kernel.instructions.count, seconds: started.duration(to: .now).seconds)
  }

  /// Refuses what this build cannot run faithfully: the current dialect and LNC2 launches.
  static func checkSupported(_ request: PrepareRequest, in file: NKIFile) throws {
    let location =
      file.module.statements.lazy.compactMap { s -> SourceLocation? in
        if case .functionDef(let f) = s.kind, f.name == request.function { return s.location }
        return nil
      }.first ?? .unknown
    if request.dialect == "current" {
      throw TraceError(
        .unsupported(
          .feature(
            "kernel '\(request.function)' is written in the current NKI dialect (the `nki` package), which this "
              + "Tessel build does not run yet; only the legacy `neuronxcc.nki` dialect runs")),
        at: location)
    }
    if let lnc = request.lnc, lnc != 1 {
      throw TraceError(
        .unsupported(.feature("launching '\(request.function)' on \(lnc) logical NeuronCores (kernel[\(lnc)]); only kernel[1] runs")),
        at: location)
    }
  }

  /// Runs a prepared kernel on the caller's fp32 buffers (parameters in order, then outputs).
  func run(
    _ handle: Int, parameters: [UnsafeMutableBufferPointer<Float>], outputs: [UnsafeMutableBufferPointer<Float>]
  ) throws -> RunResponse {
    let prepared = try kernel(handle)
    let started = ContinuousClock.now
    let report = try prepared.interpreter.run(parameters: parameters, outputs: outputs)
    let seconds = started.duration(to: .now).seconds
    let renderer = DiagnosticRenderer.readingFiles
    return RunResponse(
      warnings: report.warnings.map { renderer.render($0) }, instructions: report.instructionsExecuted,
      seconds: seconds)
  }

  /// The element counts of a prepared kernel's parameter and output buffers.
  func bufferCounts(_ handle: Int) throws -> (parameters: [Int], outputs: [Int]) {
    let k = try kernel(handle).interpreter.kernel
    return (k.parameters.map { k[$0.tensor].elementCount }, k.outputs.map { k[$0].elementCount })
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

  /// The front end's argument for one bridged argument.
  static func argument(_ a: ArgumentSpec, name: String) throws -> KernelArgument {
    switch a {
    case .tensor(let shape, let dtypeName, _):
      guard let dtype = DType(nkiName: dtypeName) else {
        throw BridgeUsageError("argument '\(name)': Tessel has no dtype '\(dtypeName)'")
      }
      return .tensor(shape: shape, dtype: dtype)
    case .expression(let text, _):
      do {
        return .literal(try KernelInvocation.parseLiteral(text))
      } catch {
        throw BridgeUsageError(
          "argument '\(name)' = \(text): Tessel cannot pass this value to a kernel yet (only numbers, strings, "
            + "None and tuples of them)")
      }
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
