import TesselIR

extension TimingConstants {
  /// The constants for a target (see `docs/timing.md` for the derivations).
  public static func `for`(_ target: Target) -> TimingConstants {
    switch target {
    case .trn1: .trn1
    case .trn2: .trn2
    case .trn3: .trn3
    }
  }

  /// Trainium 1 / Inferentia 2 (NeuronCore-v2).
  public static let trn1 = TimingConstants(
    target: .trn1,
    tensorClock: TimingConstant(2.8, "GHz", .documented, "NKI architecture guide (trn1), engine table"),
    vectorClock: TimingConstant(1.12, "GHz", .documented, "NKI architecture guide (trn1), engine table"),
    scalarClock: TimingConstant(1.4, "GHz", .documented, "NKI architecture guide (trn1), engine table"),
    gpsimdClock: TimingConstant(1.4, "GHz", .documented, "NKI architecture guide (trn1), engine table"),
    minInitiationInterval: TimingConstant(64, "cycles", .documented, "nki.isa cost notes: MIN_II for small tiles"),
    instructionOverhead: common.instructionOverhead,
    sameEngineDependencyLatency: common.sameEngineDependencyLatency,
    matmulMinInterval: TimingConstant(64, "cycles", .documented, "architecture guide, Tensor engine cost model"),
    matmulFloat32Factor: TimingConstant(4, "x", .documented, "architecture guide: fp32 matmul ~4x bf16"),
    transposeFloat32Factor: TimingConstant(4, "x", .derived, "trn1 transposes fp32 as a matmul (4 passes)"),
    matmulPipelineLatency: common.matmulPipelineLatency,
    gpsimdStartup: common.gpsimdStartup,
    vectorFastCopyFactor: TimingConstant(1, "x", .documented, "no Vector performance mode before trn2"),
    vectorFastBinaryFactor: TimingConstant(1, "x", .documented, "no Vector performance mode before trn2"),
    dmaEngines: common.dmaEngines,
    dmaPartitionsPerEngine: common.dmaPartitionsPerEngine,
    dmaBytesPerNs: TimingConstant(
      17, "B/ns", .documented, "DMA bandwidth guide: 17 B/ns per engine (272 GB/s per core)"),
    dmaQueueBytesPerNs: TimingConstant(
      6.2, "B/ns", .derived, "trn1 matmul tutorial: one load stream moves ~100 GB/s (tiled and hoisted latencies)"),
    dmaDescriptorNs: TimingConstant(0, "ns", .derived, "same fit: no measurable per-descriptor cost"),
    dmaIssueNs: TimingConstant(360, "ns", .derived, "CS149 vector add, 1-element tiles on trn1: 1.07 us per 3 DMAs"),
    computeToDMALatency: common.computeToDMALatency,
    dmaToComputeLatency: common.dmaToComputeLatency,
    computeToComputeLatency: common.computeToComputeLatency,
    dmaTransposeFactor: TimingConstant(
      4, "x", .guessed, "performance guide: load_transpose2d degrades DMA bandwidth significantly"),
    launchOverhead: TimingConstant(13_000, "ns", .derived, "one-tile CS149 vector add on trn1 (19 us) minus its chain"),
    maxBufferRotation: common.maxBufferRotation)

  /// Trainium 2 (NeuronCore-v3).
  public static let trn2 = TimingConstants(
    target: .trn2,
    tensorClock: TimingConstant(2.4, "GHz", .documented, "NKI architecture guide (trn2), engine table"),
    vectorClock: TimingConstant(0.96, "GHz", .documented, "NKI architecture guide (trn2), engine table"),
    scalarClock: TimingConstant(1.2, "GHz", .documented, "NKI architecture guide (trn2), engine table"),
    gpsimdClock: TimingConstant(1.2, "GHz", .documented, "NKI architecture guide (trn2), engine table"),
    minInitiationInterval: TimingConstant(64, "cycles", .documented, "nki.isa cost notes: MIN_II for small tiles"),
    instructionOverhead: common.instructionOverhead,
    sameEngineDependencyLatency: common.sameEngineDependencyLatency,
    matmulMinInterval: TimingConstant(64, "cycles", .documented, "architecture guide, Tensor engine cost model"),
    matmulFloat32Factor: TimingConstant(4, "x", .documented, "architecture guide: fp32 matmul ~4x bf16"),
    transposeFloat32Factor: TimingConstant(2, "x", .documented, "trn2 guide: fp32 transpose mode 2x a 16-bit one"),
    matmulPipelineLatency: common.matmulPipelineLatency,
    gpsimdStartup: common.gpsimdStartup,
    vectorFastCopyFactor: TimingConstant(4, "x", .documented, "trn2 guide: Vector performance mode, copies 4x"),
    vectorFastBinaryFactor: TimingConstant(
      2, "x", .documented, "trn2 guide: Vector performance mode, tensor_tensor 2x"),
    dmaEngines: common.dmaEngines,
    dmaPartitionsPerEngine: common.dmaPartitionsPerEngine,
    dmaBytesPerNs: TimingConstant(
      28, "B/ns", .derived, "fit of the trn2 optimization tutorial's tiled and hoisted profiles (27.2 GB/s documented)"),
    dmaQueueBytesPerNs: TimingConstant(28, "B/ns", .derived, "same fit: one stream reaches the engine rate"),
    dmaDescriptorNs: TimingConstant(30, "ns", .derived, "same fit; predicts the documented 32 KiB transfer within 9%"),
    dmaIssueNs: TimingConstant(460, "ns", .derived, "CS149 vector add, 1-element tiles on trn2: 1.46 us per 3 DMAs"),
    computeToDMALatency: common.computeToDMALatency,
    dmaToComputeLatency: common.dmaToComputeLatency,
    computeToComputeLatency: common.computeToComputeLatency,
    dmaTransposeFactor: TimingConstant(1.11, "x", .documented, "trn2 guide: DMA transpose at up to 90% of copy rate"),
    launchOverhead: TimingConstant(9_000, "ns", .derived, "one-tile CS149 vector add on trn2 (15 us) minus its chain"),
    maxBufferRotation: common.maxBufferRotation)

