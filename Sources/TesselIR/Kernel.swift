/// A traced kernel: tensors, index variables and a flat list of instructions.
///
/// The IR is flat: instructions live in one array and refer to tensors by ``TensorID``; loops are
/// ``Operation/loopBegin(_:)`` / ``Operation/loopEnd(begin:)`` pairs around their bodies. Build one
/// with ``KernelBuilder``; check it with ``Verifier``; print it with ``Kernel/printed()``.
public struct Kernel: Sendable, Hashable, Codable {
  /// What an index variable stands for.
  public enum IndexVarKind: Sendable, Hashable, Codable {
    /// A loop induction variable.
    case loop
    /// `nl.program_id(axis)`.
    case programID(axis: Int)
  }

  /// An index variable's declaration.
  public struct IndexVarDecl: Sendable, Hashable, Codable {
    /// The user-visible name (`i`, `k_tile`, `pid0`).
    public var name: String
    /// Loop variable or program id.
    public var kind: IndexVarKind
    /// Creates a declaration.
    public init(name: String, kind: IndexVarKind) {
      self.name = name
      self.kind = kind
    }
  }

  /// A kernel parameter: a named HBM tensor supplied by the caller.
  public struct Parameter: Sendable, Hashable, Codable {
    /// The parameter name in the kernel's signature.
    public var name: String
    /// The tensor it binds.
    public var tensor: TensorID
  }

  /// The kernel's name.
  public var name: String
  /// Every tensor: parameters, outputs and on-chip tiles.
  public var tensors: [TensorDecl]
  /// Every index variable: loop variables and program ids.
  public var indexVars: [IndexVarDecl]
  /// The instructions, in program order.
  public var instructions: [Instruction]
  /// The HBM parameters, in signature order.
  public var parameters: [Parameter]
  /// The returned tensors, in order.
  public var outputs: [TensorID]
  /// The SPMD launch grid (`kernel[g0, g1]`); empty for a single instance.
  public var grid: [Int]
  /// The kernel's `nl.device_print` calls, in program order (each copies into a log tensor).
  public var devicePrints: [DevicePrint] = []
  /// HBM tensors that several SPMD program instances write in the same elements, which the
  /// interpreter accepts only when they write equal values (``SharedWrite``).
  public var sharedWrites: [SharedWrite] = []
  /// Where the programs of a launch traced one by one into this kernel meet: instruction indices.
  ///
  /// Each instruction is stamped with its ``Instruction/program``; the programs meet at
  /// `nisa.sendrecv`, `nisa.core_barrier` and `nl.all_reduce`, in ascending order. The instructions from one index
  /// up to the next run between the same two rendezvous, so nothing orders two programs' writes
  /// among them; a rendezvous orders everything before it before everything after it.
  public var rendezvous: [Int] = []
  /// The SPMD launch grid of a kernel whose program instances were traced one by one into it.
  ///
  /// The legacy dialect specialises a launch per program for Python control flow on
  /// `nl.program_id` and for `nl.all_reduce` across programs: ``Instruction/program`` is the
  /// instance, row-major over it. Empty otherwise (a launch on several cores numbers its
  /// programs without a grid).
  public var programGrid: [Int] = []

  /// An HBM tensor that different SPMD program instances write in the same elements.
  ///
  /// NKI runs the instances of a grid independently and does not reject such a kernel; where the
  /// instances write equal values (a kernel that ignores `nl.program_id` and computes the whole
  /// output in every instance) the result is well defined. Whether the values are equal is known
  /// only at run time, so ``DependenceAnalysis/checkDeferringSharedWrites(_:)`` records the
  /// overlap here and the interpreter compares the values each instance writes.
  public struct SharedWrite: Sendable, Hashable, Codable {
    /// The tensor.
    public var tensor: TensorID
    /// The first overlap the static analysis found (two writes, two program instances).
    public var overlap: DependenceError
  }

  /// Creates a kernel.
  public init(
    name: String, tensors: [TensorDecl] = [], indexVars: [IndexVarDecl] = [],
    instructions: [Instruction] = [], parameters: [Parameter] = [], outputs: [TensorID] = [],
    grid: [Int] = []
  ) {
    self.name = name
    self.tensors = tensors
    self.indexVars = indexVars
    self.instructions = instructions
    self.parameters = parameters
    self.outputs = outputs
    self.grid = grid
  }

  /// The declaration of a tensor.
  public subscript(tensor: TensorID) -> TensorDecl { tensors[tensor.index] }

  /// The number of SPMD program instances.
  public var instanceCount: Int { grid.reduce(1, *) }
}
