import TesselIR

/// What one engine did during a run: instructions, elements, bytes and FLOPs.
public struct EngineCounters: Sendable, Hashable, Codable {
  /// Instructions executed.
  public var instructions: Int = 0
  /// Elements produced (the iteration space of each instruction, before masking).
  public var elements: Int = 0
  /// Bytes read and written, in the operands' dtypes.
  public var bytes: Int = 0
  /// Floating-point operations (2·M·N·K for a matmul, one per element otherwise).
  public var flops: Int = 0

  /// Creates zeroed counters.
  public init() {}
}

/// The report of a run: per-engine counters, on-chip high-water marks and warnings.
public struct RunReport: Sendable, Codable {
  /// Counters by engine.
  public var engines: [Engine: EngineCounters] = [:]
  /// The largest SBUF bytes per partition live at once (from the allocator).
  public var sbufHighWaterBytes: Int = 0
  /// The largest PSUM bytes per partition live at once (from the allocator).
  public var psumHighWaterBytes: Int = 0
  /// The target's SBUF bytes per partition.
  public var sbufCapacityBytes: Int = 0
  /// The target's PSUM bytes per partition.
  public var psumCapacityBytes: Int = 0
  /// Warnings: reads of never-written memory, outputs never written, and the like.
  public var warnings: [Diagnostic] = []
  /// Whether an instruction read never-written memory (a warning says which), or an output was
  /// left partly unwritten: a run with ``RunOptions/trackUninitializedOrigins`` can then say which
  /// output elements derive from which read.
  public var readsNeverWrittenMemory: Bool = false
  /// With ``RunOptions/trackUninitializedOrigins``: for each output (returned tensor or written
  /// parameter) and each read of never-written memory, the output elements computed from it.
  ///
  /// Each also appears in ``warnings``.
  public var uninitializedOrigins: [UninitializedOrigin] = []
  /// What the kernel's `nl.device_print` calls printed, in the order they ran.
  public var devicePrints: [DevicePrintOutput] = []
  /// Total instructions executed.
  public var instructionsExecuted: Int { engines.values.map(\.instructions).reduce(0, +) }

  /// Creates an empty report.
  public init() {}
}

extension RunReport {
  /// Records the origins a tracked run found, each as a warning too; when the run read
  /// never-written memory but no output derives from it, a note says so.
  mutating func addOrigins(_ origins: [UninitializedOrigin]) {
    uninitializedOrigins += origins
    warnings += origins.map(\.diagnostic)
    if origins.isEmpty && readsNeverWrittenMemory {
      warnings.append(
        Diagnostic(.note, "no output element derives from a read of never-written memory (origin tracking)"))
    }
  }
}
