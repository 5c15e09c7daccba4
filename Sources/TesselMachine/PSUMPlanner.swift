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
  /// One allocation: a block of one instance of a tensor.
  struct Unit: Hashable {
    var tensor: Int
    var instance: Int
    var block: Int
  }

  /// A unit's lifetime, in schedule steps, and its block coordinates for messages.
  struct Life {
    var first: Int
    var last: Int
    var coordinates: [Int]
  }

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
    let psum = kernel.tensors.indices.map { kernel.tensors[$0].space == .psum && intervals[TensorID($0)] != nil }
    guard psum.contains(true) else { return Result(placements: [:], highWater: 0) }
    let lives = dynamicLives(psum) ?? staticLives(intervals)
    return try sweep(lives, intervals: intervals)
  }

  /// The shape of a PSUM tensor's block grid (``TensorDecl/psumBlockShape``).
  static func blockShape(_ t: TensorDecl) -> [Int] { t.psumBlockShape }

  /// Banks one block needs.
  func banksPerBlock(_ t: TensorDecl) -> Int {
    Swift.max(1, (t.psumBlockBytes + target.psumBankBytes - 1) / target.psumBankBytes)
  }

  // MARK: - Lifetimes

  /// Follows every instruction instance that touches PSUM; nil when that exceeds the budget.
  func dynamicLives(_ psum: [Bool]) -> [Unit: Life]? {
    var schedule = FusedSchedule(kernel)
    let instances = instanceShapes()
    var lives: [Unit: Life] = [:]
    var time = 0
    var budget = eventBudget
    let touchesPSUM: (Int) -> Bool = { pc in
      let op = kernel.instructions[pc].operation
      return op.sources.contains { psum[$0.view.tensor.index] } || op.destinations.contains { psum[$0.tensor.index] }
    }
    let finished = schedule.forEachInstance(where: touchesPSUM) { pc, env in
      time += 1
      budget -= 1
      let op = kernel.instructions[pc].operation
      for v in op.sources.map(\.view) + op.destinations where psum[v.tensor.index] {
        let t = v.tensor.index
        let instance = instances[t].map { Self.linear($0, env) } ?? 0
        let ok = forEachBlock(of: v, shape: Self.blockShape(kernel.tensors[t]), env) { coords, linear in
          budget -= 1
          let u = Unit(tensor: t, instance: instance, block: linear)
          if lives[u] == nil {
            lives[u] = Life(first: time, last: time, coordinates: coords)
          } else {
            lives[u]?.last = time
          }
          return budget >= 0
        }
        if !ok { return false }
      }
      return budget >= 0
    }
    return finished ? lives : nil
  }

  /// Every block of every PSUM tensor live over the tensor's whole static interval.
  func staticLives(_ intervals: [TensorID: ClosedRange<Int>]) -> [Unit: Life] {
    var lives: [Unit: Life] = [:]
    for (id, live) in intervals where kernel[id].space == .psum {
      let shape = Self.blockShape(kernel[id])
      let count = shape.reduce(1, *)
      for b in 0..<count {
        var coords: [Int] = []
        var rest = b
        for n in shape.reversed() {
          coords.insert(rest % n, at: 0)
          rest /= n
        }
        lives[Unit(tensor: id.index, instance: 0, block: b)] = Life(
          first: live.lowerBound, last: live.upperBound, coordinates: coords)
      }
    }
    return lives
  }

  /// For each tensor declared inside loops, those loops (outermost first), to number its instances.
  func instanceShapes() -> [[Loop]?] {
    var enclosing: [Int: [Loop]] = [:]
    var open: [Loop] = []
    for (pc, inst) in kernel.instructions.enumerated() {
      switch inst.operation {
      case .loopBegin(let l):
        open.append(l)
        enclosing[pc] = open
      case .loopEnd:
        _ = open.popLast()
      default: break
      }
    }
    return kernel.tensors.map { t in t.enclosingLoop.flatMap { enclosing[$0] } }
  }

  /// The row-major ordinal of the current iteration of `loops`.
  static func linear(_ loops: [Loop], _ env: [Int]) -> Int {
    var r = 0
    for l in loops {
      let v = l.variable.index < env.count ? env[l.variable.index] : 0
      let ordinal = l.step != 0 ? (v - l.start) / l.step : 0
      r = r &* Swift.max(1, l.tripCount) &+ ordinal
    }
    return r
  }

  /// Calls `body` with the coordinates and row-major index of every block `v` touches.
  func forEachBlock(of v: View, shape: [Int], _ env: [Int], _ body: ([Int], Int) -> Bool) -> Bool {
    let axes = Array(1..<(1 + shape.count))
    let base = axes.map { k in k < v.start.count ? v.start[k].evaluate { $0.index < env.count ? env[$0.index] : 0 } : 0
    }
    let moving = v.dims.filter { d in axes.contains { $0 < d.steps.count && d.steps[$0] != 0 } && d.count > 1 }
    let counts = moving.map(\.count)
    var counter = Array(repeating: 0, count: moving.count)
    while true {
      var coords = base
      for (d, i) in zip(moving, counter) {
        for (n, k) in axes.enumerated() where k < d.steps.count { coords[n] += d.steps[k] * i }
      }
      var linear = 0
      for (c, n) in zip(coords, shape) { linear = linear * n + Swift.min(Swift.max(c, 0), n - 1) }
      if !body(coords, linear) { return false }
      if !RowMajorIndex.advance(&counter, in: counts) { return true }
    }
  }

  // MARK: - Placement

  /// Assigns banks in time order (lowest free banks first) and fails when a block finds none.
  func sweep(_ lives: [Unit: Life], intervals: [TensorID: ClosedRange<Int>]) throws(KernelError) -> Result {
    let units = lives.sorted { a, b in
      a.value.first != b.value.first
        ? a.value.first < b.value.first
        : (a.key.tensor, a.key.instance, a.key.block) < (b.key.tensor, b.key.instance, b.key.block)
    }
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
        throw capacityError(unit, life, active: active.map { ($0.unit, $0.banks) }, lives: lives)
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

  /// The error for `unit`, which found no bank: its tensor's blocks live at once (at their peak)
  /// and every other tensor live at that point, with their block counts.
  func capacityError(_ unit: Unit, _ life: Life, active: [(Unit, Int)], lives: [Unit: Life]) -> KernelError {
    let t = kernel.tensors[unit.tensor]
    let bankBytes = target.psumBankBytes
    // The requesting tensor's peak number of blocks live at once, over the whole kernel.
    let own = lives.filter { $0.key.tensor == unit.tensor }.map(\.value)
    var events: [(Int, Int)] = own.flatMap { [($0.first, 1), ($0.last + 1, -1)] }
    events.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
    var level = 0
    var peak = 0
    for (_, d) in events {
      level += d
      peak = Swift.max(peak, level)
    }
    let requested = peak * banksPerBlock(t) * bankBytes
    var others: [Int: (banks: Int, blocks: Int)] = [:]
    for (u, banks) in active where u.tensor != unit.tensor {
      let o = others[u.tensor] ?? (0, 0)
      others[u.tensor] = (o.banks + banks, o.blocks + 1)
    }
    let live = others.sorted { $0.key < $1.key }.map { (tensor, use) in
      let d = kernel.tensors[tensor]
      return KernelError.LiveTensor(
        name: d.name, bytesPerPartition: use.banks * bankBytes, partitions: d.partitionCount,
        location: d.location, blocks: Self.blockShape(d).isEmpty ? nil : use.blocks)
    }
    let limit = target.psumBytesPerPartition
    let ownBlocks = Self.blockShape(t).isEmpty ? nil : peak
    return KernelError(
      .capacityExceeded(
        space: .psum, tensor: t.name, requestedBytesPerPartition: requested, partitions: t.partitionCount,
        live: live, limitBytesPerPartition: limit, blocks: ownBlocks),
      at: t.location)
  }
}
