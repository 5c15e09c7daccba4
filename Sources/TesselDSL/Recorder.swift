import TesselIR
import TesselInterpreter

/// Which tensor of which recording a DSL value refers to (opaque: tiles and tensors carry it).
public struct TensorHandle: Sendable, Hashable {
  /// The serial number of the recording that created the tensor (0: created outside any).
  var owner: Int
  /// The tensor's ID in that recording.
  var id: TensorID
  /// The declaration.
  var decl: TensorDecl
  /// The loop-body run that declared it (0: the kernel body itself); see ``Recorder/openScopes``.
  var scope: Int = 0
}

/// Where the DSL calls of a kernel body go: recorded into IR (``IRRecording``) or executed at
/// once on a simulated core (``EagerState``).
///
/// ``Recorder`` checks each call the same way in both
/// modes and hands it to its backend.
protocol RecorderBackend: AnyObject {
  /// Adds a tensor (a parameter when `decl.role` says so) and returns its ID.
  func add(_ decl: TensorDecl, recorder: Recorder) -> TensorID
  /// How many tensors exist (for generated names).
  var tensorCount: Int { get }
  /// Records or executes one instruction.
  func emit(
    _ operation: Operation, engine: Engine?, mask: [AffineCondition], location: SourceLocation, recorder: Recorder)
  /// Runs `body` as a loop over `start ..< stop` by `step` (`step` is not zero).
  func loop(
    kind: LoopKind, start: Int, stop: Int, step: Int, name: String?, location: SourceLocation, recorder: Recorder,
    body: (Index) -> Void)
  /// `nl.program_id(axis)`.
  func programID(axis: Int) -> Index
  /// Whether only matmuls have written the tensor so far (so `psum += matmul(...)` opens an
  /// accumulation group, as NKI's tracer does for a PSUM tile no other instruction set).
  func onlyMatmulsWrite(_ id: TensorID) -> Bool
  /// Whether a body runs once per SPMD instance (so `output` returns the outputs the first
  /// instance declared) rather than once for all of them.
  var runsPerInstance: Bool { get }
}

/// The state behind one kernel body: its backend, the first error, and the outputs.
///
/// DSL calls find the recorder of the body they run in through a task-local; each call appends
/// one instruction (or runs it, in eager mode) at once, in program order. The first error is
/// kept and thrown when the kernel is finished, located at the Swift call that caused it.
final class Recorder: @unchecked Sendable {
  // @unchecked: a recorder is created, used and dropped by one synchronous kernel build; the
  // task-local binding never escapes that call.

  /// The recorder of the body being built on this task.
  @TaskLocal static var current: Recorder?

  /// This recording's identity: random, so tiles of another (even finished) recording never match.
  let serial: Int
  /// Where the calls go.
  let backend: any RecorderBackend
  /// The target (for the iteration rank of masks and eager verification).
  let target: Target
  /// The first error.
  var error: KernelError?
  /// Returned tensors, in declaration order.
  var outputs: [TensorID] = []
  /// The returned tensors' handles, and how many of them this SPMD instance declared so far.
  var outputHandles: [TensorHandle] = []
  var outputCursor = 0
  /// How many instructions were recorded or executed.
  var instructionCount = 0
  /// The scopes open now, outermost first.
  ///
  /// 0 is the kernel body, then one number per run of a loop body (a recorded loop runs its body
  /// once, an eager one once per index value). A tile belongs to the scope that declared it, as a
  /// local variable of an NKI loop body does.
  var openScopes: [Int] = [0]
  /// How many loop-body scopes were opened so far.
  var scopeCount = 0

  init(target: Target, backend: any RecorderBackend) {
    serial = Int.random(in: 1...Int.max)
    self.backend = backend
    self.target = target
  }

  /// Records `error` unless an earlier one is already recorded.
  func fail(_ error: KernelError) {
    if self.error == nil { self.error = error }
  }