  /// Trainium 3 (NeuronCore-v4): clocks and DMA rate are documented; the rest is carried over
  /// from trn2, since no trn3 kernel latency has been published.
  public static let trn3 = TimingConstants(
    target: .trn3,
    tensorClock: TimingConstant(2.4, "GHz", .documented, "NKI architecture guide (trn3), engine table"),
    vectorClock: TimingConstant(1.2, "GHz", .documented, "NKI architecture guide (trn3), engine table"),
    scalarClock: TimingConstant(1.2, "GHz", .documented, "NKI architecture guide (trn3), engine table"),
    gpsimdClock: TimingConstant(1.2, "GHz", .documented, "NKI architecture guide (trn3), engine table"),
    minInitiationInterval: TimingConstant(64, "cycles", .guessed, "carried over from trn1/trn2"),
    instructionOverhead: common.instructionOverhead,
    sameEngineDependencyLatency: common.sameEngineDependencyLatency,
    matmulMinInterval: TimingConstant(64, "cycles", .guessed, "carried over from trn1/trn2"),
    matmulFloat32Factor: TimingConstant(4, "x", .documented, "trn3 guide: 20 TFLOPS fp32 vs 79 bf16"),
    transposeFloat32Factor: TimingConstant(2, "x", .documented, "trn3 guide: fp32 transpose mode"),
    matmulPipelineLatency: common.matmulPipelineLatency,
    gpsimdStartup: common.gpsimdStartup,
    vectorFastCopyFactor: TimingConstant(4, "x", .guessed, "trn3 guide: 512 16-bit elements/cycle, as trn2"),
    vectorFastBinaryFactor: TimingConstant(2, "x", .guessed, "as trn2"),
    dmaEngines: common.dmaEngines,
    dmaPartitionsPerEngine: common.dmaPartitionsPerEngine,
    dmaBytesPerNs: TimingConstant(38.4, "B/ns", .documented, "DMA overview: 38.4 GB/s per DMA engine on trn3"),
    dmaQueueBytesPerNs: TimingConstant(38.4, "B/ns", .guessed, "as trn2: one stream reaches the engine rate"),
    dmaDescriptorNs: TimingConstant(30, "ns", .guessed, "carried over from the trn2 fit"),
    dmaIssueNs: TimingConstant(460, "ns", .guessed, "carried over from trn2"),
    computeToDMALatency: common.computeToDMALatency,
    dmaToComputeLatency: common.dmaToComputeLatency,
    computeToComputeLatency: common.computeToComputeLatency,
    dmaTransposeFactor: TimingConstant(1.11, "x", .guessed, "carried over from trn2"),
    launchOverhead: TimingConstant(9_000, "ns", .guessed, "carried over from trn2"),
    maxBufferRotation: common.maxBufferRotation)

  /// Values shared by every target.
  private static let common = (
    instructionOverhead: TimingConstant(
      60, "cycles", .documented, "architecture guide: ~60 cycles of SBUF/PSUM access setup per instruction"),
    sameEngineDependencyLatency: TimingConstant(
      200, "cycles", .derived, "performance guide: dependent 1-element activations issue every 264 cycles (-64)"),
    matmulPipelineLatency: TimingConstant(192, "cycles", .guessed, "128 rows of the systolic array + 64 to drain"),
    gpsimdStartup: TimingConstant(150, "cycles", .documented, "nki.isa cost notes: iota / affine_select start-up"),
    dmaEngines: TimingConstant(16, "count", .documented, "DMA overview: 16 DMA engines per NeuronCore"),
    dmaPartitionsPerEngine: TimingConstant(
      8, "count", .documented, "DMA overview: a [128, F] tile spreads over 16 engines, [4, F] uses one"),
    computeToDMALatency: TimingConstant(
      1300, "ns", .documented, "DMA bandwidth guide: ~1.3 us semaphore-to-start latency"),
    dmaToComputeLatency: TimingConstant(100, "ns", .guessed, "not published"),
    computeToComputeLatency: TimingConstant(60, "ns", .guessed, "not published"),
    maxBufferRotation: TimingConstant(
      4, "count", .guessed, "direct-allocation guide examples rotate 4 physical tiles; capped by free SBUF/PSUM")
  )
}
