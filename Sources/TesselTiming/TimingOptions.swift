/// Options of an estimate.
public struct TimingOptions: Sendable, Hashable {
  /// The most instruction executions the walk places before it stops with an error.
  public var maxInstructions: Int = 1_000_000_000
  /// The most executions kept for the critical path and the trace; beyond it the totals stay
  /// exact and the report says the critical path is not available.
  public var maxRecordedEvents: Int = 4_000_000
  /// Whether each recorded execution remembers its loop indices (for the trace's `iteration`).
  public var recordIterations: Bool = false
  /// Logical NeuronCores the SPMD instances are spread over (2 for LNC = 2 on trn2/trn3).
  public var logicalCores: Int = 1
  /// Constants to use instead of the target's (a calibration run).
  public var constants: TimingConstants?
  /// How many iterations a loop whose trip count is read at run time (`dynamic_range`,
  /// `while`) is assumed to run per entry: the walk has no data.
  ///
  /// The report lists these loops.
  public var assumedDynamicTrips: Int = 1

  /// Creates options.
  public init(
    maxInstructions: Int = 1_000_000_000, recordIterations: Bool = false, logicalCores: Int = 1,
    constants: TimingConstants? = nil
  ) {
    self.maxInstructions = maxInstructions
    self.recordIterations = recordIterations
    self.logicalCores = logicalCores
    self.constants = constants
  }
}
