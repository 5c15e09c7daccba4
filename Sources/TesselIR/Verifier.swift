/// Checks a kernel against NKI's rules for one target: tile limits, memory spaces, engines,
/// shapes, dtypes and static bounds (nki-reference.md §2, §5).
///
/// The verifier stops at the first violation and throws a ``KernelError`` located at the
/// offending instruction or declaration, with NKI's wording where §5.7 gives it. Accesses under a
/// mask are bounds-checked when the interpreter runs them, where the mask's extent is known.
public struct Verifier: Sendable {
  /// The target whose limits apply.
  public var target: Target

  /// Creates a verifier for a target.
  public init(target: Target) {
    self.target = target
  }

  /// Verifies a whole kernel.
  public func verify(_ kernel: Kernel) throws(KernelError) {
    for t in kernel.tensors { try verifyDecl(t) }
    for p in kernel.parameters where !kernel[p.tensor].space.isHBM {
      throw KernelError(
        .wrongMemorySpace(operand: p.name, expected: "hbm", actual: kernel[p.tensor].space),
        operation: "kernel parameter", at: kernel[p.tensor].location)
    }
    for o in kernel.outputs where o.index < 0 || o.index >= kernel.tensors.count {
      throw KernelError(.malformed("returned tensor \(o) does not exist"))
    }
    for g in kernel.grid where g < 1 {
      throw KernelError(.malformed("SPMD grid dimensions must be at least 1, got \(kernel.grid)"))
    }
    // Variable ranges, by scope, and the structure of loops.
    var ranges: [IndexVar: ClosedRange<Int>] = [:]
    for (i, v) in kernel.indexVars.enumerated() {
      if case .programID(let axis) = v.kind {
        let n = axis < kernel.grid.count ? kernel.grid[axis] : 1
        ranges[IndexVar(i)] = 0...(n - 1)
      }
    }
    var open: [Int] = []
    for (pc, inst) in kernel.instructions.enumerated() {
      switch inst.operation {
      case .loopBegin(let loop):
        guard loop.step != 0 else {
          throw KernelError(.malformed("loop step must not be zero"), at: inst.location)
        }
        guard loop.end > pc, loop.end < kernel.instructions.count,
          case .loopEnd(let b) = kernel.instructions[loop.end].operation, b == pc
        else {
          throw KernelError(.malformed("loop has no matching end"), at: inst.location)
        }
        open.append(pc)
        // An empty loop's body never runs; give its variable its start so bounds stay meaningful.
        ranges[loop.variable] = loop.valueRange ?? loop.start...loop.start
      case .loopEnd(let begin):
        guard open.last == begin, case .loopBegin(let loop) = kernel.instructions[begin].operation
        else {
          throw KernelError(.malformed("loop end does not match the innermost loop"), at: inst.location)
        }
        open.removeLast()
        ranges[loop.variable] = nil
      default:
        try verifyInstruction(inst, in: kernel, ranges: ranges)
      }
    }
    if let pc = open.last {
      throw KernelError(.malformed("loop is never closed"), at: kernel.instructions[pc].location)
    }
  }

  /// Checks a tensor declaration's shape and on-chip limits.
  public func verifyDecl(_ t: TensorDecl) throws(KernelError) {
    if t.shape.contains(where: { $0 < 1 }) {
      throw KernelError(.invalidShape(tensor: t.name, shape: t.shape), at: t.location)
    }
    guard t.space.isOnChip else { return }
    if t.shape.isEmpty {
      throw KernelError(.invalidShape(tensor: t.name, shape: t.shape), at: t.location)
    }
    if t.partitionCount > target.pmax {
      throw KernelError(
        .partitionDimensionTooLarge(tensor: t.name, size: t.partitionCount, limit: target.pmax),
        at: t.location)
    }
    if t.space == .psum {
      // A PSUM tile fits one 2 KiB bank per partition; a tensor with leading block dimensions
      // (`[P, blocks, F]`) gives each block its own bank.
      let perBlock = t.psumBlockBytes
      if perBlock > target.psumBankBytes || t.psumBanks(bankBytes: target.psumBankBytes) > target.psumBanks {
        throw KernelError(
          .psumTileTooLarge(tensor: t.name, bytesPerPartition: perBlock > target.psumBankBytes ? perBlock : t.bytesPerPartition,
                            limit: target.psumBankBytes),
          at: t.location)
      }
    }
  }

