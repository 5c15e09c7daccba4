import TesselIR
import TesselMachine
import TesselNumerics

/// A persistent simulated NeuronCore that executes one instruction at a time.
///
/// The REPL and the Swift DSL's eager mode use a session: tensors live across calls, on-chip
/// tiles count against the target's SBUF and PSUM capacity while they are allocated, and every
/// instruction is verified and run exactly as the interpreter runs it inside a kernel.
///
/// ```swift
/// let core = CoreSession(target: .trn2)
/// let a = try core.allocate(name: "a", space: .hbm, shape: [4, 8], dtype: .float32)
/// try core.write(a, values: Array(repeating: 1, count: 32))
/// let t = try core.allocate(name: "t", space: .sbuf, shape: [4, 8], dtype: .float32)
/// try core.execute(.load(dst: core.whole(t), src: core.whole(a)))
/// core.values(of: t)   // 32 ones
/// ```
public final class CoreSession {
  /// The simulated generation.
  public private(set) var target: Target
  /// Every tensor ever allocated, by ``TensorID``; freed ones stay with `isLive == false`.
  public private(set) var tensors: [TensorDecl] = []
  /// Whether each tensor is still allocated.
  public private(set) var isLive: [Bool] = []
  /// Accumulated counters and warnings of every instruction executed.
  public private(set) var report = RunReport()
  var storage: [[Float]] = []
  /// Per PSUM tensor, which elements a matmul wrote last (the next matmul with `auto`
  /// accumulation adds to them): carried from one ``execute(_:_:)`` to the next, as one kernel
  /// run carries them from instruction to instruction.
  ///
  /// Nil: no element is in a group.
  var accumulation: [[UInt8]?] = []

  /// Creates an empty core.
  public init(target: Target = .trn2) {
    self.target = target
  }

  /// Frees everything and switches target.
  public func reset(target: Target? = nil) {
    if let target { self.target = target }
    tensors = []
    isLive = []
    storage = []
    accumulation = []
    report = RunReport()
  }

  /// SBUF bytes per partition held by live tiles.
  public var sbufBytesInUse: Int { liveBytes(.sbuf) }
  /// PSUM bytes per partition held by live tiles (whole 2 KiB banks).
  public var psumBytesInUse: Int { liveBytes(.psum) }

  func liveBytes(_ space: MemorySpace) -> Int {
    tensors.indices.filter { isLive[$0] && tensors[$0].space == space }.map { footprint(tensors[$0]) }.reduce(0, +)
  }

  /// Allocates a tensor filled with poison (never written), checking on-chip capacity.
  public func allocate(
    name: String, space: MemorySpace, shape: [Int], dtype: DType, location: SourceLocation = .unknown
  ) throws(KernelError) -> TensorID {
    try allocate(TensorDecl(name: name, space: space, shape: shape, dtype: dtype, location: location))
  }

  /// Allocates a declared tensor filled with poison (never written), checking on-chip capacity.
  ///
  /// An on-chip tile that does not fit next to the live tiles is a capacity error naming it
  /// and what is live.
  public func allocate(_ decl: TensorDecl) throws(KernelError) -> TensorID {
    let id = TensorID(tensors.count)
    try allocate(decl, as: id)
    return id
  }

  /// Allocates a declared tensor under a given number, the one it has in the kernel the core
  /// mirrors (the REPL's session kernel allocates a tile when it is first needed, so numbers can
  /// come out of order; numbers skipped stay unallocated).
  public func allocate(_ decl: TensorDecl, as id: TensorID) throws(KernelError) {
    guard id.index >= 0 else { throw KernelError(.malformed("tensor \(id) is not a valid tensor number")) }
    if id.index < tensors.count && isLive[id.index] {
      throw KernelError(
        .malformed("tensor \(id) (`\(tensors[id.index].name)`) is allocated already"), at: decl.location)
    }
    try Verifier(target: target).verifyDecl(decl)
    let n = decl.elementCount
    if n > 1 << 31 {
      throw KernelError(
        .resourceLimit(what: "tensor `\(decl.name)` of \(n) elements", limit: 1 << 31), at: decl.location)
    }
    try checkCapacity(for: decl)
    while tensors.count <= id.index {
      tensors.append(decl)
      isLive.append(false)
      storage.append([])
      accumulation.append(nil)
    }
    tensors[id.index] = decl
    isLive[id.index] = true
    storage[id.index] = Array(repeating: Poison.value, count: decl.alias == nil ? n : 0)
    accumulation[id.index] = nil
  }

  /// Bytes per partition a tensor holds in its memory (whole banks in PSUM; nothing for an alias
  /// or a bitcast view).
  public func footprint(_ decl: TensorDecl) -> Int {
    guard decl.space.isOnChip, decl.alias == nil, decl.bitcast == nil else { return 0 }
    if decl.space == .psum { return decl.psumBanks(bankBytes: target.psumBankBytes) * target.psumBankBytes }
    return decl.bytesPerPartition
  }

