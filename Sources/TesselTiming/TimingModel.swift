import TesselIR
import TesselMachine

/// Estimates how long a kernel takes on Trainium hardware, without data.
///
/// The model walks the kernel's control flow over index values only (no tensor data) and places
/// every instruction execution on its engine's in-order queue, its DMA queue and the DMA
/// engines, waiting for the regions it reads and writes as the hardware's semaphores would. The
/// cost of each instruction comes from its operation's ``CostRule`` evaluated with the target's
/// ``TimingConstants``. See `docs/timing.md` for the model, its sources and its limits.
///
/// ```swift
/// let estimate = try TimingModel(kernel: kernel, target: .trn2).estimate()
/// print(estimate.report.latencyNs, estimate.summary())
/// ```
public struct TimingModel: Sendable {
  /// Keys of the tracks: the four compute engines, then the DMA queues.
  public static let trackKeys = ["tensor", "vector", "scalar", "gpsimd", "dmaLoads", "dmaStores"]
  /// Display names of the tracks.
  public static let trackNames =
    ["Tensor (PE)", "Vector (DVE)", "Scalar (ACT)", "GpSimd (POOL)"] + TimedProgram.queueNames

  /// The kernel.
  public let kernel: Kernel
  /// The constants in use.
  public let constants: TimingConstants
  /// The options.
  public let options: TimingOptions
  let program: TimedProgram

  /// Prepares a kernel; `allocation` is the allocator's plan (computed when nil).
  public init(
    kernel: Kernel, target: Target, allocation: AllocationPlan? = nil, options: TimingOptions = TimingOptions()
  ) throws(KernelError) {
    let plan: AllocationPlan
    if let allocation { plan = allocation } else { plan = try Allocator(target: target).plan(kernel) }
    self.kernel = kernel
    self.options = options
    self.constants = options.constants ?? TimingConstants.for(target)
    self.program = TimedProgram(kernel: kernel, constants: constants, allocation: plan)
  }

  /// Runs the timing walk.
  public func estimate() throws(KernelError) -> TimingEstimate {
    var s = Scheduler(program: program, kernel: kernel, constants: constants, options: options)
    defer { s.release() }
    try s.run()
    let report = TimingReportBuilder(scheduler: s, model: self).build()
    return TimingEstimate(
      report: report, events: s.recording ? s.events : nil, snapshots: s.snapshots, model: self)
  }
}

/// The result of ``TimingModel/estimate()``: the report, and what the trace needs.
public struct TimingEstimate: Sendable {
  /// The summary numbers.
  public var report: TimingReport
  let events: EventLog?
  let snapshots: [[Int]]
  /// The model that produced the estimate.
  public let model: TimingModel

  /// Whether every execution was recorded (the trace and critical path cover the whole run).
  public var isComplete: Bool { events != nil }
}
