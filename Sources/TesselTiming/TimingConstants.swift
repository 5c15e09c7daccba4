import TesselIR

/// Where a timing constant comes from.
public enum Provenance: String, Sendable, Hashable, Codable, CaseIterable {
  /// Stated in AWS's architecture guides, ISA reference or performance guides.
  case documented
  /// Computed from documented figures or published measurements (the arithmetic is in
  /// `docs/timing.md`).
  case derived
  /// No public source: a physically plausible value, checked only through the calibration table.
  case guessed
}

/// One constant of the timing model: its value, its unit, where it comes from.
public struct TimingConstant: Sendable, Hashable, Codable {
  /// The value, in ``unit``.
  public var value: Double
  /// The unit (`GHz`, `cycles`, `ns`, `B/ns`, `count`).
  public var unit: String
  /// Documented, derived or guessed.
  public var provenance: Provenance
  /// The source in a few words (a guide and section, or the derivation).
  public var source: String

  /// Creates a constant.
  public init(_ value: Double, _ unit: String, _ provenance: Provenance, _ source: String) {
    self.value = value
    self.unit = unit
    self.provenance = provenance
    self.source = source
  }
}

/// Every constant of the timing model for one target, each with its source.
///
/// This is the one place where timing numbers live: the cost rules (``CostRule``) and the
/// scheduler read nothing else. ``TimingConstants/for(_:)`` gives the values for trn1, trn2 and
/// trn3; a calibration run may override any of them (``entries`` lists them by name).
public struct TimingConstants: Sendable, Hashable, Codable {
  /// The target the constants describe.
  public var target: Target

  // MARK: Clocks

  /// Tensor engine (PE) clock.
  public var tensorClock: TimingConstant
  /// Vector engine (DVE) clock.
  public var vectorClock: TimingConstant
  /// Scalar engine (ACT) clock.
  public var scalarClock: TimingConstant
  /// GpSimd engine (POOL) clock.
  public var gpsimdClock: TimingConstant

  // MARK: Compute costs

  /// The minimum initiation interval of an ACT/DVE/POOL instruction (small tiles cost this).
  public var minInitiationInterval: TimingConstant
  /// Fixed cycles every ACT/DVE/POOL instruction adds to its streaming time (access setup,
  /// instruction decode).
  public var instructionOverhead: TimingConstant
  /// Extra cycles when an instruction reads what the previous instruction on the same engine
  /// wrote (the pipeline drains before the read).
  public var sameEngineDependencyLatency: TimingConstant
  /// The minimum initiation interval of a matmul (`max(N, this)` moving columns).
  public var matmulMinInterval: TimingConstant
  /// How many times slower an fp32 matmul pass is than a bf16/fp16/fp8 one.
  public var matmulFloat32Factor: TimingConstant
  /// How many times slower an fp32 Tensor-engine transpose is than a 16-bit one.
  public var transposeFloat32Factor: TimingConstant
  /// PE pipeline latency beyond the initiation interval before a matmul result is readable in
  /// PSUM, in PE cycles.
  public var matmulPipelineLatency: TimingConstant
  /// GpSimd instruction start-up cycles (`iota`, `affine_select`, partition reductions).
  public var gpsimdStartup: TimingConstant
  /// How many times faster the Vector engine streams 16-bit copies and `tensor_scalar` whose
  /// operands are all in SBUF with unit stride (trn2/trn3 performance mode; 1 on trn1).
  public var vectorFastCopyFactor: TimingConstant
  /// How many times faster the Vector engine streams a 16-bit `tensor_tensor` with both inputs in
  /// SBUF (performance mode; 1 on trn1).
  public var vectorFastBinaryFactor: TimingConstant

  // MARK: DMA

  /// DMA engines (rings) per NeuronCore.
  public var dmaEngines: TimingConstant
  /// Partitions (descriptor rows) each DMA engine takes of a 128-partition transfer.
  public var dmaPartitionsPerEngine: TimingConstant
  /// Bytes per nanosecond one DMA engine moves, over all the queues it serves.
  public var dmaBytesPerNs: TimingConstant
  /// Bytes per nanosecond one DMA engine moves for a single queue (one DMA instruction of the
  /// kernel); several queues share the engine up to ``dmaBytesPerNs``.
  public var dmaQueueBytesPerNs: TimingConstant
  /// Nanoseconds per DMA descriptor (one contiguous run of bytes) on its engine.
  public var dmaDescriptorNs: TimingConstant
  /// Nanoseconds to issue one DMA instruction (serial across the core's DMA queues).
  public var dmaIssueNs: TimingConstant
  /// Latency from a compute engine's semaphore to the start of a DMA that waits on it.
  public var computeToDMALatency: TimingConstant
  /// Latency from a DMA's completion to a compute engine that waits on it.
  public var dmaToComputeLatency: TimingConstant
  /// Latency of a semaphore between two compute engines.
  public var computeToComputeLatency: TimingConstant
  /// How many times slower a DMA transpose (`load_transpose2d`) moves data than a copy.
  public var dmaTransposeFactor: TimingConstant

  // MARK: Kernel and buffers

  /// Fixed kernel launch and teardown time included in a measured kernel latency.
  public var launchOverhead: TimingConstant
  /// The most physical buffers a tile declared in a loop body rotates through.
  public var maxBufferRotation: TimingConstant

  /// Every constant with its field name, in declaration order.
  public var entries: [(name: String, constant: TimingConstant)] {
    [
      ("tensorClock", tensorClock), ("vectorClock", vectorClock), ("scalarClock", scalarClock),
      ("gpsimdClock", gpsimdClock), ("minInitiationInterval", minInitiationInterval),
      ("instructionOverhead", instructionOverhead), ("sameEngineDependencyLatency", sameEngineDependencyLatency),
      ("matmulMinInterval", matmulMinInterval), ("matmulFloat32Factor", matmulFloat32Factor),
      ("transposeFloat32Factor", transposeFloat32Factor), ("matmulPipelineLatency", matmulPipelineLatency),
      ("gpsimdStartup", gpsimdStartup), ("vectorFastCopyFactor", vectorFastCopyFactor),
      ("vectorFastBinaryFactor", vectorFastBinaryFactor), ("dmaEngines", dmaEngines),
      ("dmaPartitionsPerEngine", dmaPartitionsPerEngine), ("dmaBytesPerNs", dmaBytesPerNs),
      ("dmaQueueBytesPerNs", dmaQueueBytesPerNs),
      ("dmaDescriptorNs", dmaDescriptorNs), ("dmaIssueNs", dmaIssueNs), ("computeToDMALatency", computeToDMALatency),
      ("dmaToComputeLatency", dmaToComputeLatency), ("computeToComputeLatency", computeToComputeLatency),
      ("dmaTransposeFactor", dmaTransposeFactor), ("launchOverhead", launchOverhead),
      ("maxBufferRotation", maxBufferRotation),
    ]
  }

  /// An engine's clock in GHz (cycles per nanosecond); DMA has none.
  public func clockGHz(_ engine: Engine) -> Double {
    switch engine {
    case .tensor: tensorClock.value
    case .vector: vectorClock.value
    case .scalar: scalarClock.value
    case .gpsimd: gpsimdClock.value
    case .dma: 1
    }
  }
}
