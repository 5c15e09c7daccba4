/// An error in a kernel: a rule of the hardware that the IR breaks, or a fault while running it.
///
/// Errors carry structured payloads; ``KernelError/message`` renders them in one place, with NKI's
/// own wording where NKI has one (`docs/diagnostics.md` lists them).
public struct KernelError: Error, Sendable, Hashable, DiagnosticConvertible {
  /// What went wrong.
  public enum Kind: Sendable, Hashable {
    /// An on-chip tensor's partition dimension exceeds 128.
    case partitionDimensionTooLarge(tensor: String, size: Int, limit: Int)
    /// A PSUM tile is larger than one 2 KiB bank per partition.
    case psumTileTooLarge(tensor: String, bytesPerPartition: Int, limit: Int)
    /// A tensor or view has an empty or negative dimension.
    case invalidShape(tensor: String, shape: [Int])
    /// An operand is in a memory space the operation cannot use.
    case wrongMemorySpace(operand: String, expected: String, actual: MemorySpace)
    /// The engine cannot run the operation.
    case wrongEngine(engine: Engine, allowed: [Engine])
    /// Partition counts of operands differ.
    case partitionMismatch(operands: [String], shapes: [[Int]])
    /// Shapes of operands differ where they must agree.
    case shapeMismatch(operands: [String], shapes: [[Int]])
    /// An access leaves a tensor's bounds.
    case outOfBounds(tensor: String, dimension: Int, low: Int, high: Int, size: Int)
    /// A matmul operand's free size exceeds the Tensor engine's limit.
    case matmulFreeSizeTooLarge(operand: String, size: Int, limit: Int)
    /// A matmul's contraction (partition) sizes differ or exceed 128.
    case matmulContraction(stationary: Int, moving: Int)
    /// A dtype the operation does not accept.
    case invalidDType(operand: String, dtype: DType, reason: String)
    /// An ALU op the operation does not accept.
    case invalidOp(op: String, reason: String)
    /// The on-chip tensors live at one point do not fit in SBUF or PSUM. `blocks` counts the
    /// requesting tensor's blocks live at once when it is a PSUM block tensor.
    case capacityExceeded(
      space: MemorySpace, tensor: String, requestedBytesPerPartition: Int, partitions: Int,
      live: [LiveTensor], limitBytesPerPartition: Int, blocks: Int? = nil)
    /// A malformed structure (a loop without an end, a variable used outside its loop, …).
    case malformed(String)
    /// A mask or affine condition the hardware cannot express.
    case invalidMask(String)
    /// A feature that Tessel does not implement yet.
    case unsupported(String)
    /// A run exceeded a resource limit.
    case resourceLimit(what: String, limit: Int)
    /// A kernel argument does not match the parameter.
    case argumentMismatch(parameter: String, expected: String, actual: String)
    /// Iterations of an `affine_range` (or SPMD instances) touch the same elements.
    case dependence(DependenceError)
    /// A strict run (`RunOptions.strict`, `--strict`) warned: every warning, in order.
    case warningsAsErrors([Diagnostic])
    /// An operand's elements per partition are outside what the operation accepts.
    case freeSizeOutOfRange(operand: String, size: Int, low: Int, high: Int)
    /// The operation exists only on a newer NeuronCore than the target's.
    case unavailableOnTarget(needs: Target, actual: Target)
    /// At run time, a partition an instruction reads from does not exist in its source.
    case missingPartition(operand: String, partition: Int, partitions: Int, reason: String)
    /// At run time, a value an instruction must find in a partition does not occur there.
    case valueNotFound(operand: String, partition: Int, slot: Int, value: Float)
    /// At run time, an indirect DMA's index moves a partition's access out of its tensor.
    case indirectOutOfBounds(tensor: String, dimension: Int, partition: Int, index: Int, low: Int, high: Int, size: Int)
    /// At run time, integer arithmetic (``IntegerFault``) has no result Tessel can store exactly:
    /// `lhs op rhs` on the elements of `partition`, written as `dtype`.
    case integerArithmetic(op: ALUOp, lhs: Int64, rhs: Int64, partition: Int, dtype: DType, fault: IntegerFault)
    /// The run was stopped before its end on request (a debugger's `:quit`): `reason` says why.
    case abandoned(reason: String)
  }

  /// Why integer arithmetic (all-`int32`/`uint32` operands) has no result Tessel can store.
  public enum IntegerFault: Error, Sendable, Hashable {
    /// The divisor of `divide`, `mod` or `fmod` is 0.
    case divisionByZero
    /// `power` with a negative exponent (no integer result).
    case negativeExponent
    /// The exact result does not fit in 64 bits.
    case beyond64Bits
    /// The exact result is outside the destination dtype's range.
    case outOfRange(Int64)
    /// The exact result is beyond 2^24 and between two fp32 values, which Tessel's memory holds.
    case inexact(Int64)
  }

