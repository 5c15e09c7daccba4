/// An `affine_range` or SPMD dependence: two accesses that independent iterations (or program
/// instances) make to the same tensor element, where at least one of them writes it.
///
/// NKI rejects such kernels with "Unexpected output dependencies" (`docs/diagnostics.md`): the
/// iterations of an `affine_range` may run in any order or at once, so their results would depend
/// on the schedule. The payload is structured; ``message`` renders it in one place.
///
/// ```text
/// error: Unexpected output dependencies: `out[0, 0]` is written by 'store' (line 9) in iteration i = 0
///        and by 'store' (line 9) in iteration i = 1 of affine_range `i`; ...
/// ```
public struct DependenceError: Error, Sendable, Hashable, Codable, DiagnosticConvertible, CustomStringConvertible {
  /// What the two accesses do to the shared element.
  public enum Conflict: String, Sendable, Hashable, Codable {
    /// Both write it.
    case writeWrite = "write/write"
    /// One writes it and the other reads it.
    case writeRead = "write/read"
  }

  /// How an access touches the element.
  public enum AccessKind: Sendable, Hashable, Codable {
    /// A plain read.
    case read
    /// A plain write.
    case write
    /// An associative accumulation with the given operator (`+=` into PSUM or SBUF).
    case accumulate(ALUOp)

    /// The past participle used in messages (`read`, `written`, `accumulated into`).
    var participle: String {
      switch self {
      case .read: "read"
      case .write: "written"
      case .accumulate: "accumulated into"
      }
    }
  }

  /// Which independent units the accesses belong to.
  public enum Scope: Sendable, Hashable, Codable {
    /// Two different iterations of the `affine_range` loop whose variable is named `variable`
    /// (the loop starts at instruction `loop`).
    case loop(variable: String, loop: Int)
    /// Two different SPMD program instances of the launch grid `grid`.
    case spmd(grid: [Int])
    /// Two of the `count` programs of a launch on several cores (`--lnc 2`), between the same
    /// two rendezvous (``Kernel/rendezvous``), so that nothing orders their accesses.
    case programs(count: Int)
  }

  /// One of the two accesses.
  public struct Access: Sendable, Hashable, Codable {
    /// The NKI name of the operation (`store`, `nc_matmul`, `tensor_tensor`).
    public var operation: String
    /// The operand (`dst`, `src`, `data1`, ...).
    public var operand: String
    /// Read, write or accumulation.
    public var kind: AccessKind
    /// The instruction's index in ``Kernel/instructions``.
    public var instruction: Int
    /// Where the instruction came from.
    public var location: SourceLocation
    /// The iteration: the loop variable's value, or the program ids of the instance.
    public var iteration: [Int]

    /// Creates an access.
    public init(
      operation: String, operand: String, kind: AccessKind, instruction: Int, location: SourceLocation,
      iteration: [Int]
    ) {
      self.operation = operation
      self.operand = operand
      self.kind = kind
      self.instruction = instruction
      self.location = location
      self.iteration = iteration
    }
  }

  /// The tensor both accesses touch.
  public var tensor: String
  /// An element both touch, one index per dimension in the order the kernel indexes the tensor
  /// (``TensorDecl/userIndices(ofStored:)``).
  public var element: [Int]
  /// The access that comes first in program order.
  public var first: Access
  /// The access that comes second in program order (the same instruction for a self-conflict).
  public var second: Access
  /// Write/write or write/read.
  public var conflict: Conflict
  /// Loop iterations or program instances.
  public var scope: Scope
  /// For SPMD writes checked at run time (``Kernel/sharedWrites``): the different values the two
  /// program instances wrote, in their order; nil for a conflict found by the static analysis.
  public var differingValues: [Float]? = nil

  /// Creates an error.
  public init(
    tensor: String, element: [Int], first: Access, second: Access, conflict: Conflict, scope: Scope
  ) {
    self.tensor = tensor
    self.element = element
    self.first = first
    self.second = second
    self.conflict = conflict
    self.scope = scope
  }

  /// Where the error is reported: the second access.
  public var location: SourceLocation { second.location }

  /// What the two accesses do: `` `out[0, 0]` is written by 'store' (line 9) in iteration i = 0
  /// and by 'store' (line 9) in iteration i = 1``.
  public var accessSummary: String {
    let a = describe(first)
    let b = describe(second)
    let how =
      first.kind.participle == second.kind.participle
      ? "\(first.kind.participle) by \(a) and by \(b)"
      : "\(first.kind.participle) by \(a) and \(second.kind.participle) by \(b)"
    return "\(elem) is \(how)"
  }

  /// The element, as `` `out[0, 3]` ``.
  private var elem: String { "`\(tensor)[\(element.map(String.init).joined(separator: ", "))]`" }

  /// The one-line message.
  public var message: String {
    switch scope {
    case .loop(let v, _):
      return "Unexpected output dependencies: \(accessSummary) of affine_range `\(v)`; "
        + "make the iterations touch disjoint elements (index by `\(v)`) or use nl.sequential_range"
    case .spmd(let grid):
      if let values = differingValues, values.count == 2 {
        let (i, j) = (first.iteration.map(String.init), second.iteration.map(String.init))
        return "Unexpected output dependencies: \(elem) is written with different values by program instances "
          + "(\(i.joined(separator: ", "))) and (\(j.joined(separator: ", "))) of the SPMD grid \(grid) "
          + "(\(values[0]) and \(values[1])); make the program instances write disjoint regions of HBM"
      }
      return "Unexpected output dependencies: \(accessSummary) of the SPMD grid \(grid); "
        + "make the program instances write disjoint regions of HBM"
    case .programs(let count):
      let values = differingValues.map { " with different values (\($0.map { "\($0)" }.joined(separator: " and ")))" }
      return "Unexpected output dependencies: \(elem) is written\(values ?? "") by \(describe(first)) and by "
        + "\(describe(second)) of the launch on \(count) cores, with no rendezvous (nisa.sendrecv, nisa.core_barrier) "
        + "between the two writes; make the programs write disjoint regions of HBM, or order the writes with "
        + "nisa.core_barrier"
    }
  }

  /// `'store' (line 9) in iteration i = 0` or `'store' (line 9) in program instance (0, 1)`.
  private func describe(_ x: Access) -> String {
    let line = x.location.isKnown ? " (line \(x.location.line))" : ""
    switch scope {
    case .loop(let v, _):
      return "'\(x.operation)'\(line) in iteration \(v) = \(x.iteration.first.map(String.init) ?? "?")"
    case .spmd:
      return "'\(x.operation)'\(line) in program instance (\(x.iteration.map(String.init).joined(separator: ", ")))"
    case .programs:
      return "'\(x.operation)'\(line) in program \(x.iteration.first.map(String.init) ?? "?")"
    }
  }

  /// The error as a located diagnostic: at the second access, with a note at the first.
  public var diagnostic: Diagnostic {
    var notes: [Diagnostic] = []
    if first.instruction != second.instruction && first.location.isKnown {
      notes.append(Diagnostic(.note, "the other access: \(describe(first))", at: first.location))
    }
    return Diagnostic(.error, message, at: location.isKnown ? location : nil, notes: notes)
  }

  /// `file:line:column: message`, or the message alone when the location is unknown.
  public var description: String { location.isKnown ? "\(location): \(message)" : message }
}
