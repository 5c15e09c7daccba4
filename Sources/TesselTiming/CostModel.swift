import TesselIR

/// The time one execution of an instruction takes: busy time on its engine (or on each DMA
/// engine it uses), extra latency before its result is visible, and DMA engines used.
struct InstructionCost: Sendable {
  /// Time on the engine; for a DMA, on each DMA engine it uses (at the engine's full rate).
  var busyNs: Double
  /// A DMA's time in its queue's lane of each DMA engine (at the single-queue rate).
  var laneNs: Double = 0
  var latencyNs: Double
  var dmaEngines: Int
}

/// Evaluates cost rules against a target's constants.
struct CostModel: Sendable {
  var constants: TimingConstants

  /// The cost of an instruction whose iteration space keeps `partitions` × `free` of its
  /// `fullPartitions` × `fullFree` elements (a mask keeps fewer).
  func cost(
    _ rule: CostRule, engine: Engine, inputs c: CostInputs, partitions: Int, free: Int, fullPartitions: Int,
    fullFree: Int
  ) -> InstructionCost {
    let k = constants
    let freeScale = fullFree > 0 ? Double(free) / Double(fullFree) : 1
    switch rule {
    case .control:
      return InstructionCost(busyNs: 0, latencyNs: 0, dmaEngines: 0)
    case .dma, .dmaTranspose:
      let engines = Int(k.dmaEngines.value)
      let perEngine = Swift.max(1, Int(k.dmaPartitionsPerEngine.value))
      let rows = Swift.max(1, partitions)
      let used = Swift.max(1, Swift.min(engines, (rows + perEngine - 1) / perEngine))
      let rowsPerEngine = Double((rows + used - 1) / used)
      let bytes = c.dmaBytesPerPartition * freeScale
      let descriptors = Double(c.dmaDescriptorsPerPartition) * k.dmaDescriptorNs.value
      let factor = rule == .dmaTranspose ? k.dmaTransposeFactor.value : 1
      let engine = rowsPerEngine * (descriptors + bytes / k.dmaBytesPerNs.value) * factor
      let lane =
        rowsPerEngine * (descriptors + bytes / Swift.min(k.dmaBytesPerNs.value, k.dmaQueueBytesPerNs.value)) * factor
      return InstructionCost(busyNs: engine, laneNs: lane, latencyNs: 0, dmaEngines: used)
    case .matmul:
      // The ISA's back-to-back rule max(min(64, stationary), moving) under the documented
      // MultiplyMoving floor of 64 cycles is max(64, moving).
      let moving = Double(c.movingFree) * freeScale
      let interval = Swift.max(moving, k.matmulMinInterval.value)
      let cycles = interval * (c.float32 ? k.matmulFloat32Factor.value : 1)
      return InstructionCost(
        busyNs: cycles / k.tensorClock.value, latencyNs: k.matmulPipelineLatency.value / k.tensorClock.value,
        dmaEngines: 0)
    case .transpose where engine == .tensor:
      let p = Double(c.transposePartitions)
      let f = Double(c.streamFree) * freeScale
      let cycles =
        Swift.max(p, Swift.min(k.matmulMinInterval.value, f)) * (c.float32 ? k.transposeFloat32Factor.value : 1)
      return InstructionCost(
        busyNs: cycles / k.tensorClock.value, latencyNs: k.matmulPipelineLatency.value / k.tensorClock.value,
        dmaEngines: 0)
    case .partitionBroadcast:
      let f = Double(c.streamFree) * freeScale
      let cycles = Swift.max(k.matmulMinInterval.value, f) * (c.float32 ? k.matmulFloat32Factor.value : 1)
      return InstructionCost(
        busyNs: cycles / k.tensorClock.value, latencyNs: k.matmulPipelineLatency.value / k.tensorClock.value,
        dmaEngines: 0)
    case .transpose:
      return stream(StreamCost(), engine: engine, inputs: c, freeScale: freeScale)
    case .stream(let s):
      return stream(s, engine: engine, inputs: c, freeScale: freeScale)
    }
  }

  /// `max(MIN_II, cpe · passes · N / speedup + overhead) + extra · MIN_II`; on GpSimd, start-up + passes · N.
  private func stream(_ s: StreamCost, engine: Engine, inputs c: CostInputs, freeScale: Double) -> InstructionCost {
    let k = constants
    let n = Swift.max(1, Double(c.streamFree) * freeScale)
    let passes: Double = s.sharedPort && c.sharedPort ? 2 : 1
    var speedup = 1.0
    if engine == .vector {
      switch s.fastPath {
      case .none: break
      case .copy where c.all16Bit:
        speedup = c.allSBUF && c.unitStride ? k.vectorFastCopyFactor.value : Swift.min(2, k.vectorFastCopyFactor.value)
      case .binary where c.all16Bit && c.allSBUF: speedup = k.vectorFastBinaryFactor.value
      case .halfFor16Bit where c.all16Bit: speedup = 2
      default: break
      }
    }
    let work = s.cyclesPerElement * passes * n / speedup
    let minII = k.minInitiationInterval.value
    var cycles: Double
    if engine == .gpsimd {
      cycles = k.gpsimdStartup.value + work
    } else {
      cycles = Swift.max(minII, work + k.instructionOverhead.value)
    }
    cycles += Double(s.extraMinII) * minII
    return InstructionCost(busyNs: cycles / k.clockGHz(engine), latencyNs: 0, dmaEngines: 0)
  }
}
