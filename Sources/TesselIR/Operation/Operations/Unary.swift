/// The facts and rules of an operation with one destination and one source; its payload is
/// ``Operation/Unary``.
///
/// A conforming type is a caseless enum named after the operation (``Operation/Load``,
/// ``Operation/Transpose``, …) that holds its row of the operation table and its verifier rules.
public protocol UnaryOperationKind: Sendable {
  /// The operation's row of the operation table.
  static var info: OperationInfo { get }
  /// The NKI name of the source operand; by default `src` for DMA transfers, `data` for compute.
  static var sourceName: String { get }
  /// Checks the operation's own NKI rules (see ``OperationPayload/verify(_:)``); by default, that
  /// the source and the destination are tiles of the same shape.
  static func verify(_ payload: Operation.Unary<Self>, _ check: InstructionCheck) throws(KernelError)
  /// The instruction's cost formula (see ``OperationPayload/cost``); by default the row's.
  static func cost(_ payload: Operation.Unary<Self>) -> CostRule
}

extension UnaryOperationKind {
  public static var sourceName: String { info.groups.contains(.dataMovement) ? "src" : "data" }

  public static func verify(_ payload: Operation.Unary<Self>, _ check: InstructionCheck) throws(KernelError) {
    try check.sameTile([(sourceName, payload.src), ("dst", payload.dst)])
  }

  public static func cost(_ payload: Operation.Unary<Self>) -> CostRule { info.cost }
}

extension Operation {
  /// The payload of an operation with one destination and one source; `Kind` says which.
  public struct Unary<Kind: UnaryOperationKind>: OperationPayload {
    /// The tile written.
    public var dst: View
    /// The tile read.
    public var src: View

    public static var info: OperationInfo { Kind.info }

    /// The source's shape for reductions and statistics, the destination's otherwise.
    public var iterationShape: [Int] {
      Kind.info.groups.contains(.reduction) ? src.shape : dst.shape
    }

    /// The destination, then the source named as `Kind` says (a generic type holds no stored
    /// static table, so this one is built on each read; the two walks below do without it).
    public static var operands: [OperandSlot<Self>] {
      [.init("dst", .destination, \.dst), .init(Kind.sourceName, .source, \.src)]
    }

    public mutating func visitOperands<Visitor: OperandVisitor>(_ visitor: inout Visitor) {
      visitor.visit("dst", .destination, &dst)
      visitor.visit(Kind.sourceName, .source, &src)
    }

    public func collectOperands(into uses: inout [OperandUse], writtenOnly: Bool) {
      uses.append(OperandUse(name: "dst", role: .destination, view: dst))
      if !writtenOnly { uses.append(OperandUse(name: Kind.sourceName, role: .source, view: src)) }
    }

    public func verify(_ check: InstructionCheck) throws(KernelError) {
      try Kind.verify(self, check)
    }

    public func printedArguments(_ format: IRFormat) -> String {
      format.view(src)
    }

    public var cost: CostRule { Kind.cost(self) }
  }
}
