/// Checks a kernel against NKI's rules for one target: tile limits, memory spaces, engines,
/// shapes, dtypes and static bounds (`docs/diagnostics.md` lists them).
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
    for t in kernel.tensors { if let a = t.alias { try verifyAlias(t, a, in: kernel) } }
    try verifyBitcasts(kernel)
    try verifyConstants(kernel)
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
    // Variables whose values are known only at run time (dynamic loops' induction variables).
    var runtimeVariables = Set<IndexVar>()
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
        if let bound = loop.dynamic {
          try verifyRuntimeValue(bound.view, operand: loop.kind.rawValue, in: kernel, ranges: ranges) {
            KernelError($0, operation: loop.kind.rawValue, at: inst.location)
          }
          if loop.step <= 0 {
            throw KernelError(
              .malformed("\(loop.kind.rawValue) needs a positive constant step, got \(loop.step)"), at: inst.location)
          }
          runtimeVariables.insert(loop.variable)
        }
      case .loopEnd(let begin):
        guard open.last == begin, case .loopBegin(let loop) = kernel.instructions[begin].operation
        else {
          throw KernelError(.malformed("loop end does not match the innermost loop"), at: inst.location)
        }
        open.removeLast()
        ranges[loop.variable] = nil
      default:
        try verifyInstruction(inst, in: kernel, ranges: ranges, runtimeVariables: runtimeVariables)
      }
    }
    if let pc = open.last {
      throw KernelError(.malformed("loop is never closed"), at: kernel.instructions[pc].location)
    }
  }

  /// Checks that constant tensors are whole HBM tensors that no instruction writes.
  func verifyConstants(_ kernel: Kernel) throws(KernelError) {
    guard kernel.tensors.contains(where: { $0.constantValues != nil }) else { return }
    for t in kernel.tensors {
      guard let v = t.constantValues else { continue }
      if !t.space.isHBM || t.alias != nil || t.role != .local || v.count != t.elementCount {
        throw KernelError(
          .malformed("constant tensor `\(t.name)` must be a local HBM tensor with one value per element"),
          at: t.location)
      }
    }
    for inst in kernel.instructions {
      for d in inst.operation.destinations where kernel[kernel.storage(of: d.tensor)].constantValues != nil {
        throw KernelError(
          .malformed(
            "`\(kernel[d.tensor].name)` is a shared constant (read-only); '\(inst.operation.nkiName)' cannot write it"),
          at: inst.location)
      }
    }
  }

  /// Checks that an alias names storage its base has, in the base's memory and dtype.
  func verifyAlias(_ t: TensorDecl, _ a: StorageAlias, in kernel: Kernel) throws(KernelError) {
    func fail(_ why: String) -> KernelError {
      KernelError(.malformed("tensor `\(t.name)` aliases storage it cannot: \(why)"), at: t.location)
    }
    guard a.base.index >= 0 && a.base.index < kernel.tensors.count else { throw fail("its base does not exist") }
    let b = kernel[a.base]
    if b.alias != nil { throw fail("its base `\(b.name)` is itself an alias") }
    if b.space != t.space || b.dtype != t.dtype {
      throw fail("it is \(t.space.nkiName) \(t.dtype), its base `\(b.name)` is \(b.space.nkiName) \(b.dtype)")
    }
    if t.space == .psum {
      throw fail("PSUM tiles are not aliased (Tessel tracks PSUM accumulation per tile)")
    }
    if t.space.isOnChip {
      if a.partitionStride != b.freeElementCount || t.partitionCount > b.partitionCount || a.offset < 0
        || a.offset + t.freeElementCount > b.freeElementCount
      {
        throw fail("\(t.shape) from element \(a.offset) does not fit the partitions of `\(b.name)` \(b.shape)")
      }
    } else if a.offset < 0 || a.offset + t.elementCount > b.elementCount {
      throw fail("\(t.elementCount) elements from element \(a.offset) do not fit `\(b.name)` \(b.shape)")
    }
  }

  /// Checks that each bitcast view or copy names the bytes of a tensor with memory of its own,
  /// and that no instruction or return names a view that was not materialised
  /// (``Kernel/materializingBitcasts()``).
  func verifyBitcasts(_ kernel: Kernel) throws(KernelError) {
    guard kernel.tensors.contains(where: { $0.bitcast != nil }) else { return }
    var used = Set(kernel.outputs)
    for inst in kernel.instructions { for o in inst.operation.operands { used.insert(o.view.tensor) } }
    for (i, t) in kernel.tensors.enumerated() {
      guard let b = t.bitcast else { continue }
      guard b.base.index >= 0 && b.base.index < kernel.tensors.count else {
        throw KernelError(.malformed("bitcast view `\(t.name)` has no base"), at: t.location)
      }
      let base = kernel[b.base]
      guard base.bitcast == nil, base.space == t.space, base.space != .psum,
        BitcastView.shape(of: base, as: t.dtype) == t.shape
      else {
        throw KernelError(
          .malformed(
            "`\(t.name)` \(t.shape) \(t.dtype.nkiName) is not a view of `\(base.name)` \(base.shape) \(base.dtype.nkiName)"
          ),
          at: t.location)
      }
      if !b.isCopy && used.contains(TensorID(i)) {
        throw KernelError(
          .unsupported(
            "the bitcast view `\(t.name)` returned, or named by an instruction that was not materialised (KernelBuilder.finish does it)"
          ),
          at: t.location)
      }
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
    guard t.space == .psum else { return }
    if t.spansPSUMBanks {
      // A block of consecutive banks (current dialect): at most the whole PSUM partition.
      if t.blockBytes > target.psumBytesPerPartition {
        throw KernelError(
          .capacityExceeded(
            space: .psum, tensor: t.name, requestedBytesPerPartition: t.blockBytes,
            partitions: t.partitionCount, live: [], limitBytesPerPartition: target.psumBytesPerPartition),
          at: t.location)
      }
    } else if t.blockBytes > target.psumBankBytes {
      // A PSUM tile fits one 2 KiB bank per partition; a tensor with block dimensions
      // (`[P, blocks..., free...]`) is a set of such tiles, which the allocator places block by block.
      throw KernelError(
        .psumTileTooLarge(tensor: t.name, bytesPerPartition: t.blockBytes, limit: target.psumBankBytes),
        at: t.location)
    }
  }

  // MARK: - Instructions

  /// The rules every operation gets (views, masks, engines, on-chip operands), then the
  /// operation's own (``OperationPayload/verify(_:)``).
  func verifyInstruction(
    _ inst: Instruction, in kernel: Kernel, ranges: [IndexVar: ClosedRange<Int>],
    runtimeVariables: Set<IndexVar> = []
  ) throws(KernelError) {
    guard let payload = inst.operation.payload else { return }
    let info = type(of: payload).info
    let check = InstructionCheck(kernel: kernel, target: target, instruction: inst, ranges: ranges)
    let fail = check.fail
    let rank = payload.iterationShape.count

    // Every view: well-formed, in scope, in bounds (sources first, then what is written). A mask
    // ranges over the iteration space; Tensor-engine operands that do not walk it are checked whole
    // (they are on-chip tiles, so their extent is static anyway).
    let operands = inst.operation.operands
    let views = operands.filter { !$0.role.isWritten } + operands.filter(\.role.isWritten)
    let walks = inst.operation.sourcesWalkIterationSpace
    // A mask on loop indices and program ids alone keeps the whole instruction or none of it: every
    // operand is read whole when it runs, and the interpreter checks its bounds then.
    let wholeOrNothing = !inst.mask.isEmpty && inst.mask.predicatesWholeInstruction
    // A masked matmul reads its operands where its masks, moved onto them, keep elements (an
    // operand may reach past its tile where they exclude it): the interpreter checks those.
    var maskedMatmul = false
    if case .matmul(let m) = inst.operation { maskedMatmul = !inst.mask.isEmpty || !m.contraction.isEmpty }
    for o in views {
      let unmaskedAccess =
        (inst.mask.isEmpty || (!walks && !o.role.isWritten && !wholeOrNothing)) && !(maskedMatmul && !o.role.isWritten)
      // A position known only at run time is bounds-checked by the interpreter before each run.
      let runtime = o.view.isPositionedAtRunTime(runtimeVariables)
      try verifyView(
        o.view, operand: o.name, in: kernel, ranges: ranges, checkBounds: unmaskedAccess && !runtime, fail: fail)
      if o.role == .runtimeOffset {
        try verifyRuntimeValue(o.view, operand: o.name, in: kernel, ranges: ranges, fail: fail)
      }
      for r in o.view.runtimeOffsets where r.steps.count != o.view.start.count {
        throw fail(
          .malformed("runtime offset of '\(o.name)' has \(r.steps.count) steps for a rank-\(o.view.start.count) tensor")
        )
      }
    }
    for c in inst.mask {
      try Self.verifyCondition(c, rank: rank, ranges: ranges, isMask: true, fail: fail)
    }
    if !inst.mask.isEmpty && !info.allowsMask {
      throw fail(
        .unsupported("mask= on \(info.nkiName) (Tessel does not model operand masking for this instruction yet)"))
    }
    if rank > 8 || views.contains(where: { $0.view.dims.count > 8 }) {
      throw fail(.unsupported("access patterns with more than 8 dimensions"))
    }

    if !info.engines.contains(inst.engine) {
      throw fail(.wrongEngine(engine: inst.engine, allowed: info.engines))
    }
    // Memory spaces: compute engines touch only SBUF/PSUM; GpSimd never PSUM. (The DMA and
    // Tensor-engine operations say which memories each operand lives in.)
    if !info.groups.contains(.dataMovement) {
      for o in views {
        let space = kernel[o.view.tensor].space
        if !space.isOnChip {
          throw fail(.wrongMemorySpace(operand: o.name, expected: "psum|sbuf", actual: space))
        }
        if inst.engine == .gpsimd && space == .psum {
          throw fail(.wrongMemorySpace(operand: o.name, expected: "sbuf", actual: space))
        }
      }
    }
    try payload.verify(check)
  }

  /// Checks a view whose value the hardware reads at run time (a loop bound, a `scalar_offset`):
  /// one element of an SBUF tile (a register or a `[1, 1]` tile), in bounds.
  func verifyRuntimeValue(
    _ v: View, operand: String, in kernel: Kernel, ranges: [IndexVar: ClosedRange<Int>],
    fail: (KernelError.Kind) -> KernelError
  ) throws(KernelError) {
    try verifyView(v, operand: operand, in: kernel, ranges: ranges, checkBounds: true, fail: fail)
    let t = kernel[v.tensor]
    if t.space != .sbuf {
      throw fail(.wrongMemorySpace(operand: operand, expected: "sbuf", actual: t.space))
    }
    if v.elementCount != 1 {
      throw fail(.shapeMismatch(operands: [operand + " (one element: a register or a [1, 1] tile)"], shapes: [v.shape]))
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
        let n =
          (0..<kernel.indexVars.count).contains(term.variable.index)
          ? kernel.indexVars[term.variable.index].name : "\(term.variable)"
        throw fail(.malformed("Local variable '\(n)' is referenced outside of its parent scope"))
      }
    }
    if t.space.isOnChip {
      // The partition dimension must be walked by the first view dimension only.
      for d in v.dims.dropFirst() where d.steps[0] != 0 {
        // A 1-D tile holds its elements one per partition; broadcasting it like a NumPy row puts
        // them on the free axis, which the hardware cannot do.
        let hint =
          rank == 1
          ? "; `\(t.name)` is a 1-D tile, one element per partition (a 1-D tensor loads onto the partition axis): to use its \(t.shape[0]) values along the free axis, load the vector as a row, `v.reshape((1, \(t.shape[0])))`, and broadcast it with `.broadcast_to((\(v.partitionCount), \(t.shape[0])))`"
          : ""
        throw fail(
          .malformed(
            "operand '\(operand)' of `\(t.name)` moves across partitions in a free dimension; the partition dimension must come first\(hint)"
          ))
      }
    }
    guard checkBounds else { return }
    for k in 0..<rank {
      let s = v.start[k].bounds { ranges[$0] ?? 0...0 }
      var lo = s.lowerBound
      var hi = s.upperBound
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

  static func verifyCondition(
    _ c: AffineCondition, rank: Int, ranges: [IndexVar: ClosedRange<Int>], isMask: Bool,
    fail: (KernelError.Kind) -> KernelError
  ) throws(KernelError) {
    if c.coefficients.count != rank {
      throw fail(
        .invalidMask("an affine condition over \(c.coefficients.count) indices on an instruction of rank \(rank)"))
    }
    if isMask && c.comparison == .notEqual {
      throw fail(.invalidMask("'!=' cannot be expressed as an index range; use two masks or affine_select"))
    }
    for t in c.offset.terms where ranges[t.variable] == nil {
      throw fail(.malformed("a mask refers to loop variable \(t.variable) outside of its loop"))
    }
  }
}
