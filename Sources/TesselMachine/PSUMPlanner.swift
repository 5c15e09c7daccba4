import TesselIR

/// Places PSUM tensors bank by bank, block by block, with liveness.
///
/// Every block of a PSUM tensor is its own allocation of whole 2 KiB banks (consecutive ones when
/// a block spans banks, ``TensorDecl/spansPSUMBanks``): a tile `[P, F0, F1]` is one block of all
/// its free elements; a legacy block tensor
/// `nl.ndarray((B0, B1, nl.par_dim(P), F), buffer=nl.psum)` (stored `[P, B0, B1, F]`,
/// ``TensorDecl/blockDimensions``) has `B0 · B1` blocks, which the compiler places independently
/// and may reuse.
/// A tensor declared inside a loop is a fresh allocation in each iteration. A block is live from
/// its first access to its last in the order of ``FusedSchedule`` (program order, adjacent
/// compatible `affine_range` loops fused), and at no instant may the live blocks need more banks
/// than PSUM has. When the kernel has too many instruction instances to follow one by one, every
/// block of a tensor is taken as live over the tensor's whole live interval instead (stricter).
struct PSUMPlanner {
  typealias Unit = BlockLifetimes.Unit
  typealias Life = BlockLifetimes.Life

  /// The result: where every tensor's blocks went and the high-water mark.
  struct Result {
    var placements: [TensorID: Placement]
    var highWater: Int
  }

  let kernel: Kernel
  let target: Target
  /// Instruction instances (and block visits) to follow before falling back to whole-tensor lifetimes.
  var eventBudget = 4_000_000

  /// Plans every PSUM tensor that has a live interval in `intervals` (the tensors' static live
  /// intervals, in instruction indices).
  func plan(intervals: [TensorID: ClosedRange<Int>]) throws(KernelError) -> Result {
    guard kernel.tensors.contains(where: { $0.space == .psum }) else { return Result(placements: [:], highWater: 0) }
    let units = BlockLifetimes(kernel: kernel, space: .psum)
    let lives = (units.dynamic(budget: eventBudget) ?? units.whole(intervals)).filter {
      intervals[TensorID($0.key.tensor)] != nil
    }
    return try sweep(lives, units, intervals: intervals)
  }

  /// Banks one block needs.
  func banksPerBlock(_ t: TensorDecl) -> Int {
    Swift.max(1, (t.blockBytes + target.psumBankBytes - 1) / target.psumBankBytes)
  }

  // MARK: - Placement

  /// Assigns banks in time order (lowest free banks first) and fails when a block finds none.
  func sweep(
    _ lives: [Unit: Life], _ blocks: BlockLifetimes, intervals: [TensorID: ClosedRange<Int>]
  ) throws(KernelError) -> Result {
    let units = BlockLifetimes.ordered(lives)
    var free = Array(repeating: true, count: target.psumBanks)
    var active: [(unit: Unit, life: Life, bank: Int, banks: Int)] = []
    var span: [Int: (low: Int, high: Int)] = [:]
    var highWater = 0
    for (unit, life) in units {
      // Release what died before this block's first access.
      for a in active where a.life.last < life.first {
        for b in a.bank..<(a.bank + a.banks) { free[b] = true }
      }
      active.removeAll { $0.life.last < life.first }
      let t = kernel.tensors[unit.tensor]
      let n = banksPerBlock(t)
      guard let bank = firstFree(free, count: n) else {
        throw blocks.capacityError(
          unit, space: .psum, active: active.map { ($0.unit, $0.banks * target.psumBankBytes) }, lives: lives,
          unitBytes: n * target.psumBankBytes, limit: target.psumBytesPerPartition)
      }
      for b in bank..<(bank + n) { free[b] = false }
      active.append((unit, life, bank, n))
      highWater = Swift.max(highWater, (bank + n) * target.psumBankBytes)
      let s = span[unit.tensor] ?? (bank, bank + n)
      span[unit.tensor] = (Swift.min(s.low, bank), Swift.max(s.high, bank + n))
    }
    var placements: [TensorID: Placement] = [:]
    for (t, s) in span {
      let id = TensorID(t)
      let live = intervals[id] ?? 0...0
      placements[id] = Placement(
        space: .psum, partitionStart: 0, partitions: kernel.tensors[t].partitionCount,
        byteOffset: s.low * target.psumBankBytes, bytes: (s.high - s.low) * target.psumBankBytes, live: live)
    }
    return Result(placements: placements, highWater: highWater)
  }

  private func firstFree(_ free: [Bool], count: Int) -> Int? {
    guard count <= free.count else { return nil }
    for start in 0...(free.count - count) where free[start..<(start + count)].allSatisfy({ $0 }) {
      return start
    }
    return nil
  }
}
