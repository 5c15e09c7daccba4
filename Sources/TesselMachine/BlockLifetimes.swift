import TesselIR

/// The lifetimes of the allocation units of one on-chip memory: every block of every instance of
/// a tensor placed there, in the order of ``FusedSchedule``.
///
/// NKI's block dimensions are logical: a legacy tensor
/// `nl.ndarray((B0, B1, nl.par_dim(P), F), buffer=nl.sbuf)` (stored `[P, B0, B1, F]`,
/// ``TensorDecl/blockDimensions``) is `B0 · B1` tiles that the compiler places independently and
/// keeps only while each is live, in SBUF as in PSUM. A tensor declared inside a loop is a fresh
/// allocation in each iteration (an *instance*). A unit is live from its first access to its
/// last. A tensor that an alias or a bitcast view reaches is one unit per instance (the view's
/// coordinates are not its owner's blocks).
struct BlockLifetimes {
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

  let kernel: Kernel
  /// For each tensor: its block shape when it owns memory in the planned space (empty: one
  /// block), nil when it does not (another space, or an alias whose owner is planned instead).
  let shapes: [[Int]?]
  /// For each tensor: the tensor whose memory it uses (``Kernel/memoryOwner(of:)``).
  private let owners: [Int]

  /// The units of the tensors in `space`.
  init(kernel: Kernel, space: MemorySpace) {
    self.kernel = kernel
    let owners = kernel.tensors.indices.map { kernel.memoryOwner(of: TensorID($0)).index }
    let viewed = Set(owners.enumerated().filter { $0.offset != $0.element }.map(\.element))
    self.owners = owners
    self.shapes = kernel.tensors.enumerated().map { i, t in
      guard t.space == space, owners[i] == i else { return nil }
      return viewed.contains(i) ? [] : t.blockShape
    }
  }

  /// Whether some tensor of the space has more than one block.
  var hasBlocks: Bool { shapes.contains { ($0?.reduce(1, *) ?? 1) > 1 } }

  /// The block shape of `tensor` (empty for a single tile).
  func blockShape(_ tensor: Int) -> [Int] { shapes[tensor] ?? [] }

  /// Follows every instruction instance that touches the space; nil when that needs more than
  /// `budget` instruction instances and block visits.
  func dynamic(budget: Int) -> [Unit: Life]? {
    var schedule = FusedSchedule(kernel)
    let instances = instanceShapes()
    var lives: [Unit: Life] = [:]
    var time = 0
    var budget = budget
    let planned: (View) -> Int? = { v in
      let t = owners[v.tensor.index]
      return shapes[t] == nil ? nil : t
    }
    let touches: (Int) -> Bool = { pc in
      let op = kernel.instructions[pc].operation
      return op.sources.contains { planned($0.view) != nil } || op.destinations.contains { planned($0) != nil }
    }
    let finished = schedule.forEachInstance(where: touches) { pc, env in
      time += 1
      budget -= 1
      let op = kernel.instructions[pc].operation
      for v in op.sources.map(\.view) + op.destinations {
        guard let t = planned(v) else { continue }
        let instance = instances[t].map { Self.linear($0, env) } ?? 0
        let shape = blockShape(t)
        let visit: ([Int], Int) -> Bool = { coords, linear in
          budget -= 1
          let u = Unit(tensor: t, instance: instance, block: linear)
          if lives[u] == nil {
            lives[u] = Life(first: time, last: time, coordinates: coords)
          } else {
            lives[u]?.last = time
          }
          return budget >= 0
        }
        // A view of another tensor's memory touches its owner as a whole.
        let ok =
          v.tensor.index == t
          ? Self.forEachBlock(of: v, shape: shape, env, visit) : visit([], 0)
        if !ok { return false }
      }
      return budget >= 0
    }
    return finished ? lives : nil
  }

  /// Every block of every tensor live over the tensor's whole static interval (instruction
  /// indices): what ``dynamic(budget:)`` falls back to, stricter.
  func whole(_ intervals: [TensorID: ClosedRange<Int>]) -> [Unit: Life] {
    var lives: [Unit: Life] = [:]
    for (id, live) in intervals {
      guard let shape = shapes[id.index] else { continue }
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

  /// The units in the order an allocator places them: by first access, then tensor, instance
  /// and block.
  static func ordered(_ lives: [Unit: Life]) -> [(key: Unit, value: Life)] {
    lives.sorted { a, b in
      a.value.first != b.value.first
        ? a.value.first < b.value.first
        : (a.key.tensor, a.key.instance, a.key.block) < (b.key.tensor, b.key.instance, b.key.block)
    }
  }

  /// For each tensor declared inside loops, those loops (outermost first), to number its instances.
  private func instanceShapes() -> [[Loop]?] {
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
  static func forEachBlock(of v: View, shape: [Int], _ env: [Int], _ body: ([Int], Int) -> Bool) -> Bool {
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

  /// The error for `unit`, which found no room: its tensor's blocks live at once (at their peak),
  /// each `unitBytes(tensor)` bytes per partition, and every other tensor live at that point
  /// (`active`, with the bytes each unit holds), with their block counts.
  func capacityError(
    _ unit: Unit, space: MemorySpace, active: [(Unit, Int)], lives: [Unit: Life], unitBytes: Int, limit: Int
  ) -> KernelError {
    let t = kernel.tensors[unit.tensor]
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
    var others: [Int: (bytes: Int, blocks: Int)] = [:]
    for (u, bytes) in active where u.tensor != unit.tensor {
      let o = others[u.tensor] ?? (0, 0)
      others[u.tensor] = (o.bytes + bytes, o.blocks + 1)
    }
    let live = others.sorted { $0.key < $1.key }.map { (tensor, use) in
      let d = kernel.tensors[tensor]
      return KernelError.LiveTensor(
        name: d.name, bytesPerPartition: use.bytes, partitions: d.partitionCount,
        location: d.location, blocks: blockShape(tensor).isEmpty ? nil : use.blocks)
    }
    let ownBlocks = blockShape(unit.tensor).isEmpty ? nil : peak
    return KernelError(
      .capacityExceeded(
        space: space, tensor: t.name, requestedBytesPerPartition: Swift.max(1, peak) * unitBytes,
        partitions: t.partitionCount, live: live, limitBytesPerPartition: limit, blocks: ownBlocks),
      at: t.location)
  }
}
