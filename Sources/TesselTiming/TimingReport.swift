/// An estimate of a kernel's latency on a target, per engine, with its critical path.
///
/// All times are nanoseconds. ``latencyNs`` is what a hardware measurement of one kernel call
/// (`nc_latency`, a profile's total) would show: the schedule plus the fixed launch cost.
public struct TimingReport: Sendable, Hashable, Codable {
  /// The target (`trn1`, `trn2`, `trn3`).
  public var target: String
  /// Estimated latency of one kernel call: ``scheduleNs`` + ``launchNs``.
  public var latencyNs: Double
  /// From the first instruction's start to the last one's end.
  public var scheduleNs: Double
  /// Fixed kernel launch and teardown cost.
  public var launchNs: Double
  /// Instruction executions placed.
  public var instructions: Int
  /// The busiest resource (highest utilization): an engine, or `dma` for the DMA engines.
  public var boundBy: String
  /// Per compute engine and DMA queue, keyed `tensor`, `vector`, `scalar`, `gpsimd`, `dmaLoads`,
  /// `dmaStores`.
  public var engines: [String: EngineTiming]
  /// The DMA engines (rings) that move the data.
  public var dma: DMATiming
  /// The chain of waits that fixes the latency, as time per engine and for semaphores; nil when
  /// the kernel has more executions than the walk records.
  public var criticalPath: CriticalPath?
  /// Source lines by time on the critical path, then by busy time (at most 10).
  public var topLines: [LineTiming]
  /// How parts of the estimate were approximated.
  public var notes: [String]

  /// Time and activity of one engine or DMA queue.
  public struct EngineTiming: Sendable, Hashable, Codable {
    /// The display name (`Tensor (PE)`, `DMA queue (loads)`).
    public var name: String
    /// Time spent executing (for a DMA queue, issuing).
    public var busyNs: Double
    /// ``busyNs`` over the schedule (and the cores).
    public var utilization: Double
    /// Instruction executions.
    public var instructions: Int
    /// Idle time before each instruction, by what it waited on (an engine or queue key, or
    /// `issue slot`, `same-engine latency`, `program order`).
    ///
    /// Idle time after the engine's last
    /// instruction is `finished`.
    public var idleNs: [String: Double]
  }

  /// The DMA engines' activity.
  public struct DMATiming: Sendable, Hashable, Codable {
    /// DMA instruction executions.
    public var transfers: Int
    /// Bytes moved.
    public var bytes: Double
    /// Average busy time of the DMA engines (or of the busiest queue's share of them, when a
    /// queue's single-stream rate is what limits it).
    public var busyNs: Double
    /// ``busyNs`` over the schedule.
    public var utilization: Double
    /// Achieved bandwidth in GB/s over the schedule.
    public var gigabytesPerSecond: Double
  }

  /// The critical path's composition.
  public struct CriticalPath: Sendable, Hashable, Codable {
    /// Time on the path per engine or queue key, plus `semaphores` for waits between them.
    public var ns: [String: Double]
    /// Instruction executions on the path.
    public var length: Int
  }

  /// Time spent on one source line.
  public struct LineTiming: Sendable, Hashable, Codable {
    /// `file:line`.
    public var location: String
    /// The NKI operation(s) on the line.
    public var operation: String
    /// The engine key the line's instructions ran on.
    public var engine: String
    /// Time on the critical path.
    public var criticalNs: Double
    /// Busy time summed over executions.
    public var busyNs: Double
    /// Executions.
    public var executions: Int
  }
}
