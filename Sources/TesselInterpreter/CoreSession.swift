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
    // A one-instruction kernel over the tensors it touches, renumbered.
    var ids: [TensorID] = []
    for v in operation.sources.map(\.view) + operation.destinations where !ids.contains(v.tensor) {
      _ = try liveDecl(v.tensor)
      ids.append(v.tensor)
    }
    var remap: [TensorID: TensorID] = [:]
    for (i, id) in ids.enumerated() { remap[id] = TensorID(i) }
    func r(_ v: View) -> View { View(tensor: remap[v.tensor] ?? v.tensor, start: v.start, dims: v.dims) }
    func ro(_ o: Operand) -> Operand {
      if case .view(let v) = o { return .view(r(v)) }
      return o
    }
    let op = operation.remapped(r, ro)
    var k = Kernel(name: "eager")
    k.tensors = ids.map { tensors[$0.index] }
    for i in k.tensors.indices { k.tensors[i].enclosingLoop = nil }
    k.instructions = [Instruction(op, engine: engine, mask: mask, location: location)]
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

extension Operation {
  /// The same operation with every view (and view operand) passed through `v` / `o`.
  public func remapped(_ v: (View) -> View, _ o: (Operand) -> Operand) -> Operation {
    switch self {
    case .loopBegin, .loopEnd: return self
    case .load(let d, let s): return .load(dst: v(d), src: v(s))
    case .store(let d, let s): return .store(dst: v(d), src: v(s))
    case .dmaCopy(let d, let s): return .dmaCopy(dst: v(d), src: v(s))
    case .loadTranspose(let d, let s): return .loadTranspose(dst: v(d), src: v(s))
    case .matmul(let d, let s, let m, let a): return .matmul(dst: v(d), stationary: v(s), moving: v(m), accumulation: a)
    case .transpose(let d, let s): return .transpose(dst: v(d), src: v(s))
    case .tensorTensor(let d, let a, let b, let op): return .tensorTensor(dst: v(d), a: v(a), b: v(b), op: op)
    case .tensorScalar(let d, let s, let op0, let o0, let r0, let op1, let o1, let r1):
      return .tensorScalar(dst: v(d), src: v(s), op0: op0, operand0: o(o0), reverse0: r0, op1: op1, operand1: o1.map(o), reverse1: r1)
    case .tensorCopy(let d, let s): return .tensorCopy(dst: v(d), src: v(s))
    case .activation(let d, let s, let f, let sc, let b, let rop, let rd):
      return .activation(dst: v(d), src: v(s), function: f, scale: o(sc), bias: b.map(v), reduceOp: rop, reduceDst: rd.map(v))
    case .reciprocal(let d, let s): return .reciprocal(dst: v(d), src: v(s))
    case .memset(let d, let x): return .memset(dst: v(d), value: x)
    case .iota(let d, let e): return .iota(dst: v(d), expression: e)
    case .affineSelect(let d, let p, let t, let f): return .affineSelect(dst: v(d), predicate: p, onTrue: v(t), onFalse: f)
    case .select(let d, let p, let t, let f): return .select(dst: v(d), predicate: v(p), onTrue: o(t), onFalse: o(f))
    case .broadcast(let d, let s): return .broadcast(dst: v(d), src: v(s))
    case .tensorReduce(let d, let s, let op, let axes, let n): return .tensorReduce(dst: v(d), src: v(s), op: op, axes: axes, negate: n)
    case .tensorPartitionReduce(let d, let s, let op): return .tensorPartitionReduce(dst: v(d), src: v(s), op: op)
    case .tensorTensorScan(let d, let a, let b, let i, let op0, let op1):
      return .tensorTensorScan(dst: v(d), data0: v(a), data1: v(b), initial: o(i), op0: op0, op1: op1)
    case .bnStats(let d, let s): return .bnStats(dst: v(d), src: v(s))
    case .bnAggr(let d, let s): return .bnAggr(dst: v(d), src: v(s))
    }
  }
}
