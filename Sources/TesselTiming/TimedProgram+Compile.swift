import TesselIR
import TesselMachine
import TesselNumerics

/// A kernel prepared for the timing walk: one ``TimedInstruction`` per IR instruction, and the
/// scoreboard's layout (one slot per physical buffer of every tracked tensor).
struct TimedProgram: Sendable {
  /// The compute engine of each lane.
  static let lanes: [Engine] = [.tensor, .vector, .scalar, .gpsimd]
  /// The DMA queues: transfers into SBUF/PSUM, and transfers to HBM.
  static let queueNames = ["DMA queue (loads)", "DMA queue (stores)"]

  var instructions: [TimedInstruction]
  /// Every instruction's footprints, in order.
  var footprints: [PackedFootprint]
  /// The terms of every packed affine index, as slot and coefficient pairs.
  var terms: [Int]
  /// Scoreboard slots: the physical buffers of every tensor that is both read and written.
  var slotCount: Int
  /// How many physical buffers each tensor rotates through.
  var buffers: [Int]
  /// Mask conditions over several iteration dimensions, which the estimate counts in full.
  var approximateMasks: [SourceLocation]
  /// Instructions with operands placed by values read at run time, and loops whose trip count
  /// is read at run time: what the data-free walk can only assume.
  var runtimePlaced: [SourceLocation]
  var dynamicLoops: [SourceLocation]
  /// The tracks (engine lanes, DMA queues) some instruction uses.
  var usedTracks: [Int]
  /// DMA queue lanes: one per DMA instruction.
  var dmaLanes: Int
  /// How many instructions the compiler transformations hoist and fuse.
  var hoistedCount: Int
  var fusedCount: Int