  // MARK: - Instructions

  func verifyInstruction(
    _ inst: Instruction, in kernel: Kernel, ranges: [IndexVar: ClosedRange<Int>]
  ) throws(KernelError) {
    let op = inst.operation
    let name = op.nkiName
    let loc = inst.location
    func fail(_ k: KernelError.Kind) -> KernelError { KernelError(k, operation: name, at: loc) }
    func decl(_ v: View) -> TensorDecl { kernel[v.tensor] }

    // Every view: well-formed, in scope, in bounds.
    let views = op.sources + op.destinations.map { (name: "dst", view: $0) }
    for (operand, v) in views {
      // A mask ranges over the iteration space; Tensor-engine operands that do not walk it are
      // checked whole (they are on-chip tiles, so their extent is static anyway).
      let unmaskedAccess = inst.mask.isEmpty || (!op.sourcesWalkIterationSpace && operand != "dst")
      try verifyView(v, operand: operand, in: kernel, ranges: ranges, checkBounds: unmaskedAccess, fail: fail)
    }
    for c in inst.mask {
      try verifyCondition(c, rank: iterationRank(op), ranges: ranges, isMask: true, fail: fail)
    }
    if !inst.mask.isEmpty {
      switch op {
      case .bnStats(_, let src) where src.dims.count != 2:
        throw fail(.unsupported("mask= on bn_stats of a tile with more than one free dimension"))
      case .transpose(_, let src) where src.dims.count != 2:
        throw fail(.unsupported("mask= on nc_transpose of a tile with more than one free dimension"))
      case .loadTranspose, .tensorPartitionReduce, .tensorTensorScan, .bnAggr:
        throw fail(.unsupported("mask= on \(name) (Tessel does not model operand masking for this instruction yet)"))
      case .dmaCopy(let d, let s) where d.shape != s.shape:
        throw fail(.unsupported("mask= on dma_copy between views of different shapes"))
      default: break
      }
    }
    if iterationRank(op) > 8 || views.contains(where: { $0.view.dims.count > 8 }) {
      throw fail(.unsupported("access patterns with more than 8 dimensions"))
    }

    // Engines.
    let dmaOps: Bool
    switch op {
    case .load, .store, .dmaCopy, .loadTranspose: dmaOps = true
    default: dmaOps = false
    }
    if dmaOps && inst.engine != .dma {
      throw fail(.wrongEngine(engine: inst.engine, allowed: [.dma]))
    }
    if !dmaOps && inst.engine == .dma {
      throw fail(.wrongEngine(engine: inst.engine, allowed: [.vector, .scalar, .gpsimd]))
    }
    switch op {
    case .matmul:
      if inst.engine != .tensor { throw fail(.wrongEngine(engine: inst.engine, allowed: [.tensor])) }
    case .transpose:
      if inst.engine != .tensor && inst.engine != .vector {
        throw fail(.wrongEngine(engine: inst.engine, allowed: [.tensor, .vector]))
      }
    default:
      if inst.engine == .tensor {
        throw fail(.wrongEngine(engine: .tensor, allowed: [.vector, .scalar, .gpsimd]))
      }
    }

    // Memory spaces: compute engines touch only SBUF/PSUM; GpSimd never PSUM; the Tensor engine
    // reads SBUF and writes PSUM.
    if !dmaOps {
      for (operand, v) in views {
        let space = decl(v).space
        if !space.isOnChip {
          throw fail(.wrongMemorySpace(operand: operand, expected: "psum|sbuf", actual: space))
        }
        if inst.engine == .gpsimd && space == .psum {
          throw fail(.wrongMemorySpace(operand: operand, expected: "sbuf", actual: space))
        }
      }
    }

    switch op {
    case .loopBegin, .loopEnd:
      break
    case .load(let dst, let src):
      try expectSpace(src, "src", in: kernel, [.hbm, .sharedHBM, .privateHBM], "hbm", fail)
      try expectSpace(dst, "dst", in: kernel, [.sbuf], "sbuf", fail)
      try sameShape([("dst", dst), ("src", src)], fail)
    case .store(let dst, let src):
      try expectSpace(dst, "dst", in: kernel, [.hbm, .sharedHBM, .privateHBM], "hbm", fail)
      try expectSpace(src, "value", in: kernel, [.sbuf, .psum], "sbuf|psum", fail)
      try sameShape([("dst", dst), ("value", src)], fail)
    case .dmaCopy(let dst, let src):
      if decl(src).space == .psum {
        throw fail(.wrongMemorySpace(operand: "src", expected: "sbuf|hbm", actual: .psum))
      }
      if decl(dst).space == .psum {
        throw fail(.wrongMemorySpace(operand: "dst", expected: "sbuf|hbm", actual: .psum))
      }
      if dst.elementCount != src.elementCount {
        throw fail(.shapeMismatch(operands: ["dst", "src"], shapes: [dst.shape, src.shape]))
      }
    case .loadTranspose(let dst, let src):
      try expectSpace(src, "src", in: kernel, [.hbm, .sharedHBM, .privateHBM], "hbm", fail)
      try expectSpace(dst, "dst", in: kernel, [.sbuf], "sbuf", fail)
      guard src.dims.count == 2, dst.dims.count == 2, dst.shape == [src.shape[1], src.shape[0]] else {
        throw fail(.shapeMismatch(operands: ["dst", "src"], shapes: [dst.shape, src.shape]))
      }
      if dst.partitionCount > target.pmax {
        throw fail(.partitionDimensionTooLarge(tensor: decl(dst).name, size: dst.partitionCount, limit: target.pmax))
      }
    case .matmul(let dst, let st, let mv, _):
      try expectSpace(dst, "dst", in: kernel, [.psum], "psum", fail)
      try expectSpace(st, "stationary", in: kernel, [.sbuf], "sbuf", fail)
      try expectSpace(mv, "moving", in: kernel, [.sbuf], "sbuf", fail)
      let k1 = st.partitionCount, k2 = mv.partitionCount
      if k1 != k2 || k1 > target.pmax { throw fail(.matmulContraction(stationary: k1, moving: k2)) }
      if st.freeElementCount > target.gemmStationaryFmax {
        throw fail(.matmulFreeSizeTooLarge(operand: "stationary", size: st.freeElementCount, limit: target.gemmStationaryFmax))
      }
      if mv.freeElementCount > target.gemmMovingFmax {
        throw fail(.matmulFreeSizeTooLarge(operand: "moving", size: mv.freeElementCount, limit: target.gemmMovingFmax))
      }
      if dst.partitionCount != st.freeElementCount || dst.freeElementCount != mv.freeElementCount {
        throw fail(.shapeMismatch(operands: ["dst", "stationary", "moving"], shapes: [dst.shape, st.shape, mv.shape]))
      }
      let sd = decl(st).dtype, md = decl(mv).dtype
      if (sd == .float32 && !(md == .float32 || md == .tfloat32))
        || (md == .float32 && !(sd == .float32 || sd == .tfloat32))
      {
        throw fail(.invalidDType(operand: "moving", dtype: md, reason: "an fp32 operand must pair with fp32 or tf32 (stationary is \(sd))"))
      }
      for (operand, d) in [("stationary", sd), ("moving", md)] where d.isInteger {
        throw fail(.invalidDType(operand: operand, dtype: d, reason: "the Tensor engine multiplies fp8, bf16, fp16, tf32 or fp32"))
      }
      let dd = decl(dst).dtype
      if !(dd == .float32 || (target == .trn3 && dd == .bfloat16)) {
        throw fail(.invalidDType(operand: "dst", dtype: dd, reason: "nc_matmul dst dtype must be float32 on \(target.generation)"))
      }
    case .transpose(let dst, let src):
      guard dst.dims.count >= 2, src.dims.count >= 2,
        dst.partitionCount == src.freeElementCount, dst.freeElementCount == src.partitionCount
      else {
        throw fail(.shapeMismatch(operands: ["dst", "data"], shapes: [dst.shape, src.shape]))
      }
      if inst.engine == .tensor {
        try expectSpace(dst, "dst", in: kernel, [.psum], "psum", fail)
        try expectSpace(src, "data", in: kernel, [.sbuf], "sbuf", fail)
        if src.freeElementCount > target.pmax {
          throw fail(.matmulFreeSizeTooLarge(operand: "data", size: src.freeElementCount, limit: target.pmax))
        }
      } else if src.partitionCount > 32 || src.freeElementCount > 32 {
        throw fail(.matmulFreeSizeTooLarge(operand: "data", size: Swift.max(src.partitionCount, src.freeElementCount), limit: 32))
      }
    case .tensorTensor(let dst, let a, let b, let alu):
      try samePartitions([("data1", a), ("data2", b), ("dst", dst)], kernel, fail)
      try sameShape([("data1", a), ("data2", b), ("dst", dst)], fail)
      try checkBitwise(alu, [("data1", a), ("data2", b)], kernel, fail)
    case .tensorScalar(let dst, let src, let op0, let o0, _, let op1, let o1, _):
      try samePartitions([("data", src), ("dst", dst)], kernel, fail)
      try sameShape([("data", src), ("dst", dst)], fail)
      for (n, o) in [("operand0", o0), ("operand1", o1)] {
        if let v = o?.view { try perPartitionVector(v, n, partitions: src.partitionCount, fail) }
      }
      try checkBitwise(op0, [("data", src)], kernel, fail)
      if let op1 { try checkBitwise(op1, [("data", src)], kernel, fail) }
      if (op1 == nil) != (o1 == nil) {
        throw fail(.invalidOp(op: "op1", reason: "op1 and operand1 must be given together"))
      }
    case .tensorCopy(let dst, let src), .reciprocal(let dst, let src), .broadcast(let dst, let src):
      if case .broadcast = op {
        try sameShape([("data", src), ("dst", dst)], fail)
      } else {
        try samePartitions([("data", src), ("dst", dst)], kernel, fail)
        try sameShape([("data", src), ("dst", dst)], fail)
      }
    case .activation(let dst, let src, _, let scale, let bias, let rop, let rdst):
      try samePartitions([("data", src), ("dst", dst)], kernel, fail)
      try sameShape([("data", src), ("dst", dst)], fail)
      if let v = scale.view {
        try perPartitionVector(v, "scale", partitions: src.partitionCount, fail)
        if decl(v).dtype != .float32 {
          throw fail(.invalidDType(operand: "scale", dtype: decl(v).dtype, reason: "scale must be an fp32 scalar or [P, 1] vector"))
        }
      }
      if let bias {
        try perPartitionVector(bias, "bias", partitions: src.partitionCount, fail)
        let bd = decl(bias).dtype
        if !(bd == .float32 || bd == .float16 || bd == .bfloat16) {
          throw fail(.invalidDType(operand: "bias", dtype: bd, reason: "bias must be an fp32, fp16 or bf16 [P, 1] vector"))
        }
      }
      if (rop == nil) != (rdst == nil) {
        throw fail(.invalidOp(op: "reduce_op", reason: "reduce_op and reduce_res must be given together"))
      }
      if let rop, rop != .add {
        throw fail(.invalidOp(op: rop.nkiName, reason: "activation reductions support only nl.add"))
      }
      if let rdst { try perPartitionVector(rdst, "reduce_res", partitions: src.partitionCount, fail) }
    case .memset:
      break
    case .iota(_, let e):
      try verifyCondition(e, rank: iterationRank(op), ranges: ranges, isMask: false, fail: fail)
    case .affineSelect(let dst, let p, let t, _):
      try verifyCondition(p, rank: iterationRank(op), ranges: ranges, isMask: false, fail: fail)
      try samePartitions([("on_true_tile", t), ("dst", dst)], kernel, fail)
      try sameShape([("on_true_tile", t), ("dst", dst)], fail)
    case .select(let dst, let p, let t, let f):
      var ops: [(String, View)] = [("condition", p), ("dst", dst)]
      if let v = t.view { ops.append(("x", v)) }
      if let v = f.view { ops.append(("y", v)) }
      try samePartitions(ops, kernel, fail)
      try sameShape(ops, fail)
    case .tensorReduce(let dst, let src, let alu, let axes, _):
      if !alu.isReducible { throw fail(.invalidOp(op: alu.nkiName, reason: "not a reduction operator")) }
      guard !axes.isEmpty, Set(axes).count == axes.count,
        axes.allSatisfy({ $0 >= 1 && $0 < src.dims.count })
      else {
        throw fail(.invalidOp(op: "axis=\(axes)", reason: "reduction axes must be distinct free axes (1..<\(src.dims.count)) of data\(src.shape)"))
      }
      let kept = src.shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
      let keptDims = src.shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
      if dst.shape != kept && dst.shape != keptDims && dst.elementCount != kept.reduce(1, *) {
        throw fail(.shapeMismatch(operands: ["dst", "data"], shapes: [dst.shape, src.shape]))
      }
      try samePartitions([("data", src), ("dst", dst)], kernel, fail)
    case .tensorPartitionReduce(let dst, let src, let alu):
      if !alu.isReducible { throw fail(.invalidOp(op: alu.nkiName, reason: "not a reduction operator")) }
      if dst.partitionCount != 1 || dst.freeElementCount != src.freeElementCount {
        throw fail(.shapeMismatch(operands: ["dst", "data"], shapes: [dst.shape, src.shape]))
      }
    case .tensorTensorScan(let dst, let d0, let d1, let initial, _, _):
      try samePartitions([("data0", d0), ("data1", d1), ("dst", dst)], kernel, fail)
      try sameShape([("data0", d0), ("data1", d1), ("dst", dst)], fail)
      if let v = initial.view { try perPartitionVector(v, "initial", partitions: d0.partitionCount, fail) }
    case .bnStats(let dst, let src):
      try samePartitions([("data", src), ("dst", dst)], kernel, fail)
      if src.freeElementCount > target.bnStatsFmax {
        throw fail(.matmulFreeSizeTooLarge(operand: "data", size: src.freeElementCount, limit: target.bnStatsFmax))
      }
      if dst.freeElementCount != 6 {
        throw fail(.shapeMismatch(operands: ["dst", "data"], shapes: [dst.shape, src.shape]))
      }
    case .bnAggr(let dst, let src):
      try samePartitions([("data", src), ("dst", dst)], kernel, fail)
      if src.freeElementCount % 6 != 0 || dst.freeElementCount != 2 {
        throw fail(.shapeMismatch(operands: ["dst", "data"], shapes: [dst.shape, src.shape]))
      }
    }
  }

