/// Builds a ``Kernel`` instruction by instruction; the one builder API both front ends use.
///
/// ```swift
/// var b = KernelBuilder(name: "add")
/// let a = b.addParameter(name: "a", shape: [128, 512], dtype: .float32)
/// let t = b.declareTensor(name: "a_tile", space: .sbuf, shape: [128, 512], dtype: .float32)
/// b.emit(.load(dst: .whole(t, shape: [128, 512]), src: .whole(a, shape: [128, 512])))
/// let kernel = try b.finish(target: .trn2)   // verified
/// ```
public struct KernelBuilder: Sendable {
  /// The kernel built so far.
  public internal(set) var kernel: Kernel
  /// Instruction indices of the loops open now, innermost last.
  public internal(set) var openLoops: [Int] = []
  /// The program whose instructions are being recorded, stamped on each emitted instruction
  /// (``Instruction/program``): a front end tracing a launch on two cores sets it per program.
  public var program = 0
  /// How to undo the changes made to existing instructions and tensors while a checkpoint is
  /// open (see ``checkpoint()``), oldest first.
  var journal: [JournalEntry] = []
  /// Checkpoints taken and neither restored nor discarded: changes are journaled while nonzero.
  var openCheckpoints = 0
  /// Storage (``Kernel/storage(of:)``) → how many instructions other than matmuls write it.
  var nonMatmulWrites: [TensorID: Int] = [:]

  /// Starts an empty kernel.
  public init(name: String) {
    kernel = Kernel(name: name)
  }

  /// Adds an HBM parameter and returns its tensor.
  public mutating func addParameter(
    name: String, shape: [Int], dtype: DType, space: MemorySpace = .hbm,
    location: SourceLocation = .unknown
  ) -> TensorID {
    let id = TensorID(kernel.tensors.count)
    kernel.tensors.append(
      TensorDecl(name: name, space: space, shape: shape, dtype: dtype, role: .parameter, location: location))
    kernel.parameters.append(Kernel.Parameter(name: name, tensor: id))
    return id
  }

  /// Declares a kernel-allocated tensor (an on-chip tile or an HBM output) in the current scope;
  /// `blockDimensions` says how many dimensions of an on-chip tensor are blocks
  /// (``TensorDecl/blockDimensions``), `spansPSUMBanks` whether one block may span several
  /// banks (``TensorDecl/spansPSUMBanks``).
  public mutating func declareTensor(
    name: String, space: MemorySpace, shape: [Int], dtype: DType, location: SourceLocation = .unknown,
    blockDimensions: Int = 0, spansPSUMBanks: Bool = false
  ) -> TensorID {
    let id = TensorID(kernel.tensors.count)
    var decl = TensorDecl(
      name: name, space: space, shape: shape, dtype: dtype, role: .local, location: location,
      enclosingLoop: openLoops.last)
    decl.blockDimensions = blockDimensions
    decl.spansPSUMBanks = spansPSUMBanks
    kernel.tensors.append(decl)
    return id
  }

  /// Declares a tensor that names the storage of `base` with another shape, from element
  /// `offset` (within each partition, on chip) on: NKI's `.ap(pattern)` over raw storage and
  /// `.reshape`.
  ///
  /// The verifier checks that it fits (``StorageAlias``).
  public mutating func declareAlias(
    name: String, of base: TensorID, shape: [Int], offset: Int = 0, location: SourceLocation = .unknown
  ) -> TensorID {
    let root = kernel[base].alias?.base ?? base
    let b = kernel[root]
    let start = (kernel[base].alias?.offset ?? 0) + offset
    var decl = TensorDecl(
      name: name, space: b.space, shape: shape, dtype: b.dtype, role: .local, location: location,
      enclosingLoop: openLoops.last)
    decl.alias = StorageAlias(base: root, offset: start, partitionStride: b.space.isOnChip ? b.freeElementCount : nil)
    let id = TensorID(kernel.tensors.count)
    kernel.tensors.append(decl)
    return id
  }

  /// Appends a declaration and returns its ID.
  mutating func appendTensor(_ decl: TensorDecl) -> TensorID {
    kernel.tensors.append(decl)
    return TensorID(kernel.tensors.count - 1)
  }

  /// Records a `nl.device_print` call whose tile the kernel copies into `print.log`.
  public mutating func addDevicePrint(_ print: DevicePrint) {
    kernel.devicePrints.append(print)
  }

  /// Declares a read-only HBM tensor with the given contents (row-major, rounded to `dtype`):
  /// `nl.shared_constant(array)`.
  public mutating func declareConstant(
    name: String, shape: [Int], dtype: DType, values: [Float], location: SourceLocation = .unknown
  ) -> TensorID {
    var decl = TensorDecl(name: name, space: .sharedHBM, shape: shape, dtype: dtype, location: location)
    decl.constantValues = values
    let id = TensorID(kernel.tensors.count)
    kernel.tensors.append(decl)
    return id
  }

