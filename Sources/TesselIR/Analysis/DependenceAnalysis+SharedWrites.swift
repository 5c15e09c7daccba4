extension DependenceAnalysis {
  /// Checks a kernel like ``check(_:)``, but returns instead of throwing the overlaps whose
  /// outcome is known only at run time: two SPMD program instances writing (plainly, not
  /// accumulating) the same elements of an HBM tensor the kernel creates.
  ///
  /// NKI does not reject them, and instances that write equal values give a well-defined
  /// result; the interpreter compares the values (``Kernel/sharedWrites``). A kernel parameter
  /// written by several instances stays an error: its elements hold the caller's values before
  /// the launch, so a write of an equal value could not be told apart from no write.
  ///
  /// - Returns: One ``Kernel/SharedWrite`` per tensor (its storage owner, for a view such as
  ///   `.reshape`), with the first overlap found.
  /// - Throws: ``DependenceError`` for the first other dependence.
  public func checkDeferringSharedWrites(_ kernel: Kernel) throws(DependenceError) -> [Kernel.SharedWrite] {
    guard let first = diagnose(kernel, limit: 1).first else { return [] }
    guard Self.sharedWriteTensor(first, kernel) != nil else { throw first }
    var shared: [Kernel.SharedWrite] = []
    for e in diagnose(kernel) {
      guard let t = Self.sharedWriteTensor(e, kernel) else { throw e }
      if !shared.contains(where: { $0.tensor == t }) { shared.append(Kernel.SharedWrite(tensor: t, overlap: e)) }
    }
    return shared
  }

  /// The storage owner of the tensor an SPMD write/write overlap touches, when the kernel creates
  /// it; nil for any other dependence.
  static func sharedWriteTensor(_ e: DependenceError, _ kernel: Kernel) -> TensorID? {
    guard case .spmd = e.scope, e.conflict == .writeWrite, e.first.kind == .write, e.second.kind == .write,
      let inst = kernel.instructions[safe: e.first.instruction],
      let view = inst.operation.operands.first(where: { $0.name == e.first.operand && $0.role.isWritten })?.view,
      let decl = kernel.tensors[safe: view.tensor.index]
    else { return nil }
    let owner = decl.alias?.base ?? view.tensor
    guard let root = kernel.tensors[safe: owner.index], root.role == .local else { return nil }
    return owner
  }
}