  /// The rank of an operation's iteration space (what a mask's coefficients index).
  public func iterationRank(_ op: Operation) -> Int {
    switch op {
    case .tensorReduce(_, let src, _, _, _), .tensorPartitionReduce(_, let src, _): src.dims.count
    case .bnStats(_, let src), .bnAggr(_, let src): src.dims.count
    default: op.destination?.dims.count ?? 0
    }
  }

  func verifyView(
    _ v: View, operand: String, in kernel: Kernel, ranges: [IndexVar: ClosedRange<Int>],
    checkBounds: Bool, fail: (KernelError.Kind) -> KernelError
  ) throws(KernelError) {
    guard v.tensor.index >= 0 && v.tensor.index < kernel.tensors.count else {
      throw fail(.malformed("operand '\(operand)' refers to tensor \(v.tensor), which does not exist"))
    }
    let t = kernel[v.tensor]
    let rank = t.shape.count
    guard v.start.count == rank, v.dims.allSatisfy({ $0.steps.count == rank }) else {
      throw fail(.malformed("operand '\(operand)' indexes `\(t.name)` (rank \(rank)) with a pattern of another rank"))
    }
    if v.dims.contains(where: { $0.count < 1 }) {
      throw fail(.invalidShape(tensor: t.name, shape: v.shape))
    }
    for e in v.start {
      for term in e.terms where ranges[term.variable] == nil {
        let n = term.variable.index < kernel.indexVars.count ? kernel.indexVars[term.variable.index].name : "\(term.variable)"
        throw fail(.malformed("Local variable '\(n)' is referenced outside of its parent scope"))
      }
    }
    if t.space.isOnChip {
      // The partition dimension must be walked by the first view dimension only.
      for d in v.dims.dropFirst() where d.steps[0] != 0 {
        throw fail(.malformed("operand '\(operand)' of `\(t.name)` moves across partitions in a free dimension; the partition dimension must come first"))
      }
    }
    guard checkBounds else { return }
    for k in 0..<rank {
      let s = v.start[k].bounds { ranges[$0] ?? 0...0 }
      var lo = s.lowerBound, hi = s.upperBound
      for d in v.dims {
        let step = d.steps[k] * (d.count - 1)
        lo += Swift.min(0, step)
        hi += Swift.max(0, step)
      }
      if lo < 0 || hi >= t.shape[k] {
        throw fail(.outOfBounds(tensor: t.name, dimension: k, low: lo, high: hi, size: t.shape[k]))
      }
    }
  }