  /// Whether every handle belongs to this recording and every on-chip one to a scope still open
  /// (recording an error otherwise).
  func owns(_ handles: [TensorHandle], _ location: SourceLocation) -> Bool {
    for h in handles where h.owner != serial {
      fail(
        KernelError(
          .malformed(
            h.owner == 0
              ? "`\(h.decl.name)` was created outside a kernel body; DSL calls only record inside one"
              : "`\(h.decl.name)` belongs to another kernel body"),
          at: location))
      return false
    }
    for h in handles where h.decl.space.isOnChip && !openScopes.contains(h.scope) {
      fail(
        KernelError(
          .malformed(
            "Local variable '\(h.decl.name)' is referenced outside of its parent scope: the tile is declared in a loop body (at \(h.decl.location)) and that loop has ended; declare it before the loop and write into it there"
          ), at: location))
      return false
    }
    return true
  }

  // MARK: - Tensors

  /// Adds a kernel parameter.
  func addParameter(name: String, shape: [Int], dtype: DType, location: SourceLocation) -> TensorHandle {
    add(TensorDecl(name: name, space: .hbm, shape: shape, dtype: dtype, role: .parameter, location: location))
  }

  /// Declares a kernel-allocated tensor in the current scope.
  func declare(
    name: String, space: MemorySpace, shape: [Int], dtype: DType, location: SourceLocation
  ) -> TensorHandle {
    add(TensorDecl(name: name, space: space, shape: shape, dtype: dtype, location: location))
  }

  func add(_ decl: TensorDecl) -> TensorHandle {
    TensorHandle(owner: serial, id: backend.add(decl, recorder: self), decl: decl, scope: openScopes.last ?? 0)
  }

  /// A fresh generated tile name (`exp_7`).
  func freshName(_ prefix: String) -> String {
    "\(prefix)_\(backend.tensorCount)"
  }

  // MARK: - Instructions

  /// Appends (or, eagerly, executes) one instruction.
  func emit(_ operation: Operation, engine: Engine? = nil, mask: Mask?, location: SourceLocation) {
    var conditions: [AffineCondition] = []
    if let mask {
      let rank = operation.iterationShape.count
      if mask.highestAxis >= rank {
        fail(
          KernelError(
            .invalidMask("the mask uses iteration axis \(mask.highestAxis), but \(operation.nkiName) has \(rank) axes"),
            operation: operation.nkiName, at: location))
        return
      }
      conditions = mask.lowered(rank: rank)
    }
    emit(operation, engine: engine, conditions: conditions, location: location)
  }

  /// Appends (or, eagerly, executes) one instruction under conditions already lowered to its axes.
  func emit(_ operation: Operation, engine: Engine? = nil, conditions: [AffineCondition], location: SourceLocation) {
    instructionCount += 1
    backend.emit(operation, engine: engine, mask: conditions, location: location, recorder: self)
  }

  /// Runs `body` as a loop: an IR loop with a symbolic index, or (eagerly) once per value.
  func loop(
    kind: LoopKind, start: Int, stop: Int, step: Int, name: String?, location: SourceLocation,
    body: (Index) -> Void
  ) {
    if step == 0 {
      fail(KernelError(.malformed("loop step must not be zero"), at: location))
      return
    }
    backend.loop(
      kind: kind, start: start, stop: stop, step: step, name: name, location: location, recorder: self
    ) { i in
      scopeCount += 1
      openScopes.append(scopeCount)
      body(i)
      openScopes.removeLast()
    }
  }

  /// `nl.program_id(axis)`.
  func programID(axis: Int) -> Index { backend.programID(axis: axis) }
}

/// Records DSL calls as IR: a ``KernelBuilder`` whose loops have symbolic indices.
final class IRRecording: RecorderBackend {
  /// The IR being recorded.
  var builder: KernelBuilder

  init(name: String) {
    builder = KernelBuilder(name: name)
  }

  func add(_ decl: TensorDecl, recorder: Recorder) -> TensorID {
    if decl.role == .parameter {
      return builder.addParameter(name: decl.name, shape: decl.shape, dtype: decl.dtype, location: decl.location)
    }
    return builder.declareTensor(
      name: decl.name, space: decl.space, shape: decl.shape, dtype: decl.dtype, location: decl.location)
  }