  /// Makes the whole-storage alias `id` the owner of its storage, and its base (with every other
  /// alias of that base) an alias of it: how a kernel returns a reshaped tensor, whose output must
  /// be a tensor of the returned shape.
  ///
  /// Returns false (changing nothing) when `id` is not an
  /// alias of a local tensor's whole storage.
  public mutating func makeStorageOwner(_ id: TensorID) -> Bool {
    guard let a = kernel[id].alias, a.offset == 0, kernel[a.base].role == .local,
      kernel[a.base].elementCount == kernel[id].elementCount, kernel[id].space.isHBM
    else { return false }
    for i in kernel.tensors.indices where kernel.tensors[i].alias?.base == a.base {
      note(.tensor(i, kernel.tensors[i]))
      kernel.tensors[i].alias?.base = id
    }
    note(.tensor(id.index, kernel.tensors[id.index]))
    kernel.tensors[id.index].alias = nil
    note(.tensor(a.base.index, kernel.tensors[a.base.index]))
    kernel.tensors[a.base.index].alias = StorageAlias(base: id, offset: 0, partitionStride: nil)
    recountWrites()
    return true
  }

  /// Returns the index variable of `nl.program_id(axis)`, declaring it on first use.
  public mutating func programID(axis: Int) -> IndexVar {
    if let i = kernel.indexVars.firstIndex(where: { $0.kind == .programID(axis: axis) }) {
      return IndexVar(i)
    }
    kernel.indexVars.append(Kernel.IndexVarDecl(name: "pid\(axis)", kind: .programID(axis: axis)))
    return IndexVar(kernel.indexVars.count - 1)
  }

  /// Opens a structured loop and returns its induction variable; close it with ``endLoop()``.
  public mutating func beginLoop(
    name: String, kind: LoopKind, start: Int = 0, stop: Int, step: Int = 1,
    location: SourceLocation = .unknown
  ) -> IndexVar {
    kernel.indexVars.append(Kernel.IndexVarDecl(name: name, kind: .loop))
    let v = IndexVar(kernel.indexVars.count - 1)
    openLoops.append(kernel.instructions.count)
    kernel.instructions.append(
      Instruction(
        .loopBegin(Loop(variable: v, start: start, stop: stop, step: step, kind: kind, end: -1)),
        location: location))
    return v
  }

  /// Opens a loop the hardware runs (`nl.dynamic_range`, `while reg:`), whose extent `bound` is
  /// read at run time, and returns its induction variable (`start`, `start + step`, …); close it
  /// with ``endLoop()``.
  public mutating func beginDynamicLoop(
    name: String, start: Int = 0, step: Int = 1, bound: DynamicBound, location: SourceLocation = .unknown
  ) -> IndexVar {
    kernel.indexVars.append(Kernel.IndexVarDecl(name: name, kind: .loop))
    let v = IndexVar(kernel.indexVars.count - 1)
    openLoops.append(kernel.instructions.count)
    let kind: LoopKind
    switch bound {
    case .stop: kind = .dynamic
    case .condition: kind = .whileNonzero
    }
    kernel.instructions.append(
      Instruction(
        .loopBegin(Loop(variable: v, start: start, stop: start, step: step, kind: kind, end: -1, dynamic: bound)),
        location: location))
    return v
  }

  /// Closes the innermost open loop.
  public mutating func endLoop(location: SourceLocation = .unknown) throws(KernelError) {
    guard let begin = openLoops.popLast() else {
      throw KernelError(.malformed("loop end without a loop"), at: location)
    }
    let end = kernel.instructions.count
    if case .loopBegin(var loop) = kernel.instructions[begin].operation {
      note(.instruction(begin, kernel.instructions[begin]))
      loop.end = end
      kernel.instructions[begin].operation = .loopBegin(loop)
    }
    kernel.instructions.append(Instruction(.loopEnd(begin: begin), location: location))
  }

  /// Puts the instructions in a new order: `order` lists every instruction index exactly once.
  ///
  /// Loop bounds and tensors' declaring loops follow their instructions; a loop must stay whole
  /// and in order (the caller keeps each loop's instructions together). Used to interleave the
  /// programs of a launch at their rendezvous points.
  public mutating func reorderInstructions(_ order: [Int]) {
    let old = kernel.instructions
    guard order.count == old.count, Set(order).count == old.count else { return }
    note(.instructions(old))
    note(.tensors(kernel.tensors))
    var newIndex = [Int](repeating: 0, count: old.count)
    for (n, o) in order.enumerated() { newIndex[o] = n }
    kernel.instructions = order.map { o in
      var inst = old[o]
      inst.operation = inst.operation.renumberingLoopLink(newIndex)
      return inst
    }
    for i in kernel.tensors.indices {
      if let l = kernel.tensors[i].enclosingLoop, l < newIndex.count { kernel.tensors[i].enclosingLoop = newIndex[l] }
    }
  }

