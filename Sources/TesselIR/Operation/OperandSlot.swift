/// One row of a payload's operand table: the operand's NKI name, its role, and the stored property
/// that holds it.
///
/// Every payload lists its operands once, as `static let operands` (``OperationPayload/operands``),
/// destination first, then the others in NKI order:
///
/// ```swift
/// public static let operands: [OperandSlot<Self>] = [
///   .init("dst", .destination, \.dst), .init("data", .source, \.src),
///   .init("operand0", .perPartition, \.stage0.operand),
/// ]
/// ```
///
/// Generic code never reads the table directly: ``OperationPayload/visitOperands(_:)`` walks it, and
/// ``Operation/operands``, ``Operation/remapped(_:_:)`` and the passes built on them read every
/// payload alike.
public struct OperandSlot<Payload>: Sendable {
  /// The NKI operand name used in diagnostics (`data`, `stationary`, `operand0`, `dst`); a list
  /// operand's elements are named `name[i]`.
  public let name: String
  /// What the operand is to the operation.
  public let role: OperandRole
  /// Where the operand is stored in the payload.
  let field: Field

  /// The kinds of stored property an operand may live in.
  enum Field: Sendable {
    case view(WritableKeyPath<Payload, View> & Sendable)
    case optionalView(WritableKeyPath<Payload, View?> & Sendable)
    case operand(WritableKeyPath<Payload, Operand> & Sendable)
    case optionalOperand(WritableKeyPath<Payload, Operand?> & Sendable)
    case views(WritableKeyPath<Payload, [View]> & Sendable)
  }

  /// A view operand.
  public init(_ name: String, _ role: OperandRole, _ path: WritableKeyPath<Payload, View> & Sendable) {
    self.init(name: name, role: role, field: .view(path))
  }

  /// A view operand that may be absent (`nil` is not visited).
  public init(_ name: String, _ role: OperandRole, _ path: WritableKeyPath<Payload, View?> & Sendable) {
    self.init(name: name, role: role, field: .optionalView(path))
  }

  /// An operand that is a scalar immediate or a view.
  public init(_ name: String, _ role: OperandRole, _ path: WritableKeyPath<Payload, Operand> & Sendable) {
    self.init(name: name, role: role, field: .operand(path))
  }

  /// An operand that may be absent, a scalar immediate or a view.
  public init(_ name: String, _ role: OperandRole, _ path: WritableKeyPath<Payload, Operand?> & Sendable) {
    self.init(name: name, role: role, field: .optionalOperand(path))
  }

  /// A list of view operands of one role, visited in order as `name[0]`, `name[1]`, ….
  public init(_ name: String, _ role: OperandRole, _ path: WritableKeyPath<Payload, [View]> & Sendable) {
    self.init(name: name, role: role, field: .views(path))
  }

  private init(name: String, role: OperandRole, field: Field) {
    self.name = name
    self.role = role
    self.field = field
  }

  /// Appends the view operand this slot names in `payload`, if any (an immediate or an absent
  /// operand adds nothing), reading without writing back.
  func collect(_ payload: Payload, into uses: inout [OperandUse]) {
    switch field {
    case .view(let path): uses.append(OperandUse(name: name, role: role, view: payload[keyPath: path]))
    case .optionalView(let path):
      if let v = payload[keyPath: path] { uses.append(OperandUse(name: name, role: role, view: v)) }
    case .operand(let path):
      if let v = payload[keyPath: path].view { uses.append(OperandUse(name: name, role: role, view: v)) }
    case .optionalOperand(let path):
      if let v = payload[keyPath: path]?.view { uses.append(OperandUse(name: name, role: role, view: v)) }
    case .views(let path):
      for (i, v) in payload[keyPath: path].enumerated() {
        uses.append(OperandUse(name: "\(name)[\(i)]", role: role, view: v))
      }
    }
  }

  /// Calls `visitor` with the operand this slot names in `payload`.
  func visit<Visitor: OperandVisitor>(_ payload: inout Payload, _ visitor: inout Visitor) {
    switch field {
    case .view(let path): visitor.visit(name, role, &payload[keyPath: path])
    case .optionalView(let path): visitor.visit(name, role, &payload[keyPath: path])
    case .operand(let path): visitor.visit(name, role, &payload[keyPath: path])
    case .optionalOperand(let path): visitor.visit(name, role, &payload[keyPath: path])
    case .views(let path):
      for i in payload[keyPath: path].indices { visitor.visit("\(name)[\(i)]", role, &payload[keyPath: path][i]) }
    }
  }
}

extension OperationPayload {
  /// Visits the operands ``operands`` lists, in its order.
  public mutating func visitOperands<Visitor: OperandVisitor>(_ visitor: inout Visitor) {
    for slot in Self.operands { slot.visit(&self, &visitor) }
  }

  /// Appends the view operands ``operands`` lists, in its order (with `writtenOnly`, only the
  /// rows whose role is written).
  public func collectOperands(into uses: inout [OperandUse], writtenOnly: Bool) {
    for slot in Self.operands where !writtenOnly || slot.role.isWritten { slot.collect(self, into: &uses) }
  }
}
