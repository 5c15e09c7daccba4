import ArgumentParser
import Foundation
import Tessel

/// `--estimate` and `--profile`: the timing model's outputs on `run` and `check`.
struct EstimateOptions: ParsableArguments {
  @Flag(
    help:
      "Print an estimate of the kernel's latency on the target (from the traced program, no data needed): busy time and utilisation per engine, idle time by cause, the critical path and the top source lines."
  )
  var estimate = false
  @Option(
    help:
      "Write the estimate as a Chrome trace-event JSON file (one track per engine, DMA queue and DMA engine) that Perfetto and chrome://tracing open."
  )
  var profile: String?
  @Option(
    help:
      "A JSON object of timing constants to override by name, e.g. {\"dmaBytesPerNs\": 10} (see `tessel targets --timing`)."
  )
  var timingConstants: String?
  @Option(
    help:
      "Iterations the estimate assumes for each entry of a loop whose trip count is read at run time (dynamic_range, while)."
  )
  var dynamicTrips: Int = 1

  func validate() throws {
    if let profile, profile.isEmpty { throw ValidationError("--profile needs a file path") }
    if dynamicTrips < 0 { throw ValidationError("--dynamic-trips must be 0 or more") }
  }

  /// Whether an estimate was asked for.
  var requested: Bool { estimate || profile != nil }

  /// Estimates `kernel` on `target` (with the allocator's plan when the caller has it), exiting
  /// like any kernel error on failure.
  func estimate(
    _ kernel: Kernel, target: Target, allocation: AllocationPlan? = nil, source: String, file: String
  ) -> TimingEstimate {
    var options = TimingOptions(recordIterations: profile != nil)
    options.assumedDynamicTrips = dynamicTrips
    if let path = timingConstants { options.constants = loadConstants(path, target: target) }
    do {
      return try TimingModel(kernel: kernel, target: target, allocation: allocation, options: options).estimate()
    } catch {
      failKernel(TraceError(.kernel(error), at: error.location).diagnostic, source: source, file: file)
    }
  }

  /// The target's constants with the overrides of a JSON file.
  private func loadConstants(_ path: String, target: Target) -> TimingConstants {
    guard let data = FileManager.default.contents(atPath: path) else { failUsage("cannot read \(path)") }
    guard let values = try? JSONDecoder().decode([String: Double].self, from: data) else {
      failUsage("\(path): expected a JSON object of numbers, like {\"dmaBytesPerNs\": 10}")
    }
    do { return try TimingConstants.for(target).overriding(values) } catch { failUsage("\(path): \(error)") }
  }

  /// Writes the profile (when asked) and prints the summary (when asked and `printSummary`).
  func emit(_ e: TimingEstimate, printSummary: Bool) {
    if let profile {
      guard let bytes = e.perfettoTrace() else {
        failUsage(
          "--profile: the kernel executes more than \(e.model.options.maxRecordedEvents) instructions; the trace would be too large"
        )
      }
      do { try writeAtomically(bytes, to: profile) } catch { failUsage("cannot write \(profile): \(error)") }
    }
    if estimate && printSummary { print(e.report.summary(), terminator: "") }
  }
}
