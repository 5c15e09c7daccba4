import TesselIR

/// Where an on-chip tensor is placed: a partition range and a byte range in every partition.
public struct Placement: Sendable, Hashable, Codable {
  /// SBUF or PSUM.
  public var space: MemorySpace
  /// The first partition.
  public var partitionStart: Int
  /// How many partitions.
  public var partitions: Int
  /// The byte offset inside each partition (a multiple of 2 KiB in PSUM).
  public var byteOffset: Int
  /// Bytes used in each partition (PSUM: the span of whole banks its blocks were given).
  public var bytes: Int
  /// The instruction range over which the tensor is live (inclusive).
  public var live: ClosedRange<Int>
}

/// The result of allocating every on-chip tensor of a kernel.
public struct AllocationPlan: Sendable, Hashable {
  /// The placement of each on-chip tensor that the kernel uses.
  public var placements: [TensorID: Placement]
  /// The largest number of SBUF bytes per partition in use at once.
  public var sbufHighWater: Int
  /// The largest number of PSUM bytes per partition in use at once.
  public var psumHighWater: Int
}

/// Places every on-chip tensor in SBUF or PSUM for a target, or fails with what is live.
///
/// A tensor is live from its first to its last access in program order; a tensor declared
/// outside a loop and used inside it is live for the whole loop (its value may be carried from one
/// iteration to the next). SBUF placement is first fit over live intervals, sorted by start, in
/// bytes per partition honouring NKI's partition-start rule (tiles of more than 64 partitions
/// start at 0, 33–64 at 0 or 64, up to 32 at 0/32/64/96). The blocks of a legacy block tensor
/// (`nl.ndarray((B, nl.par_dim(P), F))`) are tiles of their own, each live from its first access
/// to its last: SBUF block by block when the kernel has SBUF block tensors (``SBUFPlanner``),
/// PSUM always, in whole 2 KiB banks (``PSUMPlanner``). AWS's own simulator does not check
/// capacity at all; hardware compilers reject what does not fit.
public struct Allocator: Sendable {
  /// The target whose capacities apply.
  public var target: Target

  /// Creates an allocator.
  public init(target: Target) {
    self.target = target
  }

  /// Allocates `kernel`'s on-chip tensors: SBUF by first fit over live intervals (block by block
  /// when it has block tensors, ``SBUFPlanner``), PSUM block by block with liveness
  /// (``PSUMPlanner``).
  ///
  /// The programs of a kernel traced one program at a time into it (``Instruction/program``: a
  /// launch on two cores, or SPMD programs specialised one by one) each run on a NeuronCore of
  /// their own, so each has the whole SBUF and PSUM: a tensor belongs to the program of the
  /// first instruction that accesses it, and each program's tensors are placed apart from the
  /// others'. The high-water marks are the largest of any program.
  public func plan(_ kernel: Kernel) throws(KernelError) -> AllocationPlan {
    let intervals = liveIntervals(kernel)
    let programs = Set(kernel.instructions.lazy.map(\.program))
    guard programs.count > 1 else { return try plan(kernel, intervals: intervals) }
    var byProgram: [Int: [TensorID: ClosedRange<Int>]] = [:]
    for (id, live) in intervals { byProgram[kernel.instructions[live.lowerBound].program, default: [:]][id] = live }
    var result = AllocationPlan(placements: [:], sbufHighWater: 0, psumHighWater: 0)
    for p in programs.sorted() {
      let part = try plan(kernel, intervals: byProgram[p] ?? [:])
      result.placements.merge(part.placements) { a, _ in a }
      result.sbufHighWater = Swift.max(result.sbufHighWater, part.sbufHighWater)
      result.psumHighWater = Swift.max(result.psumHighWater, part.psumHighWater)
    }
    return result
  }

  /// Allocates the on-chip tensors that have a live interval in `intervals`.
  func plan(_ kernel: Kernel, intervals: [TensorID: ClosedRange<Int>]) throws(KernelError) -> AllocationPlan {
    let blocked = SBUFPlanner(kernel: kernel, target: target)
    let sbuf =
      if let found = blocked.lives() {
        try blocked.sweep(
          found.lives.filter { intervals[TensorID($0.key.tensor)] != nil }, found.units, intervals: intervals)
      } else {
        try planSBUF(kernel, intervals)
      }
    var placements = sbuf.placements
    let sbufHigh = sbuf.highWater
    let psum = try PSUMPlanner(kernel: kernel, target: target).plan(intervals: intervals)
    placements.merge(psum.placements) { a, _ in a }
    return AllocationPlan(placements: placements, sbufHighWater: sbufHigh, psumHighWater: psum.highWater)
  }

