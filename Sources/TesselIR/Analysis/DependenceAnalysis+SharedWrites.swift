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
  ///   `.reshape`), with the first overlap found, named on that owner (its element in the owner's
  ///   shape).
  /// - Throws: ``DependenceError`` for the first other dependence.
  public func checkDeferringSharedWrites(_ kernel: Kernel) throws(DependenceError) -> [Kernel.SharedWrite] {
    guard let first = diagnose(kernel, limit: 1).first else { return [] }
    guard Self.sharedWriteTensor(first, kernel) != nil else { throw first }
    var shared: [Kernel.SharedWrite] = []
    for e in diagnose(kernel) {
      guard let (view, owner) = Self.sharedWriteTensor(e, kernel) else { throw e }
      if !shared.contains(where: { $0.tensor == owner }) {
        shared.append(Kernel.SharedWrite(tensor: owner, overlap: Self.onOwner(e, view: view, owner: owner, kernel)))
      }
    }
    return shared
  }

  /// An overlap found on a view (`out.reshape(...)`), told on the tensor that owns the storage:
  /// its name, and the element at the same place of the owner's row-major elements (an HBM view
  /// is a row-major run of its owner's elements from the view's offset).
  static func onOwner(_ e: DependenceError, view: TensorID, owner: TensorID, _ kernel: Kernel) -> DependenceError {
    guard view != owner, let o = kernel.tensors[safe: owner.index], let v = kernel.tensors[safe: view.index],
      let alias = v.alias, alias.partitionStride == nil, e.element.count == v.shape.count
    else { return e }
    var moved = e
    moved.tensor = o.name
    let flat = alias.offset + zip(e.element, RowMajorIndex.strides(of: v.shape)).map { $0 * $1 }.reduce(0, +)
    moved.element = RowMajorIndex.index(ofFlat: flat, in: o.shape)
    return moved
  }

  /// The tensor an SPMD write/write overlap touches and its storage owner, when the kernel
  /// creates it; nil for any other dependence.
  static func sharedWriteTensor(_ e: DependenceError, _ kernel: Kernel) -> (view: TensorID, owner: TensorID)? {
    guard case .spmd = e.scope, e.conflict == .writeWrite, e.first.kind == .write, e.second.kind == .write,
      let inst = kernel.instructions[safe: e.first.instruction],
      let view = inst.operation.operands.first(where: { $0.name == e.first.operand && $0.role.isWritten })?.view,
      let decl = kernel.tensors[safe: view.tensor.index]
    else { return nil }
    let owner = decl.alias?.base ?? view.tensor
    guard let root = kernel.tensors[safe: owner.index], root.role == .local else { return nil }
    return (view.tensor, owner)
  }
}
