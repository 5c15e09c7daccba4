import TesselIR

/// How a run checks the HBM writes of a kernel whose programs were traced one by one into it
/// (each instruction stamped with its ``Instruction/program``, as for a launch on two cores).
///
/// The programs run at once on the hardware and are ordered only where they meet
/// (``Kernel/rendezvous``). Two programs writing one element between the same two rendezvous
/// leave whichever value came last, so they must write equal values. The interpreter runs the
/// programs' instructions in one order; the plan cuts that run into chunks so that a
/// ``WriteWatch`` can tell, after each top-level statement that writes a watched tensor, which
/// elements it changed.
struct ProgramWritePlan: Sendable {
  /// A write of a chunk to a watched tensor.
  struct Write: Sendable {
    /// The index into ``ProgramWritePlan/tensors``.
    var watched: Int
    /// The first instruction of the chunk that writes the tensor (named by the error).
    var instruction: Int
    /// Whether some instruction of the chunk accumulates into the tensor (DMA accumulation),
    /// whose order between programs does not matter.
    var accumulates: Bool
  }

  /// A run of top-level instructions (whole loops), run at once and checked after.
  struct Chunk: Sendable {
    /// The instructions.
    var range: Range<Int>
    /// The program of its instructions (meaningful when ``writes`` is not empty).
    var program: Int
    /// How many rendezvous come before it.
    var epoch: Int
    /// Its writes to watched tensors: empty for a chunk that writes none.
    var writes: [Write]
  }

  /// The storage tensors (indices into ``Kernel/tensors``) that instructions of at least two
  /// programs write: HBM tensors, views resolved to the tensor that owns the storage.
  var tensors: [Int]
  /// The whole program in order: every top-level statement that writes a watched tensor is a
  /// chunk of its own; the statements between them are merged.
  var chunks: [Chunk]

  /// The plan for `kernel`, or nil when no HBM tensor is written by two programs (a kernel of
  /// one program among them).
  init?(_ kernel: Kernel) {
    let instructions = kernel.instructions
    guard instructions.contains(where: { $0.program != 0 }) else { return nil }
    // Per instruction: the HBM storage tensors it writes, and whether it accumulates into them.
    var written = [[(tensor: Int, accumulates: Bool)]](repeating: [], count: instructions.count)
    var writers: [Int: Set<Int>] = [:]
    for (pc, inst) in instructions.enumerated() {
      for use in inst.operation.operands where use.role.isWritten {
        let t = kernel.storage(of: use.view.tensor).index
        guard kernel.tensors.indices.contains(t), !kernel.tensors[t].space.isOnChip else { continue }
        written[pc].append((t, use.role == .accumulator))
        writers[t, default: []].insert(inst.program)
      }
    }
    let watched = writers.filter { $0.value.count > 1 }.keys.sorted()
    guard !watched.isEmpty else { return nil }
    let slot = Dictionary(uniqueKeysWithValues: watched.enumerated().map { ($1, $0) })
    tensors = watched
    chunks = []
    var pc = 0
    var epoch = 0
    while pc < instructions.count {
      var end = pc + 1
      if case .loopBegin(let l) = instructions[pc].operation, l.end >= pc {
        end = Swift.min(l.end + 1, instructions.count)
      }
      while epoch < kernel.rendezvous.count && kernel.rendezvous[epoch] <= pc { epoch += 1 }
      var writes: [Write] = []
      for i in pc..<end {
        for w in written[i] {
          guard let s = slot[w.tensor] else { continue }
          if let j = writes.firstIndex(where: { $0.watched == s }) {
            writes[j].accumulates = writes[j].accumulates || w.accumulates
          } else {
            writes.append(Write(watched: s, instruction: i, accumulates: w.accumulates))
          }
        }
      }
      let chunk = Chunk(range: pc..<end, program: instructions[pc].program, epoch: epoch, writes: writes)
      if writes.isEmpty, let last = chunks.last, last.writes.isEmpty {
        chunks[chunks.count - 1].range = last.range.lowerBound..<end
      } else {
        chunks.append(chunk)
      }
      pc = end
    }
  }
}
