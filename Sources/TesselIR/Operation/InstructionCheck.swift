/// What an operation's own verifier rules see (``OperationPayload/verify(_:)``): the instruction,
/// the kernel and the target, with helpers that throw NKI-worded errors located at the
/// instruction.
public struct InstructionCheck {
  /// The kernel being verified.
  public let kernel: Kernel
  /// The target whose limits apply.
  public let target: Target
  /// The instruction being verified.
  public let instruction: Instruction
  /// The value range of every index variable in scope.
  let ranges: [IndexVar: ClosedRange<Int>]

  /// An error about the instruction, in NKI's words.
  public func fail(_ kind: KernelError.Kind) -> KernelError {
    KernelError(kind, operation: instruction.operation.nkiName, at: instruction.location)
  }

  /// The declaration of the tensor a view reads or writes.
  public func decl(_ v: View) -> TensorDecl { kernel[v.tensor] }

  /// Throws unless `v` lies in one of `spaces`; `expected` is how the message names them.
  public func expectSpace(
    _ v: View, _ operand: String, _ spaces: [MemorySpace], _ expected: String
  ) throws(KernelError) {
    let s = kernel[v.tensor].space
    if !spaces.contains(s) { throw fail(.wrongMemorySpace(operand: operand, expected: expected, actual: s)) }
  }

  /// Throws unless `v` lies in HBM (any of its kinds).
  public func expectHBM(_ v: View, _ operand: String) throws(KernelError) {
    try expectSpace(v, operand, [.hbm, .sharedHBM, .privateHBM], "hbm")
  }

  /// Throws unless every operand has the same partition count, within the target's limit.
  public func samePartitions(_ ops: [(String, View)]) throws(KernelError) {
    let p = ops.map { $0.1.partitionCount }
    if Set(p).count > 1 {
      throw fail(.partitionMismatch(operands: ops.map(\.0), shapes: ops.map { $0.1.shape }))
    }
    for (_, v) in ops where v.partitionCount > target.pmax && kernel[v.tensor].space.isOnChip {
      throw fail(.partitionDimensionTooLarge(tensor: kernel[v.tensor].name, size: v.partitionCount, limit: target.pmax))
    }
  }

  /// Throws unless every operand has the same shape.
  public func sameShape(_ ops: [(String, View)]) throws(KernelError) {
    let shapes = ops.map { $0.1.shape }
    if Set(shapes).count > 1 {
      throw fail(.shapeMismatch(operands: ops.map(\.0), shapes: shapes))
    }
  }

  /// Throws unless the operands have the same partition count and the same shape.
  public func sameTile(_ ops: [(String, View)]) throws(KernelError) {
    try samePartitions(ops)
    try sameShape(ops)
  }

  /// Throws unless `v` is a `[partitions, 1]` column.
  public func perPartitionVector(_ v: View, _ operand: String, partitions: Int) throws(KernelError) {
    if v.partitionCount != partitions || v.freeElementCount != 1 {
      throw fail(.shapeMismatch(operands: [operand], shapes: [v.shape]))
    }
  }

  /// Throws when `alu` is a bitwise operator and an operand holds floating-point values.
  public func checkBitwise(_ alu: ALUOp, _ ops: [(String, View)]) throws(KernelError) {
    guard alu.isBitwise else { return }
    for (n, v) in ops where kernel[v.tensor].dtype.isFloatingPoint {
      throw fail(
        .invalidDType(
          operand: n, dtype: kernel[v.tensor].dtype, reason: "bitwise op \(alu.nkiName) needs integer operands"))
    }
  }

  /// Throws when `alu` cannot reduce.
  public func checkReducible(_ alu: ALUOp) throws(KernelError) {
    if !alu.isReducible { throw fail(.invalidOp(op: alu.nkiName, reason: "not a reduction operator")) }
  }

  /// Checks an affine condition that is an attribute of the operation (not a mask) over its
  /// iteration space.
  public func checkCondition(_ c: AffineCondition) throws(KernelError) {
    try Verifier.verifyCondition(
      c, rank: instruction.operation.iterationShape.count, ranges: ranges, isMask: false, fail: fail)
  }

  /// Throws when the instruction has a mask: `mask=` is not modelled when `reason` holds.
  public func rejectMask(_ reason: Bool, _ what: String) throws(KernelError) {
    if reason && !instruction.mask.isEmpty { throw fail(.unsupported("mask= on \(what)")) }
  }
}

extension InstructionCheck {
  /// Throws unless the target is `minimum` or a newer generation.
  public func requireTarget(atLeast minimum: Target) throws(KernelError) {
    let order = Target.allCases
    if (order.firstIndex(of: target) ?? 0) < (order.firstIndex(of: minimum) ?? 0) {
      throw fail(.unavailableOnTarget(needs: minimum, actual: target))
    }
  }

  /// The first partition of an on-chip view, when it is a constant.
  public func startPartition(_ v: View) -> Int? {
    guard let s = v.start.first, s.isConstant else { return nil }
    return s.constant
  }
}