  func verifyCondition(
    _ c: AffineCondition, rank: Int, ranges: [IndexVar: ClosedRange<Int>], isMask: Bool,
    fail: (KernelError.Kind) -> KernelError
  ) throws(KernelError) {
    if c.coefficients.count != rank {
      throw fail(.invalidMask("an affine condition over \(c.coefficients.count) indices on an instruction of rank \(rank)"))
    }
    if isMask && c.comparison == .notEqual {
      throw fail(.invalidMask("'!=' cannot be expressed as an index range; use two masks or affine_select"))
    }
    for t in c.offset.terms where ranges[t.variable] == nil {
      throw fail(.malformed("a mask refers to loop variable \(t.variable) outside of its loop"))
    }
  }

  func expectSpace(
    _ v: View, _ operand: String, in kernel: Kernel, _ spaces: [MemorySpace], _ expected: String,
    _ fail: (KernelError.Kind) -> KernelError
  ) throws(KernelError) {
    let s = kernel[v.tensor].space
    if !spaces.contains(s) { throw fail(.wrongMemorySpace(operand: operand, expected: expected, actual: s)) }
  }

  func samePartitions(
    _ ops: [(String, View)], _ kernel: Kernel, _ fail: (KernelError.Kind) -> KernelError
  ) throws(KernelError) {
    let p = ops.map { $0.1.partitionCount }
    if Set(p).count > 1 {
      throw fail(.partitionMismatch(operands: ops.map(\.0), shapes: ops.map { $0.1.shape }))
    }
    for (n, v) in ops where v.partitionCount > target.pmax && kernel[v.tensor].space.isOnChip {
      _ = n
      throw fail(.partitionDimensionTooLarge(tensor: kernel[v.tensor].name, size: v.partitionCount, limit: target.pmax))
    }
  }

  func sameShape(_ ops: [(String, View)], _ fail: (KernelError.Kind) -> KernelError) throws(KernelError) {
    let shapes = ops.map { $0.1.shape }
    if Set(shapes).count > 1 {
      throw fail(.shapeMismatch(operands: ops.map(\.0), shapes: shapes))
    }
  }

  func perPartitionVector(
    _ v: View, _ operand: String, partitions: Int, _ fail: (KernelError.Kind) -> KernelError
  ) throws(KernelError) {
    if v.partitionCount != partitions || v.freeElementCount != 1 {
      throw fail(.shapeMismatch(operands: [operand], shapes: [v.shape]))
    }
  }

  func checkBitwise(
    _ alu: ALUOp, _ ops: [(String, View)], _ kernel: Kernel, _ fail: (KernelError.Kind) -> KernelError
  ) throws(KernelError) {
    guard alu.isBitwise else { return }
    for (n, v) in ops where kernel[v.tensor].dtype.isFloatingPoint {
      throw fail(.invalidDType(operand: n, dtype: kernel[v.tensor].dtype, reason: "bitwise op \(alu.nkiName) needs integer operands"))
    }
  }
}