  init(kernel: Kernel, constants: TimingConstants, allocation: AllocationPlan) {
    let n = kernel.tensors.count
    let compiler = CompilerTransformations(kernel: kernel)
    var read = Array(repeating: false, count: n)
    var written = Array(repeating: false, count: n)
    var psumLike = kernel.tensors.map { $0.space == .psum }
    for inst in kernel.instructions {
      for s in inst.operation.sources { read[s.view.tensor.index] = true }
      for d in inst.operation.destinations { written[d.tensor.index] = true }
      // A partition broadcast is a matmul into PSUM; its result stays there (and is read from
      // there) when it fits one PSUM bank, otherwise the compiler moves it to SBUF.
      if case .partitionBroadcast = inst.operation.cost, let d = inst.operation.destination,
        d.freeElementCount * 4 <= constants.target.psumBankBytes
      {
        psumLike[d.tensor.index] = true
      }
    }
    var buffers = TimedProgram.bufferCounts(
      kernel, constants: constants, allocation: allocation, read: read, written: written)
    for t in compiler.hoistedDestinations { buffers[t] = 1 }
    var firstSlot = Array(repeating: -1, count: n)
    var slots = 0
    for t in 0..<n where read[t] && written[t] {
      firstSlot[t] = slots
      slots += buffers[t]
    }
    self.slotCount = slots
    self.buffers = buffers
    var approximate: [SourceLocation] = []
    var runtimePlaced: [SourceLocation] = []
    var dynamicLoops: [SourceLocation] = []
    let model = CostModel(constants: constants)
    var lanes = 0
    var pool: [PackedFootprint] = []
    var terms: [Int] = []
    func pack(_ a: SlotAffine) -> PackedAffine {
      let start = terms.count / 2
      for t in a.terms { terms += [t.slot, t.coef] }
      return PackedAffine(constant: a.constant, start: Int32(start), count: Int32(a.terms.count))
    }
    self.instructions = kernel.instructions.enumerated().map { pc, inst in
      let op = inst.operation
      var footprints: [Footprint<SlotAffine>] = []
      // An indirect DMA's indexed side is placed by values read at run time, like a runtime offset.
      var indirect: View?
      if case .indirectDMA(let p) = op { indirect = p.indirectView }
      func add(_ v: View, write: Bool) {
        let t = v.tensor.index
        guard firstSlot[t] >= 0 else { return }
        footprints.append(
          TimedProgram.footprint(
            v, kernel: kernel, firstSlot: firstSlot[t], buffers: buffers[t], write: write,
            placedAtRunTime: v == indirect))
      }
      if indirect != nil || op.operands.contains(where: { !$0.view.runtimeOffsets.isEmpty }) {
        runtimePlaced.append(inst.location)
      }
      if case .loopBegin(let l) = op, l.dynamic != nil { dynamicLoops.append(inst.location) }
      for s in op.sources { add(s.view, write: false) }
      for d in op.destinations { add(d, write: true) }
      if let j = compiler.foldedReductions[pc] {
        for d in kernel.instructions[j].operation.destinations { add(d, write: true) }
      }
      let counts: [Int] = {
        if op.iteratesOverDestination { return op.destination?.shape ?? [] }
        return op.sources.first?.view.shape ?? []
      }()
      let partitions = counts.first ?? 1
      let free = counts.dropFirst().reduce(1, *)
      var rule = op.cost
      if compiler.foldedReductions[pc] != nil, case .stream(var folded) = rule {
        folded.extraMinII += 1
        rule = .stream(folded)
      }
      var mask: [MaskBound] = []
      for c in inst.mask {
        let dims = c.coefficients.indices.filter { c.coefficients[$0] != 0 }
        guard dims.count == 1, let d = dims.first else {
          if !dims.isEmpty { approximate.append(inst.location) }
          continue
        }
        for f in c.greaterEqualForms {
          mask.append(MaskBound(dimension: d, coefficient: f.coefficients[d], offset: SlotAffine(f.offset)))
        }
      }
      // All-integer arithmetic runs on GpSimd, whatever engine the operation defaults to.
      var engine = kernel.computesInIntegers(inst) ? .gpsimd : inst.engine
      var kind: TimedKind
      switch rule {
      case .control:
        if case .loopBegin(let l) = op {
          kind = .loopBegin(l)
        } else if case .loopEnd(let b) = op {
          kind = .loopEnd(begin: b)
        } else {
          kind = .compute(lane: 0)
        }
      case .dma, .dmaTranspose:
        let toChip = op.destination.map { kernel[$0.tensor].space.isOnChip } ?? true
        kind = .dma(queue: toChip ? 0 : 1)
        engine = .dma
      case .partitionBroadcast:
        kind = .compute(lane: 0)
        engine = .tensor
      default:
        kind = .compute(lane: TimedProgram.lanes.firstIndex(of: engine) ?? 1)
      }
      if compiler.fused.contains(pc) { kind = .skip }
      let firstOnly: [(slot: Int, start: Int)] = (compiler.hoisted[pc] ?? []).compactMap { b in
        guard case .loopBegin(let l) = kernel.instructions[b].operation else { return nil }
        return (l.variable.index, l.start)
      }
      var lane = -1
      if case .dma = kind {
        lane = lanes
        lanes += 1
      }
      let inputs = TimedProgram.costInputs(op, kernel: kernel, psumLike: psumLike, free: free)
      let first = pool.count
      for f in footprints {
        pool.append(f.mapAffine(pack))
      }
      let cost = model.cost(
        rule, engine: engine, inputs: inputs, partitions: partitions, free: free, fullPartitions: partitions,
        fullFree: free)
      // A copy whose engine the kernel left open (`nl.copy`, a PSUM eviction by assignment) goes
      // to whichever of Vector and Scalar frees first, as the compiler balances them.
      var alternative = (lane: -1, busyNs: 0.0)
      if case .tensorCopy = op, !inst.engineIsChosen, engine == .vector, case .compute = kind {
        let c = model.cost(
          rule, engine: .scalar, inputs: inputs, partitions: partitions, free: free, fullPartitions: partitions,
          fullFree: free)
        alternative = (TimedProgram.lanes.firstIndex(of: .scalar) ?? 2, c.busyNs)
      }
      return TimedInstruction(
        kind: kind, engine: engine, rule: rule, counts: counts, partitions: partitions, free: free, busyNs: cost.busyNs,
        latencyNs: cost.latencyNs, laneNs: cost.laneNs, dmaEngines: cost.dmaEngines, dmaLane: lane,
        footprintStart: first, footprintCount: footprints.count, mask: mask, hasMask: !inst.mask.isEmpty,
        costInputs: inputs, firstIterationOnly: firstOnly, isHoisted: !firstOnly.isEmpty,
        alternativeLane: alternative.lane, alternativeBusyNs: alternative.busyNs, program: inst.program)
    }
    self.dmaLanes = lanes
    self.footprints = pool
    self.terms = terms
    self.approximateMasks = approximate
    self.runtimePlaced = runtimePlaced
    self.dynamicLoops = dynamicLoops
    self.hoistedCount = compiler.hoisted.count
    self.fusedCount = compiler.fused.count
    var used = Set<Int>()
    for inst in instructions {
      switch inst.kind {
      case .compute(let lane): used.insert(lane)
      case .dma(let q): used.insert(TimedProgram.lanes.count + q)
      default: break
      }
    }
    self.usedTracks = used.sorted()
  }

