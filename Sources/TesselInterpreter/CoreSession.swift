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
    report = RunReport()
  }

  /// SBUF bytes per partition held by live tiles.
  public var sbufBytesInUse: Int { liveBytes(.sbuf) }
  /// PSUM bytes per partition held by live tiles (whole 2 KiB banks).
  public var psumBytesInUse: Int { liveBytes(.psum) }

  func liveBytes(_ space: MemorySpace) -> Int {
    tensors.indices.filter { isLive[$0] && tensors[$0].space == space }.map { i in
      let b = tensors[i].bytesPerPartition
      return space == .psum ? tensors[i].psumBanks(bankBytes: target.psumBankBytes) * target.psumBankBytes : b
    }.reduce(0, +)
  }

  /// Allocates a tensor filled with poison (never written), checking on-chip capacity.
  public func allocate(
    name: String, space: MemorySpace, shape: [Int], dtype: DType, location: SourceLocation = .unknown
  ) throws(KernelError) -> TensorID {
    let decl = TensorDecl(name: name, space: space, shape: shape, dtype: dtype, location: location)
    try Verifier(target: target).verifyDecl(decl)
    let n = decl.elementCount
    if n > 1 << 31 {
      throw KernelError(.resourceLimit(what: "tensor `\(name)` of \(n) elements", limit: 1 << 31), at: location)
    }
    if space.isOnChip {
      let limit = space == .psum ? target.psumBytesPerPartition : target.sbufBytesPerPartition
      var need = decl.bytesPerPartition
      if space == .psum { need = decl.psumBanks(bankBytes: target.psumBankBytes) * target.psumBankBytes }
      if liveBytes(space) + need > limit {
        let live = tensors.indices.filter { isLive[$0] && tensors[$0].space == space }.map {
          KernelError.LiveTensor(name: tensors[$0].name, bytesPerPartition: tensors[$0].bytesPerPartition,
                                 partitions: tensors[$0].partitionCount, location: tensors[$0].location)
        }
        throw KernelError(.capacityExceeded(space: space, tensor: name, requestedBytesPerPartition: need,
                                            partitions: decl.partitionCount, live: live, limitBytesPerPartition: limit),
                          at: location)
      }
    }
    tensors.append(decl)
    isLive.append(true)
    storage.append(Array(repeating: Poison.value, count: n))
    return TensorID(tensors.count - 1)
  }

  /// Frees a tensor; its on-chip space becomes available again.
  public func free(_ id: TensorID) {
    guard id.index >= 0 && id.index < tensors.count else { return }
    isLive[id.index] = false
    storage[id.index] = []
  }

  /// The declaration of a live tensor, or an error naming it.
  func liveDecl(_ id: TensorID) throws(KernelError) -> TensorDecl {
    guard id.index >= 0 && id.index < tensors.count, isLive[id.index] else {
      throw KernelError(.malformed("tensor \(id) is not allocated"))
    }
    return tensors[id.index]
  }

  /// Writes host values into a tensor, rounding to its dtype.
  public func write(_ id: TensorID, values: [Float]) throws(KernelError) {
    let t = try liveDecl(id)
    guard values.count == t.elementCount else {
      throw KernelError(.argumentMismatch(parameter: t.name, expected: "\(t.elementCount) elements", actual: "\(values.count) elements"))
    }
    var v = values
    v.withUnsafeMutableBufferPointer { t.dtype.quantize($0) }
    storage[id.index] = v
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
    if case .loopBegin = operation { throw KernelError(.unsupported("loops in a single eager instruction"), at: location) }
    if case .loopEnd = operation { throw KernelError(.unsupported("loops in a single eager instruction"), at: location) }
    for v in operation.sources.map(\.view) + operation.destinations { _ = try liveDecl(v.tensor) }
    // A one-instruction kernel over the tensors it touches, renumbered.
    var session = Kernel(name: "eager", tensors: tensors)
    session.instructions = [Instruction(operation, engine: engine, mask: mask, location: location)]
    let (k, ids) = session.fragment(0..<1, name: "eager")
    let interpreter = try Interpreter(kernel: k, options: RunOptions(target: target))
    let (after, rep) = try interpreter.runPreset(ids.map { storage[$0.index] })
    for (i, id) in ids.enumerated() { storage[id.index] = after[i] }
    for (e, c) in rep.engines {
      var acc = report.engines[e] ?? EngineCounters()
      acc.instructions += c.instructions
      acc.elements += c.elements
      acc.bytes += c.bytes
      acc.flops += c.flops
      report.engines[e] = acc
    }
    report.warnings += rep.warnings
  }
}