  /// A live tensor listed in a capacity error.
  public struct LiveTensor: Sendable, Hashable {
    /// The tensor's name.
    public var name: String
    /// Its bytes per partition.
    public var bytesPerPartition: Int
    /// Its partitions.
    public var partitions: Int
    /// Where it was declared.
    public var location: SourceLocation
    /// How many of its blocks are live, for a PSUM block tensor (nil for a plain tile).
    public var blocks: Int?
    /// Creates an entry.
    public init(
      name: String, bytesPerPartition: Int, partitions: Int, location: SourceLocation, blocks: Int? = nil
    ) {
      self.name = name
      self.bytesPerPartition = bytesPerPartition
      self.partitions = partitions
      self.location = location
      self.blocks = blocks
    }

    /// `qk` (3 blocks) 6144 B × 128.
    var summary: String {
      "`\(name)`" + (blocks.map { " (\($0) \($0 == 1 ? "block" : "blocks"))" } ?? "")
        + " \(bytesPerPartition) B × \(partitions)"
    }
  }

  /// What went wrong.
  public var kind: Kind
  /// The NKI name of the operation involved (`tensor_tensor`, `nc_matmul`), when there is one.
  public var operation: String?
  /// Where it happened.
  public var location: SourceLocation

  /// Creates an error.
  public init(_ kind: Kind, operation: String? = nil, at location: SourceLocation = .unknown) {
    self.kind = kind
    self.operation = operation
    self.location = location
  }

  /// The one-line message.
  public var message: String {
    let op = operation.map { "'\($0)'" } ?? "the kernel"
    switch kind {
    case .partitionDimensionTooLarge(let t, let size, let limit):
      return "Size of partition dimension \(size) exceeds architecture limitation of \(limit) (tensor `\(t)`)."
    case .psumTileTooLarge(let t, let bytes, let limit):
      return
        "PSUM tile `\(t)` needs \(bytes) bytes per partition, more than one PSUM bank (\(limit) bytes, 512 fp32 elements)"
    case .invalidShape(let t, let shape):
      return "invalid shape \(shape) for `\(t)`: every dimension must be at least 1"
    case .wrongMemorySpace(let operand, let expected, let actual):
      return
        "Expected operand '\(operand)' of \(op) to be in address space '\(expected)', but got a tile in '\(actual.nkiName)' instead"
    case .wrongEngine(let engine, let allowed):
      return
        "\(op) cannot run on the \(engine.rawValue) engine (allowed: \(allowed.map(\.rawValue).joined(separator: ", ")))"
    case .partitionMismatch(let names, let shapes):
      let params = zip(names, shapes).map { "\($0)\($1)" }.joined(separator: ", ")
      return "number of partitions (dimension 0 size of a tile) mismatch in parameters (\(params)) of \(op)"
    case .shapeMismatch(let names, let shapes):
      let params = zip(names, shapes).map { "\($0)\($1)" }.joined(separator: ", ")
      return "shape mismatch in parameters (\(params)) of \(op)"
    case .outOfBounds(let t, let dim, let lo, let hi, let size):
      return
        "Out-of-bound access for tensor `\(t)` on dimension \(dim): index range [\(lo), \(hi)] exceed dimension size of \(size)"
    case .matmulFreeSizeTooLarge(let operand, let size, let limit):
      return "free size \(size) of \(operand) in \(op) exceeds architecture limitation of \(limit)"
    case .matmulContraction(let s, let m):
      if s != m {
        return
          "contraction dimension mismatch in \(op): stationary has \(s) partitions, moving has \(m); the contraction axis must be the partition dimension of both operands"
      }
      return "contraction size \(s) of \(op) exceeds architecture limitation of 128"
    case .invalidDType(let operand, let dtype, let reason):
      return "invalid dtype \(dtype) for operand '\(operand)' of \(op): \(reason)"
    case .invalidOp(let o, let reason):
      return "invalid op \(o) for \(op): \(reason)"
    case .capacityExceeded(let space, let t, let bytes, let parts, let live, let limit, let blocks):
      return Self.capacityMessage(space, t, bytes, parts, live, limit, blocks)
    case .malformed(let what):
      return what
    case .invalidMask(let what):
      return "invalid mask on \(op): \(what)"
    case .unsupported(let what):
      return "unsupported: \(what)"
    case .resourceLimit(let what, let limit):
      return "resource limit exceeded: \(what) (limit \(limit))"
    case .argumentMismatch(let p, let expected, let actual):
      return "argument for parameter `\(p)` does not match: expected \(expected), got \(actual)"
    case .dependence(let d):
      return d.diagnostic.message
    case .warningsAsErrors(let ws):
      let first = ws.first?.message ?? "a warning"
      let more = ws.count > 1 ? " (and \(ws.count - 1) more \(ws.count == 2 ? "warning" : "warnings"))" : ""
      return "\(first)\(more); a strict run makes warnings errors"
    case .freeSizeOutOfRange(let operand, let size, let low, let high):
      return "\(op) needs \(low) to \(high) elements per partition in '\(operand)', got \(size)"
    case .unavailableOnTarget(let needs, let actual):
      return
        "\(op) is available only on \(needs.rawValue) (\(needs.generation)) and newer; the target is \(actual.rawValue) (\(actual.generation))"
    case .missingPartition(let operand, let partition, let partitions, let reason):
      return
        "\(op) reads partition \(partition) of '\(operand)', which has \(partitions) partition\(partitions == 1 ? "" : "s") (\(reason))"
    case .valueNotFound(let operand, let partition, let slot, let value):
      return
        "\(op): value \(value) of \(operand)[\(partition), \(slot)] does not occur in partition \(partition) of 'data' (what the hardware writes to its index slot is not documented, so Tessel stops)"
    case .indirectOutOfBounds(let t, let dim, let partition, let index, let lo, let hi, let size):
      return
        "\(op) failed to run scatter/gather (indirect memory copy via vector DGE), due to out-of-bound access: index \(index) of partition \(partition) moves tensor `\(t)` to [\(lo), \(hi)] on dimension \(dim), of size \(size)"
    case .integerArithmetic(let alu, let lhs, let rhs, let partition, let dtype, let fault):
      let what = "\(alu.nkiName)(\(lhs), \(rhs)) in partition \(partition) (integer arithmetic: \(dtype.nkiName) tiles)"
      switch fault {
      case .divisionByZero:
        return "\(op): integer division by zero, \(what); the hardware's result is not documented, so Tessel stops"
      case .negativeExponent:
        return "\(op): integer power with a negative exponent, \(what), has no integer result"
      case .beyond64Bits:
        return "\(op): integer overflow, \(what); the hardware's result is not documented, so Tessel stops"
      case .outOfRange(let r):
        return
          "\(op): integer overflow, \(what) is \(r), outside the range of \(dtype.nkiName); the hardware's result is not documented, so Tessel stops"
      case .inexact(let r):
        return
          "unsupported: \(op) gives \(r) for \(what), which Tessel cannot keep exactly (elements are held as fp32 values: integers up to 2^24)"
      }
    case .abandoned(let reason):
      return "run abandoned at \(op): \(reason)"
    }
  }