  /// Physical buffers per tensor: tiles declared in a loop body rotate through as many copies as
  /// fit in the SBUF/PSUM the allocator left free (at most ``TimingConstants/maxBufferRotation``),
  /// first the tiles that DMA or the Tensor engine fill (the copies let loads and matmuls run
  /// ahead), then the others; everything else has one.
  static func bufferCounts(
    _ kernel: Kernel, constants: TimingConstants, allocation: AllocationPlan, read: [Bool], written: [Bool]
  ) -> [Int] {
    let target = constants.target
    let cap = Swift.max(1, Int(constants.maxBufferRotation.value))
    var filledByProducer = Array(repeating: false, count: kernel.tensors.count)
    for inst in kernel.instructions where inst.engine == .dma || inst.engine == .tensor {
      for d in inst.operation.destinations { filledByProducer[d.tensor.index] = true }
    }
    func bytes(_ t: TensorDecl) -> Int {
      t.space == .psum ? t.psumBanks(bankBytes: target.psumBankBytes) * target.psumBankBytes : t.bytesPerPartition
    }
    // Per memory: bytes of the rotating tiles of each class, then copies per class.
    var copies: [MemorySpace: (first: Int, rest: Int)] = [:]
    for space in [MemorySpace.sbuf, .psum] {
      var first = 0
      var rest = 0
      for (i, t) in kernel.tensors.enumerated()
      where t.space == space && t.enclosingLoop != nil && read[i] && written[i] {
        if filledByProducer[i] { first += bytes(t) } else { rest += bytes(t) }
      }
      var free =
        space == .sbuf
        ? target.sbufBytesPerPartition - allocation.sbufHighWater
        : target.psumBytesPerPartition - allocation.psumHighWater
      free = Swift.max(0, free)
      let a = first > 0 ? Swift.min(cap, 1 + free / first) : 1
      free -= (a - 1) * first
      let b = rest > 0 ? Swift.min(cap, 1 + free / rest) : 1
      copies[space] = (a, b)
    }
    return kernel.tensors.enumerated().map { i, t in
      guard t.enclosingLoop != nil, let c = copies[t.space] else { return 1 }
      return filledByProducer[i] ? c.first : c.rest
    }
  }

  /// The footprint of a view: the range of the tensor's first dimension and of its flattened rest.
  ///
  /// A view placed by values read at run time (``View/runtimeOffsets``, the indexed side of an
  /// indirect DMA) may touch any element: its footprint is the whole tensor.
  static func footprint(
    _ v: View, kernel: Kernel, firstSlot: Int, buffers: Int, write: Bool, placedAtRunTime: Bool = false
  ) -> Footprint<SlotAffine> {
    let t = kernel[v.tensor]
    let rank = t.shape.count
    if placedAtRunTime || !v.runtimeOffsets.isEmpty {
      let rotating = buffers > 1 ? (t.enclosingLoop ?? -1) : -1
      let zero = SlotAffine(constant: 0, terms: [])
      return Footprint(
        firstSlot: firstSlot, buffers: buffers, rotatingLoop: rotating, isWrite: write, outer: zero, inner: zero,
        extent: ElementBox(
          outerLow: 0, outerHigh: Swift.max(0, (t.shape.first ?? 1) - 1), innerLow: 0,
          innerHigh: Swift.max(0, t.shape.dropFirst().reduce(1, *) - 1)))
    }
    var innerStrides = Array(repeating: 0, count: rank)
    var acc = 1
    for d in stride(from: rank - 1, through: 1, by: -1) {
      innerStrides[d] = acc
      acc *= t.shape[d]
    }
    var outer = SlotAffine(constant: 0, terms: [])
    var inner = SlotAffine(constant: 0, terms: [])
    for (k, e) in v.start.enumerated() where k < rank {
      if k == 0 {
        outer = SlotAffine(e)
      } else {
        let a = SlotAffine(e, scale: innerStrides[k])
        inner.constant += a.constant
        inner.terms += a.terms
      }
    }
    var extent = ElementBox(outerLow: 0, outerHigh: 0, innerLow: 0, innerHigh: 0)
    for d in v.dims where d.count > 1 {
      let span = d.count - 1
      let o = (d.steps.first ?? 0) * span
      extent.outerLow += Swift.min(0, o)
      extent.outerHigh += Swift.max(0, o)
      var flat = 0
      for k in 1..<Swift.max(1, Swift.min(rank, d.steps.count)) { flat += d.steps[k] * innerStrides[k] }
      extent.innerLow += Swift.min(0, flat * span)
      extent.innerHigh += Swift.max(0, flat * span)
    }
    let rotating = buffers > 1 ? (t.enclosingLoop ?? -1) : -1
    return Footprint(
      firstSlot: firstSlot, buffers: buffers, rotatingLoop: rotating, isWrite: write, outer: outer,
      inner: inner, extent: extent)
  }
}
