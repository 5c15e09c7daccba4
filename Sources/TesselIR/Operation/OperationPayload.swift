/// The payload of one IR operation: its operands and attributes, the facts of its row in the
/// operation table, and its own verifier rules and printed form.
///
/// Every case of ``Operation`` but the loop markers carries one payload. Generic passes read an
/// operation through this protocol instead of switching over every case: ``Operation/operands``
/// lists the operands with their roles, ``Operation/remapped(_:_:)`` rewrites them, and the
/// verifier and the printer call ``verify(_:)`` and ``printedArguments(_:)``.
///
/// Operations with one destination and one source use ``Operation/Unary``; the others are structs
/// of their own (``Operation/TensorScalar``, ``Operation/Matmul``, …). Each lives in its own file
/// of `Sources/TesselIR/Operation/Operations/`.
public protocol OperationPayload: Sendable, Hashable, Codable {
  /// The operation's row of the operation table: NKI name, engines, groups and data flow.
  static var info: OperationInfo { get }

  /// The main destination: the tile every element of the iteration space is written to.
  var dst: View { get set }

  /// The shape of the instruction's iteration space (what a mask's coefficients index): the
  /// destination's shape unless the operation says otherwise.
  var iterationShape: [Int] { get }

  /// The operand table: every operand with its NKI name, role and stored property, the destination
  /// first, then the other operands in their NKI order (scalar immediates included).
  static var operands: [OperandSlot<Self>] { get }

  /// Calls `visitor` with every operand, in the order of ``operands`` (scalar immediates included,
  /// as ``Operand/scalar(_:)``); the default walks the table.
  mutating func visitOperands<Visitor: OperandVisitor>(_ visitor: inout Visitor)

  /// Appends every view operand, in the order of ``operands`` (immediates and absent operands
  /// left out), or with `writtenOnly` only those the operation writes, without reading the others;
  /// the default reads the table without writing back, the path every analysis takes.
  func collectOperands(into uses: inout [OperandUse], writtenOnly: Bool)

  /// Checks the operation's own NKI rules (memory spaces, shapes, dtypes), after the generic
  /// checks every operation gets (views in bounds and in scope, engines, on-chip operands).
  func verify(_ check: InstructionCheck) throws(KernelError)

  /// What the printer shows between the parentheses of `dst = nki_name(…)`.
  func printedArguments(_ format: IRFormat) -> String

  /// The instruction's cost formula: the table row's ``OperationInfo/cost`` unless an attribute
  /// changes it.
  var cost: CostRule { get }
}

extension OperationPayload {
  public var iterationShape: [Int] { dst.shape }
  public var cost: CostRule { Self.info.cost }
}

/// One row of the operation table: the facts generic passes need about an operation.
public struct OperationInfo: Sendable {
  /// The NKI spelling used in diagnostics and the printer (`nc_matmul`, `tensor_tensor`, …).
  public var nkiName: String
  /// The engine the operation runs on when the kernel does not choose one.
  public var defaultEngine: Engine
  /// The engines that may execute it, in the order an error message lists them.
  public var engines: [Engine]
  /// The groups the operation belongs to.
  public var groups: OperationGroups
  /// How the elements of the destination derive from the elements of the sources.
  public var dataFlow: DataFlow
  /// Whether `mask=` is modelled for the operation.
  public var allowsMask: Bool
  /// How long it takes on hardware: the timing model's formula (`docs/timing.md`).
  public var cost: CostRule

  /// Creates a row; `engines` defaults to the default engine alone.
  public init(
    nkiName: String, defaultEngine: Engine, engines: [Engine]? = nil, groups: OperationGroups = [],
    dataFlow: DataFlow, allowsMask: Bool = true, cost: CostRule
  ) {
    self.nkiName = nkiName
    self.defaultEngine = defaultEngine
    self.engines = engines ?? [defaultEngine]
    self.groups = groups
    self.dataFlow = dataFlow
    self.allowsMask = allowsMask
    self.cost = cost
  }
}

extension OperationInfo {
  /// A DMA transfer's row: it runs on the DMA queues alone, and costs a DMA transfer unless
  /// `cost` says otherwise.
  public static func dataMovement(
    _ nkiName: String, flow: DataFlow, masks: Bool = true, cost: CostRule = .dma
  ) -> OperationInfo {
    OperationInfo(
      nkiName: nkiName, defaultEngine: .dma, groups: .dataMovement, dataFlow: flow, allowsMask: masks, cost: cost)
  }

