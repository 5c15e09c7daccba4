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
      for v in inst.operation.destinations + inst.operation.sources.map(\.view) where seen.insert(v.tensor.index).inserted {
        touches[v.tensor.index] += 1
      }
    }
    for o in outputs { touches[o.index] += 100 }
    var k = self
    var remove = Set<Int>()
    for i in 1..<max(1, instructions.count) {
      // A masked copy folds when it keeps what its producer's mask keeps (`t[...] = nl.op(...,
      // mask=m)` copies only the elements `m` kept).
      guard case .tensorCopy(let dst, let src) = instructions[i].operation,
        instructions[i].mask.isEmpty || instructions[i].mask == instructions[i - 1].mask
      else { continue }
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
        case .activation(_, _, _, _, _, nil, nil): break
        default: continue
        }
      }
      let space = self[dst.tensor].space
      switch producer.operation {
      case .loopBegin, .loopEnd, .store, .dmaCopy: continue
      case .matmul: if space != .psum { continue }
      case .transpose: if producer.engine == .tensor && space != .psum { continue }
      case .load, .loadTranspose: if space != .sbuf { continue }
      case .activation(_, _, _, _, _, _, let rd?): if rd.tensor == dst.tensor { continue }
      default: if !space.isOnChip { continue }
      }
      if producer.engine == .gpsimd && space == .psum { continue }
      var p = producer
      p.operation = producer.operation.retargetedDestination(dst)
      // `psum[...] = nc_matmul(...)` overwrites: the copy it replaces did.
      if case .matmul(let d, let s, let m, _) = p.operation { p.operation = .matmul(dst: d, stationary: s, moving: m, accumulation: .overwrite) }
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
      switch inst.operation {
      case .loopBegin(var l):
        l.end = newIndex[l.end]
        x.operation = .loopBegin(l)
      case .loopEnd(let b):
        x.operation = .loopEnd(begin: newIndex[b])
      default: break
      }
      out.append(x)
    }
    k.instructions = out
    // Declarations' enclosing loops move with the instructions.
    for j in k.tensors.indices {
      if let e = k.tensors[j].enclosingLoop { k.tensors[j].enclosingLoop = newIndex[e] }
    }
    return k
  }
}

extension Operation {
  /// The same operation with its destination replaced (matmul keeps its accumulation).
  public func retargetedDestination(_ dst: View) -> Operation {
    switch self {
    case .loopBegin, .loopEnd: return self
    case .load(_, let s): return .load(dst: dst, src: s)
    case .store(_, let s): return .store(dst: dst, src: s)
    case .dmaCopy(_, let s): return .dmaCopy(dst: dst, src: s)
    case .loadTranspose(_, let s): return .loadTranspose(dst: dst, src: s)
    case .matmul(_, let s, let m, let a): return .matmul(dst: dst, stationary: s, moving: m, accumulation: a)
    case .transpose(_, let s): return .transpose(dst: dst, src: s)
    case .tensorTensor(_, let a, let b, let op): return .tensorTensor(dst: dst, a: a, b: b, op: op)
    case .tensorScalar(_, let s, let op0, let o0, let r0, let op1, let o1, let r1):
      return .tensorScalar(dst: dst, src: s, op0: op0, operand0: o0, reverse0: r0, op1: op1, operand1: o1, reverse1: r1)
    case .tensorCopy(_, let s): return .tensorCopy(dst: dst, src: s)
    case .activation(_, let s, let f, let sc, let b, let rop, let rd):
      return .activation(dst: dst, src: s, function: f, scale: sc, bias: b, reduceOp: rop, reduceDst: rd)
    case .reciprocal(_, let s): return .reciprocal(dst: dst, src: s)
    case .memset(_, let v): return .memset(dst: dst, value: v)
    case .iota(_, let e): return .iota(dst: dst, expression: e)
    case .affineSelect(_, let p, let t, let f): return .affineSelect(dst: dst, predicate: p, onTrue: t, onFalse: f)
    case .select(_, let p, let t, let f): return .select(dst: dst, predicate: p, onTrue: t, onFalse: f)
    case .broadcast(_, let s): return .broadcast(dst: dst, src: s)
    case .tensorReduce(_, let s, let op, let axes, let n): return .tensorReduce(dst: dst, src: s, op: op, axes: axes, negate: n)
    case .tensorPartitionReduce(_, let s, let op): return .tensorPartitionReduce(dst: dst, src: s, op: op)
    case .tensorTensorScan(_, let a, let b, let i, let op0, let op1):
      return .tensorTensorScan(dst: dst, data0: a, data1: b, initial: i, op0: op0, op1: op1)
    case .bnStats(_, let s): return .bnStats(dst: dst, src: s)
    case .bnAggr(_, let s): return .bnAggr(dst: dst, src: s)
    }
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