  var tensorCount: Int { builder.kernel.tensors.count }
  var runsPerInstance: Bool { false }

  func emit(
    _ operation: Operation, engine: Engine?, mask: [AffineCondition], location: SourceLocation, recorder: Recorder
  ) {
    builder.emit(operation, engine: engine, mask: mask, location: location)
  }

  func loop(
    kind: LoopKind, start: Int, stop: Int, step: Int, name: String?, location: SourceLocation, recorder: Recorder,
    body: (Index) -> Void
  ) {
    let n = name ?? "i\(builder.kernel.indexVars.count)"
    let v = builder.beginLoop(name: n, kind: kind, start: start, stop: stop, step: step, location: location)
    body(Index(AffineExpr(v)))
    do {
      try builder.endLoop(location: location)
    } catch {
      recorder.fail(error)
    }
  }

  func programID(axis: Int) -> Index { Index(AffineExpr(builder.programID(axis: axis))) }

  func onlyMatmulsWrite(_ id: TensorID) -> Bool { builder.onlyMatmulsWrite(id) }
}

/// A ``CoreSession`` driven by DSL calls (eager mode): every call runs at once; a loop body runs
/// once per index value and frees the on-chip tiles its iteration declared.
final class EagerState: RecorderBackend {
  let core: CoreSession
  /// The SPMD instance running now, per grid axis.
  var programIDs: [Int] = []
  /// Session tensor IDs by the order the current body declared them (tensors are renumbered
  /// per session, but handles keep session IDs).
  var tensorCount: Int { core.tensors.count }
  var runsPerInstance: Bool { true }
  /// The session tensors an instruction other than a matmul has written.
  var nonMatmulWrites: Set<TensorID> = []

  init(target: Target) {
    core = CoreSession(target: target)
  }

  func add(_ decl: TensorDecl, recorder: Recorder) -> TensorID {
    if recorder.error != nil { return TensorID(-1) }
    do {
      return try core.allocate(
        name: decl.name, space: decl.space, shape: decl.shape, dtype: decl.dtype, location: decl.location)
    } catch {
      recorder.fail(error)
      return TensorID(-1)
    }
  }

  func emit(
    _ operation: Operation, engine: Engine?, mask: [AffineCondition], location: SourceLocation, recorder: Recorder
  ) {
    if recorder.error != nil { return }
    switch operation {
    case .matmul: break
    default: nonMatmulWrites.formUnion(operation.destinations.map(\.tensor))
    }
    do {
      try core.execute(operation, engine: engine, mask: mask, location: location)
    } catch {
      recorder.fail(error)
    }
  }

  func loop(
    kind: LoopKind, start: Int, stop: Int, step: Int, name: String?, location: SourceLocation, recorder: Recorder,
    body: (Index) -> Void
  ) {
    for v in Swift.stride(from: start, to: stop, by: step) {
      if recorder.error != nil { return }
      let mark = tensorCount
      body(Index(v))
      freeOnChip(from: mark)
    }
  }

  /// Frees on-chip tiles allocated since `mark` (the end of an eager loop iteration).
  func freeOnChip(from mark: Int) {
    guard mark < core.tensors.count else { return }
    for i in mark..<core.tensors.count where core.tensors[i].space.isOnChip {
      core.free(TensorID(i))
    }
  }

  func programID(axis: Int) -> Index {
    Index(axis >= 0 && axis < programIDs.count ? programIDs[axis] : 0)
  }

  func onlyMatmulsWrite(_ id: TensorID) -> Bool { !nonMatmulWrites.contains(id) }
}

/// Builds a source location from `#fileID`, `#line` and `#column`.
@inline(__always)
func loc(_ fileID: String, _ line: Int, _ column: Int) -> SourceLocation {
  SourceLocation(file: fileID, line: line, column: column)
}