  /// A compute operation's row: it runs on the Vector, Scalar or GpSimd engine, by default
  /// `engine`, streaming its tile as `cost` says.
  public static func compute(
    _ nkiName: String, on engine: Engine = .vector, _ groups: OperationGroups = [], flow: DataFlow,
    masks: Bool = true, cost: StreamCost
  ) -> OperationInfo {
    OperationInfo(
      nkiName: nkiName, defaultEngine: engine, engines: Engine.computeEngines, groups: groups, dataFlow: flow,
      allowsMask: masks, cost: .stream(cost))
  }
}

extension Engine {
  /// The engines that run elementwise and reduction instructions, in the order messages list them.
  public static let computeEngines: [Engine] = [.vector, .scalar, .gpsimd]
}

/// Sets of operations that passes treat alike (tinygrad's `GroupOp`).
public struct OperationGroups: OptionSet, Sendable, Hashable {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  /// DMA transfers: the only operations that reach HBM (`load`, `store`, `dma_copy`, …).
  public static let dataMovement = OperationGroups(rawValue: 1 << 0)
  /// Tensor-engine operations (`nc_matmul`, `nc_transpose`).
  public static let tensorEngine = OperationGroups(rawValue: 1 << 1)
  /// Elementwise compute: each destination element from the same position of each source.
  public static let elementwise = OperationGroups(rawValue: 1 << 2)
  /// Reductions and statistics: the iteration space is the source's, not the destination's.
  public static let reduction = OperationGroups(rawValue: 1 << 3)
  /// Operations that read no tile and write values computed from nothing but their attributes.
  public static let generator = OperationGroups(rawValue: 1 << 4)
}

/// How an operation's destination elements derive from its source elements; what an analysis
/// that follows values element by element (origins, costs) needs to know.
public enum DataFlow: Sendable, Hashable {
  /// Each destination element from the same position of every source; ``OperandRole/perPartition``
  /// operands broadcast along the free dimensions.
  case elementwise
  /// Equal element counts, other shapes: the i-th element in row-major order of each view.
  case reshape
  /// A permutation of the source's dimensions: `dst[j, i] = src[i, j]` for a `[P, F]` source
  /// (`dma_transpose` permutes up to four dimensions).
  case transpose
  /// A matrix product contracting the partition dimension of two sources.
  case contraction
  /// A reduction over free axes of the source.
  case freeReduction
  /// A reduction across the partitions of the source.
  case partitionReduction
  /// A running state along the free dimension of each partition.
  case scan
  /// Per-partition statistics of the whole source row.
  case statistics
  /// Values computed from attributes alone (no tile is read).
  case generated
  /// A copy whose positions on one side are chosen at run time by an index tile (``IndirectDMA``):
  /// which element feeds which is known only from the indices' values.
  case indirect
}

/// What an operand is to its operation.
public enum OperandRole: Sendable, Hashable, CaseIterable {
  /// Written at every position of the iteration space.
  case destination
  /// The destination of a PSUM accumulation: written, and read when the operation adds into it
  /// (`nc_matmul`).
  case accumulator
  /// A second destination with one value per partition (`activation`'s `reduce_res`).
  case reduceDestination
  /// Read: a data operand.
  case source
  /// Read: a scalar immediate or a `[P, 1]` column broadcast along the free dimensions
  /// (`tensor_scalar`'s operands, `activation`'s scale and bias, a scan's initial value).
  case perPartition
  /// Read: chooses, per element, which source the result takes (`nl.where`'s condition).
  case predicate
  /// Read: the one-element value of a runtime offset (``View/runtimeOffsets``, NKI's
  /// `scalar_offset`), read before the instruction runs.
  case runtimeOffset

  /// Whether the operation writes the operand.
  public var isWritten: Bool { self == .destination || self == .accumulator || self == .reduceDestination }
}

/// One view operand of an operation, with its NKI name and role.
public struct OperandUse: Sendable, Hashable {
  /// The NKI operand name used in diagnostics (`data`, `stationary`, `operand0`, `dst`).
  public var name: String
  /// What the operand is to the operation.
  public var role: OperandRole
  /// The view.
  public var view: View
}

/// Visits the operands of an operation payload (``OperationPayload/visitOperands(_:)``), and may
/// rewrite them in place.
public protocol OperandVisitor {
  /// Visits a view operand.
  mutating func visit(_ name: String, _ role: OperandRole, _ view: inout View)
  /// Visits an operand that is a scalar immediate or a view.
  mutating func visit(_ name: String, _ role: OperandRole, _ operand: inout Operand)
}

extension OperandVisitor {
  /// Visits an optional view operand when it is present.
  public mutating func visit(_ name: String, _ role: OperandRole, _ view: inout View?) {
    guard var v = view else { return }
    visit(name, role, &v)
    view = v
  }

  /// Visits an optional operand when it is present.
  public mutating func visit(_ name: String, _ role: OperandRole, _ operand: inout Operand?) {
    guard var o = operand else { return }
    visit(name, role, &o)
    operand = o
  }
}