  /// SBUF by first fit over whole-tensor live intervals.
  private func planSBUF(
    _ kernel: Kernel, _ intervals: [TensorID: ClosedRange<Int>]
  ) throws(KernelError) -> (placements: [TensorID: Placement], highWater: Int) {
    var placements: [TensorID: Placement] = [:]
    var sbufHigh = 0
    let order = intervals.keys.filter { kernel[$0].space == .sbuf }.sorted { (a, b) in
      let la = intervals[a]?.lowerBound ?? 0
      let lb = intervals[b]?.lowerBound ?? 0
      return la != lb ? la < lb : a < b
    }
    var active: [TensorID] = []
    for id in order {
      guard let live = intervals[id] else { continue }
      let t = kernel[id]
      active.removeAll { placements[$0].map { $0.live.upperBound < live.lowerBound } ?? true }
      let others = active.compactMap { placements[$0] }
      let bytes = t.bytesPerPartition
      var best: Placement?
      for start in partitionStarts(t.partitionCount) {
        if let off = firstFit(
          bytes: bytes, partitions: start..<(start + t.partitionCount), others: others, align: 1,
          limit: target.sbufBytesPerPartition), off < (best?.byteOffset ?? Int.max)
        {
          best = Placement(
            space: .sbuf, partitionStart: start, partitions: t.partitionCount, byteOffset: off, bytes: bytes,
            live: live)
        }
      }
      guard let p = best else {
        throw capacityError(t, id, kernel, active, placements, bytes, limit: target.sbufBytesPerPartition)
      }
      placements[id] = p
      active.append(id)
      let inUse = active.compactMap { placements[$0] }.map { $0.byteOffset + $0.bytes }.max() ?? 0
      sbufHigh = Swift.max(sbufHigh, inUse)
    }
    return (placements, sbufHigh)
  }

  /// The live interval of every on-chip tensor the kernel accesses, in instruction indices.
  public func liveIntervals(_ kernel: Kernel) -> [TensorID: ClosedRange<Int>] {
    var first: [TensorID: Int] = [:]
    var last: [TensorID: Int] = [:]
    var loops: [(begin: Int, end: Int)] = []
    for (pc, inst) in kernel.instructions.enumerated() {
      var views = inst.operation.sources.map(\.view) + inst.operation.destinations
      if case .loopBegin(let l) = inst.operation {
        loops.append((pc, l.end))
        // A dynamic loop reads its bound when it starts, and a `while` before every iteration.
        if let bound = l.dynamic {
          views.append(bound.view)
          if case .condition = bound, kernel[bound.view.tensor].space.isOnChip {
            // Read again at the loop's end: live through the whole loop.
            let id = kernel.storage(of: bound.view.tensor)
            if first[id] == nil { first[id] = pc }
            last[id] = Swift.max(last[id] ?? pc, l.end)
          }
        }
      }
      if views.isEmpty { continue }
      views.removeAll { !kernel[$0.tensor].space.isOnChip }
      // An alias's or a bitcast copy's accesses keep its base's memory live.
      for id in views.map({ kernel.memoryOwner(of: $0.tensor) }) {
        if first[id] == nil { first[id] = pc }
        last[id] = Swift.max(last[id] ?? pc, pc)
      }
    }
    var result: [TensorID: ClosedRange<Int>] = [:]
    for (id, f) in first {
      var lo = f
      var hi = last[id] ?? f
      let declLoop = kernel[id].enclosingLoop
      // Extend over every loop that contains a use but not the declaration.
      var changed = true
      while changed {
        changed = false
        for l in loops where l.begin <= hi && l.end >= lo {
          let containsDecl: Bool = {
            guard let d = declLoop else { return false }
            // The declaration is inside loop l if its enclosing loop is l or nested in l.
            return d >= l.begin && d <= l.end
          }()
          if !containsDecl && (lo > l.begin || hi < l.end) {
            lo = Swift.min(lo, l.begin)
            hi = Swift.max(hi, l.end)
            changed = true
          }
        }
      }
      result[id] = lo...hi
    }
    return result
  }

  func partitionStarts(_ p: Int) -> [Int] {
    if p > 64 { return [0] }
    if p > 32 { return [0, 64] }
    return [0, 32, 64, 96]
  }

  func firstFit(bytes: Int, partitions: Range<Int>, others: [Placement], align: Int, limit: Int) -> Int? {
    let blockers = others.filter {
      $0.partitionStart < partitions.upperBound && partitions.lowerBound < $0.partitionStart + $0.partitions
    }.map { $0.byteOffset..<($0.byteOffset + $0.bytes) }.sorted { $0.lowerBound < $1.lowerBound }
    var off = 0
    for b in blockers {
      if off + bytes <= b.lowerBound { break }
      if b.upperBound > off { off = (b.upperBound + align - 1) / align * align }
    }
    return off + bytes <= limit ? off : nil
  }

  func capacityError(
    _ t: TensorDecl, _ id: TensorID, _ kernel: Kernel, _ active: [TensorID],
    _ placements: [TensorID: Placement], _ bytes: Int, limit: Int
  ) -> KernelError {
    let live = active.compactMap { a -> KernelError.LiveTensor? in
      guard let p = placements[a], p.space == t.space else { return nil }
      return KernelError.LiveTensor(
        name: kernel[a].name, bytesPerPartition: p.bytes, partitions: p.partitions,
        location: kernel[a].location)
    }
    return KernelError(
      .capacityExceeded(
        space: t.space, tensor: t.name, requestedBytesPerPartition: bytes,
        partitions: t.partitionCount, live: live, limitBytesPerPartition: limit),
      at: t.location)
  }
}