  /// Records where the programs of a launch meet (``Kernel/rendezvous``): instruction indices of
  /// the kernel as it now stands, ascending.
  public mutating func setRendezvous(_ points: [Int]) {
    kernel.rendezvous = points.sorted()
  }

  /// Appends an instruction.
  public mutating func emit(
    _ operation: Operation, engine: Engine? = nil, mask: [AffineCondition] = [],
    location: SourceLocation = .unknown
  ) {
    var inst = Instruction(operation, engine: engine, mask: mask, location: location)
    inst.program = program
    countWrites(of: inst, 1)
    kernel.instructions.append(inst)
  }

  /// Sets the returned tensors.
  public mutating func setOutputs(_ outputs: [TensorID]) {
    kernel.outputs = outputs
  }

  /// Sets the SPMD launch grid.
  public mutating func setGrid(_ grid: [Int]) {
    kernel.grid = grid
  }

  /// Renames a tensor (a front end names a result tile after the variable it is bound to).
  public mutating func renameTensor(_ id: TensorID, to name: String) {
    note(.tensor(id.index, kernel.tensors[id.index]))
    kernel.tensors[id.index].name = name
  }

  /// The number of instructions emitted so far.
  public var instructionCount: Int { kernel.instructions.count }

  /// The instruction at `index`.
  public func instruction(at index: Int) -> Instruction { kernel.instructions[index] }

  /// Replaces the instruction at `index` (a front end retargets a result into its final place).
  public mutating func replaceInstruction(at index: Int, with instruction: Instruction) {
    note(.instruction(index, kernel.instructions[index]))
    countWrites(of: kernel.instructions[index], -1)
    countWrites(of: instruction, 1)
    kernel.instructions[index] = instruction
  }

  /// Drops every instruction from index `count` on (an interactive session undoing a failed
  /// statement); loops opened there are closed off as well.
  public mutating func truncate(toInstructionCount count: Int) {
    guard count < kernel.instructions.count else { return }
    note(.instructions(kernel.instructions))
    kernel.instructions.removeSubrange(max(0, count)...)
    openLoops.removeAll { $0 >= count }
    recountWrites()
  }

  /// Whether no instruction built so far writes `t`'s storage except matmuls (a PSUM tile that
  /// `+=` accumulates matmuls into starts an accumulation group whose first write overwrites).
  public func onlyMatmulsWrite(_ t: TensorID) -> Bool {
    (nonMatmulWrites[kernel.storage(of: t)] ?? 0) == 0
  }

  /// Adds `delta` to the write counts of the storages `instruction` writes, unless it is a matmul.
  mutating func countWrites(of instruction: Instruction, _ delta: Int) {
    if case .matmul = instruction.operation { return }
    for v in instruction.operation.destinations {
      nonMatmulWrites[kernel.storage(of: v.tensor), default: 0] += delta
    }
  }

  /// Counts the writes of every instruction anew (after storages or instructions changed wholesale).
  private mutating func recountWrites() {
    nonMatmulWrites = [:]
    for inst in kernel.instructions { countWrites(of: inst, 1) }
  }

  /// The declaration of a tensor built so far.
  public func tensor(_ id: TensorID) -> TensorDecl { kernel.tensors[id.index] }

  /// Closes the kernel, verifies it for `target` and returns it.
  ///
  /// With `foldCopies`, result copies are folded first (``Kernel/foldingResultCopies()``): the
  /// front ends use it so that both lower the same code to the same IR. With `checkDependences`,
  /// it also runs ``DependenceAnalysis``: iterations of an
  /// `affine_range` (and SPMD instances) must not write what another one touches, except SPMD
  /// instances writing the same elements of a tensor the kernel creates, which the interpreter
  /// checks for equal values (``Kernel/sharedWrites``).
  public func finish(target: Target, checkDependences: Bool = false, foldCopies: Bool = false) throws(KernelError)
    -> Kernel
  {
    if let open = openLoops.last {
      throw KernelError(.malformed("loop is never closed"), at: kernel.instructions[open].location)
    }
    var kernel = (foldCopies ? self.kernel.foldingResultCopies() : self.kernel).materializingBitcasts()
    try Verifier(target: target).verify(kernel)
    if checkDependences {
      do {
        kernel.sharedWrites = try DependenceAnalysis().checkDeferringSharedWrites(kernel)
      } catch {
        throw KernelError(.dependence(error), at: error.location)
      }
    }
    return kernel
  }
}
