import Tessel

/// What ``tessel_bridge_estimate`` takes: where to write a Perfetto trace, if anywhere.
struct EstimateRequest: Decodable, Sendable {
  /// A path for the estimate's Chrome trace-event JSON (Perfetto opens it).
  var trace: String?
}

/// The timing model's estimate of a prepared kernel.
struct EstimateResponse: Encodable, Sendable {
  var ok = true
  /// The estimate: `latencyNs`, per-engine busy time and utilisation, DMA, critical path, top lines.
  var report: TimingReport
  /// The trace written, when one was asked for.
  var trace: String?
}

extension BridgeSession {
  /// Estimates a prepared kernel's hardware latency (from its traced program; no data needed).
  func estimate(_ handle: Int, _ request: EstimateRequest) throws -> EstimateResponse {
    let interpreter = try current(handle).interpreter
    let options = TimingOptions(recordIterations: request.trace != nil)
    let estimate = try TimingModel(
      kernel: interpreter.kernel, target: interpreter.options.target, allocation: interpreter.allocation,
      options: options
    ).estimate()
    if let path = request.trace {
      guard let bytes = estimate.perfettoTrace() else {
        throw BridgeUsageError(
          "the kernel executes more than \(options.maxRecordedEvents) instructions; its trace would be too large")
      }
      do { try writeAtomically(bytes, to: path) } catch { throw BridgeUsageError("cannot write \(path): \(error)") }
    }
    return EstimateResponse(report: estimate.report, trace: request.trace)
  }
}
