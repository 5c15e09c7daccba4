import TesselIR

/// Which on-chip tiles must start never-written, and when.
///
/// In NKI a tile declared in a loop body is a new allocation in every iteration, and one declared
/// at the top of a kernel is new in every SPMD program instance: reading an element of it that
/// the iteration (or instance) has not written reads never-written memory, not what an earlier
/// iteration left there. The interpreter models that by making such tiles *fresh* when their
/// scope starts: they hold poison again, with their origins and write coverage reset.
///
/// Fresh costs nothing for most tiles. A tile whose first touch in every iteration writes all of
/// it without reading it (``Interpreter/definedBeforeUse(_:onChip:)``, a static check) can never
/// show a stale element, so it is never poisoned at all; nor is one that is never read. For the
/// others, making fresh only sets a flag: the poison is written when the tile is first touched,
/// and not even then when that touch writes it whole (a masked load whose mask keeps everything,
/// a matmul that opens an accumulation group over the whole tile).
extension Interpreter {
  /// Per tensor: whether it is an on-chip tile that may be read before its scope writes it
  /// whole, and so must start fresh: read by some instruction, and not defined before use.
  static func needsFresh(_ kernel: Kernel, onChip: [Bool], read: [Bool]) -> [Bool] {
    let defined = definedBeforeUse(kernel, onChip: onChip)
    return kernel.tensors.indices.map { onChip[$0] && read[$0] && !defined[$0] && kernel.tensors[$0].alias == nil }
  }

  /// The tiles made fresh by each loop's iterations (by loop begin index; empty for other
  /// instructions) and by each program instance (those declared outside every loop).
  static func freshScopes(_ kernel: Kernel, needsFresh: [Bool]) -> (loops: [[Int]], instance: [Int]) {
    var loops = Array(repeating: [Int](), count: kernel.instructions.count)
    var instance: [Int] = []
    for (t, tensor) in kernel.tensors.enumerated() where needsFresh[t] {
      if let l = tensor.enclosingLoop, l < loops.count { loops[l].append(t) } else { instance.append(t) }
    }
    return (loops, instance)
  }

  /// Per tensor: whether it is an on-chip tile defined before use in every iteration of its
  /// scope.
  ///
  /// Its first toucher, in program order, is an unmasked instruction that writes it
  /// without reading it, no other instruction touches it until the loops between its
  /// declaration and that writer have finished, and the writer's view, swept over those loops,
  /// covers the whole tensor (so `t = nl.load(...)` at the declaring depth qualifies, and so
  /// does a strip filled by `for k in range(K): strip[k, ...] = nl.load(...)`). An accumulating
  /// matmul never defines (it may add to what is there).
  static func definedBeforeUse(_ kernel: Kernel, onChip: [Bool]) -> [Bool] {
    let insts = kernel.instructions
    let openAt = openLoops(kernel)
    /// Until which instruction index each settled tensor's defining sweep runs.
    var definedAfter: [Int: Int] = [:]
    var failed = Array(repeating: false, count: kernel.tensors.count)
    for (i, inst) in insts.enumerated() {
      let op = inst.operation
      let read = Set(op.sources.map(\.view.tensor.index))
      var touched = read
      for d in op.destinations { touched.insert(d.tensor.index) }
      for t in touched where onChip[t] && !failed[t] {
        if let end = definedAfter[t] {
          // Touched again: only after the sweep that defines it has finished.
          if i <= end { failed[t] = true }
          continue
        }
        // The first touch must define all of `t`, over the loops between its declaration and here.
        let open = openAt[i]
        let sweep: [Int]?
        if let declared = kernel.tensors[t].enclosingLoop {
          sweep = open.firstIndex(of: declared).map { Array(open[($0 + 1)...]) }
        } else {
          sweep = open
        }
        guard let d = op.destination, d.tensor.index == t, !read.contains(t), inst.mask.isEmpty, let sweep,
          let end = coverage(d, sweptOver: sweep, kernel: kernel)
        else {
          failed[t] = true
          continue
        }
        if case .matmul(let m) = op, m.accumulation == .add {
          failed[t] = true
          continue
        }
        definedAfter[t] = end ?? i
      }
    }
    return kernel.tensors.indices.map { definedAfter[$0] != nil && !failed[$0] }
  }
}

extension ExecutionState {
  /// Makes tiles fresh: never-written from now on (the poison itself is written on first touch).
  @inline(__always)
  func makeFresh(_ tiles: [Int]) {
    for t in tiles {
      poison.pending[t] = true
      poison.mayHold[t] = true
      if let map = poison.coverage[t] {
        map.deallocate()
        poison.coverage[t] = nil
      }
      poison.coverageCount[t] = 0
    }
  }

  /// Settles the fresh tiles an instruction touches, before it runs: a tile it writes whole
  /// without reading it needs no poison; any other touch writes the poison first (and marks the
  /// elements never written in the origin shadow).
  func settleFresh(_ ci: CompiledInstruction) {
    for t in ci.facts.freshOperands where poison.pending[t] {
      poison.pending[t] = false
      if t == ci.facts.destination && writesWhole(ci) { continue }
      let region = region(of: t)
      region.initialize(repeating: Poison.value)
      originTracker?.markUnwritten(offset: tensorBase(t), count: region.count)
    }
  }

  /// Whether this execution of `ci` writes its whole destination tile without reading it first.
  func writesWhole(_ ci: CompiledInstruction) -> Bool {
    let d = ci.facts.destination
    guard !ci.facts.sourceTensors.contains(d), d != ci.facts.reduceDestination else { return false }
    guard ci.coversDestination || (ci.facts.coversIfUnmasked && ci.maskKeepsAll(UnsafePointer(env))) else {
      return false
    }
    // A matmul adds to what is there unless it opens an accumulation group.
    if case .matmul(let m) = ci.instruction.operation {
      return m.accumulation == .overwrite || (m.accumulation == .auto && groups.state[d] == .none)
    }
    return true
  }
}