  /// The error as a located diagnostic.
  public var diagnostic: Diagnostic {
    if case .dependence(let d) = kind { return d.diagnostic }
    if case .warningsAsErrors(let ws) = kind, let first = ws.first {
      // The first warning as the error, the others as notes at their own locations.
      var d = Diagnostic(.error, message, at: first.location, notes: first.notes)
      d.notes += ws.dropFirst().map { Diagnostic(.note, "warning: \($0.message)", at: $0.location) }
      return d
    }
    var notes: [Diagnostic] = []
    if case .capacityExceeded(_, _, _, _, let live, _, _) = kind {
      notes = live.filter { $0.location.isKnown }.prefix(8).map {
        Diagnostic(
          .note,
          "`\($0.name)` (\($0.blocks.map { "\($0) blocks, " } ?? "")\($0.bytesPerPartition) bytes per partition) is live here, declared",
          at: $0.location)
      }
    }
    return Diagnostic(.error, message, at: location.isKnown ? location : nil, notes: notes)
  }
}

extension KernelError {
  /// The capacity message: what the tensor needs, and either that it exceeds the memory on its
  /// own or what else holds the memory at that point.
  ///
  /// PSUM sizes are also given in 2 KiB banks.
  static func capacityMessage(
    _ space: MemorySpace, _ t: String, _ bytes: Int, _ parts: Int, _ live: [LiveTensor], _ limit: Int,
    _ blocks: Int?
  ) -> String {
    let memory = space == .psum ? "PSUM" : "SBUF"
    let bank = Target.trn2.psumBankBytes
    func banks(_ b: Int) -> Int { (b + bank - 1) / bank }
    func size(_ b: Int) -> String {
      guard space == .psum else { return "\(b) bytes per partition" }
      return "\(b) bytes per partition (\(banks(b)) \(banks(b) == 1 ? "bank" : "banks"))"
    }
    let what = blocks.map { "\($0) blocks of `\(t)` live at once need" } ?? "`\(t)` needs"
    let head = "\(memory) capacity exceeded: \(what) \(size(bytes)) on \(parts) partitions"
    if bytes > limit {
      let alone = blocks == nil ? "on its own" : "on their own"
      return "\(head), more than the \(size(limit)) of \(memory) \(alone) (\(bytes) > \(limit))"
    }
    let used = live.map(\.bytesPerPartition).reduce(0, +)
    let held =
      space == .psum
      ? "\(used) of \(limit) bytes per partition (\(banks(used)) of \(banks(limit)) banks)"
      : "\(used) of \(limit) bytes per partition"
    return "\(head), but \(held) are held by live tensors [\(live.map(\.summary).joined(separator: ", "))]"
  }
}

extension KernelError: CustomStringConvertible {
  public var description: String { location.isKnown ? "\(location): \(message)" : message }
}
