extension Kernel {
  /// The kernel with result copies folded: an instruction that writes a fresh tile which is then
  /// only copied into its final place (`t[...] = nl.exp(x)`) writes that place directly.
  ///
  /// The fold applies when the tile is a local on-chip tensor that exactly two instructions touch
  /// (the producer, writing it, masked or not, and the `tensor_copy` right after, reading all of
  /// it, unmasked or under the producer's own mask), the destination has the same shape, the
  /// producer does not read the destination (or, for an elementwise producer, reads exactly the
  /// elements it writes: `acc[...] = nl.add(acc[...], x)` becomes one in-place add), and
  /// rounding is unchanged (the tile's dtype equals the destination's, or is fp32, which every
  /// engine computes in anyway). Matmuls and Tensor-engine transposes fold only into PSUM, loads
  /// only into SBUF. Both front ends run it, so that they lower the same code to the same IR; a
  /// folded matmul overwrites, as the copy did.
  public func foldingResultCopies() -> Kernel {
    var touches = Array(repeating: 0, count: tensors.count)
    for inst in instructions {
      var seen = Set<Int>()
      for v in inst.operation.destinations + inst.operation.sources.map(\.view)
      where seen.insert(v.tensor.index).inserted {
        touches[v.tensor.index] += 1
      }
    }
    for o in outputs { touches[o.index] += 100 }
    var k = self
    var remove = Set<Int>()
    for i in 1..<max(1, instructions.count) {
      // A masked copy folds when it keeps what its producer's mask keeps (`t[...] = nl.op(...,
      // mask=m)` copies only the elements `m` kept).
      guard case .tensorCopy(let copy) = instructions[i].operation,
        instructions[i].mask.isEmpty || instructions[i].mask == instructions[i - 1].mask
      else { continue }
      let dst = copy.dst
      let src = copy.src
      let t = src.tensor
      let decl = self[t]
      guard decl.role == .local, decl.space.isOnChip, touches[t.index] == 2, src.isWhole(of: decl.shape),
        !remove.contains(i - 1)
      else { continue }
      let producer = instructions[i - 1]
      // A masked producer folds too: it then writes only the kept elements of the destination,
      // which is what NKI does for `t[...] = nl.op(..., mask=m)` (a copy would spread the
      // temporary's never-written elements).
      guard producer.operation.destination == src, dst.shape == src.shape,
        decl.dtype == self[dst.tensor].dtype || decl.dtype == .float32
      else { continue }
      // An elementwise producer may read the destination it folds into when it reads exactly
      // the elements it writes (`acc[...] = nl.add(acc[...], x)`): each element is read before
      // it is written. Anything else that reads the destination keeps its copy.
      let readsDestination = producer.operation.sources.filter { $0.view.tensor == dst.tensor }
      if !readsDestination.isEmpty {
        guard readsDestination.allSatisfy({ $0.view == dst }) else { continue }
        switch producer.operation {
        case .tensorTensor, .tensorScalar, .tensorCopy, .reciprocal: break
        case .activation(let a) where a.reduce == nil: break
        default: continue
        }
      }
      let space = self[dst.tensor].space
      switch producer.operation {
      case .loopBegin, .loopEnd, .store, .dmaCopy: continue
      case .matmul: if space != .psum { continue }
      case .transpose: if producer.engine == .tensor && space != .psum { continue }
      case .load, .loadTranspose: if space != .sbuf { continue }
      // A DMA transpose does not convert: it folds only into an SBUF tile of its own dtype.
      case .dmaTranspose: if space != .sbuf || decl.dtype != self[dst.tensor].dtype { continue }
      case .activation(let a): if a.reduce?.dst.tensor == dst.tensor { continue }
      default: if !space.isOnChip { continue }
      }
      if producer.engine == .gpsimd && space == .psum { continue }
      var p = producer
      p.operation = producer.operation.retargetedDestination(dst)
      // `psum[...] = nc_matmul(...)` overwrites: the copy it replaces did.
      if case .matmul(var m) = p.operation {
        m.accumulation = .overwrite
        p.operation = .matmul(m)
      }
      k.instructions[i - 1] = p
      remove.insert(i)
    }
    guard !remove.isEmpty else { return self }
    // Drop the folded copies and renumber loop markers.
    var newIndex = Array(repeating: 0, count: instructions.count)
    var n = 0
    for i in instructions.indices {
      newIndex[i] = n
      if !remove.contains(i) { n += 1 }
    }
    var out: [Instruction] = []
    for (i, inst) in k.instructions.enumerated() where !remove.contains(i) {
      var x = inst
      x.operation = inst.operation.renumberingLoopLink(newIndex)
      out.append(x)
    }
    k.instructions = out
    k.rendezvous = rendezvous.map { $0 < newIndex.count ? newIndex[Swift.max($0, 0)] : n }
    // Declarations' enclosing loops move with the instructions.
    for j in k.tensors.indices {
      if let e = k.tensors[j].enclosingLoop { k.tensors[j].enclosingLoop = newIndex[e] }
    }
    return k
  }
}

extension Kernel {
  /// The same kernel with every floating-point tensor stored as fp32 (AWS's `NKI_PRECISE_FP=0`),
  /// so that a run can be compared with the real dtypes to tell precision loss from a bug.
  public func withFloat32Storage() -> Kernel {
    var k = self
    for i in k.tensors.indices where k.tensors[i].dtype.isFloatingPoint {
      k.tensors[i].dtype = .float32
    }
    return k
  }
}
