import TesselIR

/// Places SBUF tensors block by block, with liveness, for kernels whose SBUF tensors have block
/// dimensions.
///
/// NKI's block dimensions are logical (``BlockLifetimes``): each block of
/// `nl.ndarray((B, nl.par_dim(P), F), buffer=nl.sbuf)` is a `[P, F]` tile that needs memory only
/// from its first access to its last, so a block tensor may be larger than SBUF when few of its
/// blocks are live at once. Every unit (a block of an instance of a tensor; a tensor without
/// blocks is one) is placed first fit in bytes per partition, in the order of first access,
/// honouring the partition-start rule, and at no instant may the live units need more than SBUF
/// has. Kernels without SBUF block tensors, and kernels with too many instruction instances or
/// with loops whose trip count is known only at run time, keep the whole-tensor lifetimes of
/// ``Allocator`` (stricter).
struct SBUFPlanner {
  typealias Unit = BlockLifetimes.Unit
  typealias Life = BlockLifetimes.Life

  let kernel: Kernel
  let target: Target
  /// Instruction instances (and block visits) to follow before falling back to whole-tensor lifetimes.
  var eventBudget = 4_000_000

  /// The unit lifetimes to place, or nil when the whole-tensor plan applies.
  func lives() -> (units: BlockLifetimes, lives: [Unit: Life])? {
    let units = BlockLifetimes(kernel: kernel, space: .sbuf)
    let dynamicLoop = kernel.instructions.contains {
      if case .loopBegin(let l) = $0.operation { return l.dynamic != nil }
      return false
    }
    guard units.hasBlocks, !dynamicLoop else { return nil }
    return units.dynamic(budget: eventBudget).map { (units, $0) }
  }

  /// Places every unit; `intervals` are the tensors' static live intervals (instruction
  /// indices), kept in their placements.
  func sweep(
    _ lives: [Unit: Life], _ blocks: BlockLifetimes, intervals: [TensorID: ClosedRange<Int>]
  ) throws(KernelError) -> (placements: [TensorID: Placement], highWater: Int) {
    let allocator = Allocator(target: target)
    let limit = target.sbufBytesPerPartition
    var active: [(unit: Unit, life: Life, place: Placement)] = []
    var span: [Int: Placement] = [:]
    var highWater = 0
    for (unit, life) in BlockLifetimes.ordered(lives) {
      active.removeAll { $0.life.last < life.first }
      let t = kernel.tensors[unit.tensor]
      let bytes = t.blockBytes
      let others = active.map(\.place)
      var best: Placement?
      for start in allocator.partitionStarts(t.partitionCount) {
        if let off = allocator.firstFit(
          bytes: bytes, partitions: start..<(start + t.partitionCount), others: others, align: 1, limit: limit),
          off < (best?.byteOffset ?? Int.max)
        {
          best = Placement(
            space: .sbuf, partitionStart: start, partitions: t.partitionCount, byteOffset: off, bytes: bytes,
            live: intervals[TensorID(unit.tensor)] ?? 0...0)
        }
      }
      guard let place = best else {
        throw blocks.capacityError(
          unit, space: .sbuf, active: active.map { ($0.unit, $0.place.bytes) }, lives: lives, unitBytes: bytes,
          limit: limit)
      }
      active.append((unit, life, place))
      highWater = Swift.max(highWater, place.byteOffset + place.bytes)
      if var s = span[unit.tensor] {
        // The tensor's placement spans the bytes its units were given.
        let end = Swift.max(s.byteOffset + s.bytes, place.byteOffset + place.bytes)
        s.byteOffset = Swift.min(s.byteOffset, place.byteOffset)
        s.bytes = end - s.byteOffset
        span[unit.tensor] = s
      } else {
        span[unit.tensor] = place
      }
    }
    var placements: [TensorID: Placement] = [:]
    for (t, p) in span { placements[TensorID(t)] = p }
    return (placements, highWater)
  }
}
