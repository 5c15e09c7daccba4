/// One instruction: an operation, the engine that runs it, an optional mask, and where it came from.
public struct Instruction: Sendable, Hashable, Codable {
  /// The operation.
  public var operation: Operation
  /// The engine that executes it.
  public var engine: Engine
  /// A conjunction of affine conditions over the iteration indices (NKI's `mask=`); empty: no mask.
  public var mask: [AffineCondition]
  /// The source location of the NKI call (or the Swift DSL call).
  public var location: SourceLocation

  /// Creates an instruction; the engine defaults to the operation's usual engine.
  public init(
    _ operation: Operation, engine: Engine? = nil, mask: [AffineCondition] = [],
    location: SourceLocation = .unknown
  ) {
    self.operation = operation
    self.engine = engine ?? operation.defaultEngine
    self.mask = mask
    self.location = location
  }
}