  /// Throws the capacity error `decl` would meet if it were allocated now.
  func checkCapacity(for decl: TensorDecl) throws(KernelError) {
    guard decl.space.isOnChip, decl.alias == nil, decl.bitcast == nil else { return }
    let limit = decl.space == .psum ? target.psumBytesPerPartition : target.sbufBytesPerPartition
    let need = footprint(decl)
    guard liveBytes(decl.space) + need > limit else { return }
    let live = liveTensors.filter { tensors[$0.index].space == decl.space && tensors[$0.index].alias == nil }.map {
      let t = tensors[$0.index]
      return KernelError.LiveTensor(
        name: t.name, bytesPerPartition: footprint(t), partitions: t.partitionCount, location: t.location)
    }
    throw KernelError(
      .capacityExceeded(
        space: decl.space, tensor: decl.name, requestedBytesPerPartition: need, partitions: decl.partitionCount,
        live: live, limitBytesPerPartition: limit),
      at: decl.location)
  }

  /// The tensors allocated now, by number.
  public var liveTensors: [TensorID] { tensors.indices.filter { isLive[$0] }.map { TensorID($0) } }

  /// Renames a tensor (the REPL names a tile after what holds it, `tiles[2]`, once it knows).
  public func rename(_ id: TensorID, to name: String) {
    guard id.index >= 0 && id.index < tensors.count else { return }
    tensors[id.index].name = name
  }

  /// Frees a tensor; its on-chip space becomes available again.
  public func free(_ id: TensorID) {
    guard id.index >= 0 && id.index < tensors.count else { return }
    isLive[id.index] = false
    storage[id.index] = []
    accumulation[id.index] = nil
  }

  /// The declaration of a live tensor, or an error naming it.
  func liveDecl(_ id: TensorID) throws(KernelError) -> TensorDecl {
    guard id.index >= 0 && id.index < tensors.count, isLive[id.index] else {
      let name = id.index >= 0 && id.index < tensors.count ? "`\(tensors[id.index].name)`" : "\(id)"
      throw KernelError(.malformed("tensor \(name) is not allocated (it was freed, or never allocated)"))
    }
    return tensors[id.index]
  }

  /// Writes host values into a tensor, rounding to its dtype.
  public func write(_ id: TensorID, values: [Float]) throws(KernelError) {
    let t = try liveDecl(id)
    guard values.count == t.elementCount else {
      throw KernelError(
        .argumentMismatch(parameter: t.name, expected: "\(t.elementCount) elements", actual: "\(values.count) elements")
      )
    }
    var v = values
    v.withUnsafeMutableBufferPointer { t.dtype.quantize($0) }
    storage[id.index] = v
    accumulation[id.index] = nil
  }

  /// A tensor's current values (never-written elements read as NaN).
  public func values(of id: TensorID) -> [Float] {
    guard id.index >= 0 && id.index < storage.count else { return [] }
    return Interpreter.unpoisoned(storage[id.index])
  }

  /// How many elements of a tensor were never written.
  public func unwrittenCount(of id: TensorID) -> Int {
    guard id.index >= 0 && id.index < storage.count else { return 0 }
    return storage[id.index].reduce(0) { $0 + (Poison.isPoison($1) ? 1 : 0) }
  }

  /// The whole-tensor view of a tensor.
  public func whole(_ id: TensorID) -> View {
    View.whole(id, shape: id.index < tensors.count ? tensors[id.index].shape : [])
  }

  /// Verifies and executes one instruction against the live tensors.
  public func execute(
    _ operation: Operation, engine: Engine? = nil, mask: [AffineCondition] = [],
    location: SourceLocation = .unknown
  ) throws(KernelError) {
    if case .loopBegin = operation {
      throw KernelError(.unsupported("loops in a single eager instruction"), at: location)
    }
    if case .loopEnd = operation {
      throw KernelError(.unsupported("loops in a single eager instruction"), at: location)
    }
    var session = Kernel(name: "eager", tensors: tensors)
    session.instructions = [Instruction(operation, engine: engine, mask: mask, location: location)]
    try execute(session, 0..<1)
  }

  /// Verifies and executes instructions `range` of `kernel`, whose tensors are this core's
  /// (the same numbering: the REPL's session kernel), against the live tensors' data.
  ///
  /// Counters and warnings add to ``report``; the warnings of this call are returned too.
  @discardableResult
  public func execute(_ kernel: Kernel, _ range: Range<Int>) throws(KernelError) -> [Diagnostic] {
    let (k, ids) = kernel.fragment(range, name: "eager")
    for id in ids {
      guard try liveDecl(id).alias != nil else { continue }
      // A fragment cannot share its base's storage: refuse rather than compute on a copy.
      throw KernelError(
        .unsupported(
          "a view of `\(tensors[id.index].name)` that reshapes its storage, executed eagerly; use it inside a kernel"),
        at: kernel.instructions[range].first?.location ?? .unknown)
    }
    var options = RunOptions(target: target)
    // Every tile's contents go in and come back (`runPreset`): no tile shares another's memory.
    options.reusesTileMemory = false
    let interpreter = try Interpreter(kernel: k, options: options)
    var groups = ids.map { accumulation[$0.index] }
    let (after, rep) = try interpreter.runPreset(ids.map { storage[$0.index] }, accumulation: &groups)
    for (i, id) in ids.enumerated() {
      storage[id.index] = after[i]
      accumulation[id.index] = groups[i]
    }
    for (e, c) in rep.engines {
      var acc = report.engines[e] ?? EngineCounters()
      acc.instructions += c.instructions
      acc.elements += c.elements
      acc.bytes += c.bytes
      acc.flops += c.flops
      report.engines[e] = acc
    }
    report.warnings += rep.warnings
    return rep.warnings
  }
}
