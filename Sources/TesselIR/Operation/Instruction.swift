/// One instruction: an operation, the engine that runs it, an optional mask, and where it came from.
public struct Instruction: Sendable, Hashable, Codable {
  /// The operation.
  public var operation: Operation
  /// The engine that executes it.
  public var engine: Engine
  /// Whether the kernel chose ``engine`` (`engine=`, or a call such as `nl.transpose` that names
  /// one); when false, ``engine`` is the operation's default and the Neuron compiler may place
  /// the instruction on another engine that runs it, as the timing model does.
  public var engineIsChosen: Bool
  /// The program of a launch on several physical cores (LNC = 2: program 0 or 1) that issues it;
  /// each program runs on its own core's engines and DMA queues.
  ///
  /// A legacy kernel specialised per
  /// program instance of its launch grid stamps each instruction with its instance (row-major).
  ///
  /// 0 for a one-program launch.
  public var program: Int = 0
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
    self.engineIsChosen = engine != nil
    self.mask = mask
    self.location = location
  }
}
