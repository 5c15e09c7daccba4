import TesselIR
import TesselPython

/// The legacy NKI binding (`neuronxcc.nki`): records the tile operations of one kernel in a
/// ``KernelBuilder`` while the evaluator runs its Python.
///
/// NKI's legacy tracing model: Python values are computed at trace time; `nl.affine_range` /
/// `nl.sequential_range` (and Python `range`, by the legacy rule) become IR loops whose bodies
/// are traced once with a symbolic index (``LoopRange``); `nl.static_range` and iteration over
/// Python sequences unroll; helper functions are inlined by the evaluator. Tiles, indices, masks
/// and dtypes are native objects whose operators emit instructions, each at the location of the
/// NKI call.
final class Tracer: NKIBinding {
  /// The evaluator running the kernel's Python.
  let ev: Evaluator
  var builder: KernelBuilder
  let target: Target
  let file: String
  /// Symbolic loops open now (their variables), innermost last.
  var symbolicLoops: [IndexVar] = []
  /// The loop variables and program ids of the last symbolic value refused as a Python value
  /// (`if i < n:`): the loops over them are specialised (see ``symbolicLoop(_:_:)``).
  var refusedVariables: Set<IndexVar> = []
  /// The NKI loops open now, innermost last.
  ///
  /// One identity per loop entered, whether its body is traced once (symbolic) or once per index
  /// (specialised). A tile belongs to the loops open where it was declared.
  var loopScopes: [Int] = []
  /// The number of NKI loops entered so far (the next loop's scope identity).
  var loopScopeCount = 0
  /// The loops open when a tensor was declared, for tensors declared inside one: using such a
  /// tensor once its loop has ended is NKI's scope error, also when the loop was specialised on
  /// its index (the kernel is the same loop on hardware).
  var tensorLoops: [TensorID: [Int]] = [:]
  /// Fresh result tiles: tensor → the instruction that defines it (for retargeting on assignment).
  var freshDefinitions: [TensorID: Int] = [:]
  /// Operands masked with `tile[mask]` that exclude elements: each is an alias of the masked
  /// tensor that only the masked value names, with the mask (``Tracer/operandMasked(_:_:at:)``).
  var operandMasks: [TensorID: OperandMask] = [:]
  /// Counter for generated names.
  var tempCounter = 0
  /// The SPMD grid.
  let grid: [Int]
  /// The program instance traced when the kernel is specialised per program (its ids, one per
  /// grid axis): `nl.program_id` is then a Python integer (``NKIFile/traceEachProgram``).
  var concreteProgram: [Int]?
  /// HBM tensors the kernel declared, in order, while tracing program 0 of a specialised launch:
  /// the programs share them, so program `p`'s `k`-th HBM declaration is program 0's `k`-th.
  var sharedHBM: [TensorID] = []
  /// How many HBM declarations the program being traced has made.
  var sharedHBMSeen = 0
  /// The `nl.all_reduce` calls across programs the program being traced has reached, in order
  /// (when the launch is traced once per program).
  var collectives: [Collective] = []
  /// The launch axes each `nl.all_reduce` call reduces over, as the symbolic trace of the launch
  /// found them (the per-program traces, where `nl.program_id` is an integer, read them here).
  var collectiveSites: [SourceLocation: [Int]] = [:]
  /// The masks of the masked `nl.all_reduce` results across programs not yet bound to a name or
  /// passed on (their reductions are emitted when the programs are interleaved): like
  /// ``freshDefinitions``, for ``producerMask(of:copiedTo:)``.
  var freshCollectiveMasks: [TensorID: [AffineCondition]] = [:]
  /// The `nl.all_reduce` calls the symbolic trace reached with different axes.
  var ambiguousCollectiveSites: Set<SourceLocation> = []
  /// The first `nl.all_reduce` across programs of the symbolic trace: the launch is then traced
  /// again once per program.
  var firstCollective: SourceLocation?
  /// Set in an interactive session (the REPL): host data, eager execution, kernel calls.
  weak var interactive: InteractiveTracer?

  init(kernelName: String, file: String, target: Target, grid: [Int], evaluator: Evaluator) {
    builder = KernelBuilder(name: kernelName)
    self.target = target
    self.file = file
    self.grid = grid
    ev = evaluator
  }

  /// Installs the legacy NKI modules (`neuronxcc.nki` and its submodules) and the legacy `range`,
  /// once per evaluator.
  func install(in ev: Evaluator) { LegacyModules.install(in: ev) }

  /// Where the last `return` statement executed is (kernel return values are checked there).
  var lastReturnLocation: SourceLocation? { ev.lastReturnLocation }

  // MARK: - Binding hooks

  func didAssign(_ value: Value, to name: String) {
    if let t = value.tensor {
      nameFresh(t, name)
      freshDefinitions[t.id] = nil
      if !freshCollectiveMasks.isEmpty { freshCollectiveMasks[t.id] = nil }
    }
  }

  func didPassArgument(_ value: Value) {
    if let t = value.tensor {
      freshDefinitions[t.id] = nil
      if !freshCollectiveMasks.isEmpty { freshCollectiveMasks[t.id] = nil }
    }
  }

  func interceptCall(
    _ function: PyFunction, _ positional: [Value], _ keywords: [(String, Value)], _ ev: Evaluator,
    at location: SourceLocation
  ) throws(TraceError) -> Value? {
    guard interactive != nil, isKernel(function) else { return nil }
    return try runKernelInteractively(function, grid: [], positional, keywords, at: location)
  }

  func subscriptFunction(_ function: PyFunction, _ key: Value, _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  {
    // `kernel[g0, g1](...)`: an SPMD launch.
    let grid: Value
    if case .tuple = key { grid = key } else { grid = .tuple([key]) }
    return .native(KernelLaunch(function, grid: grid))
  }

  /// Whether `fn` is decorated as an NKI kernel.
  func isKernel(_ fn: PyFunction) -> Bool {
    fn.decorators.contains {
      NKIFile.kernelDecorators.contains($0) || $0.hasSuffix(".jit") || $0.hasSuffix(".baremetal")
    }
  }

  /// Gives a freshly created result tile the name of the variable it is first bound to.
  func nameFresh(_ t: TensorRef, _ name: String) {
    guard freshDefinitions[t.id] != nil || builder.tensor(t.id).name.hasPrefix("%") else { return }
    if builder.tensor(t.id).name.hasPrefix("%") { builder.renameTensor(t.id, to: name) }
  }

  func freshName() -> String {
    tempCounter += 1
    return "%t\(tempCounter)"
  }

  /// Forgets everything traced so far (a new builder, no open loops), to trace again from the
  /// kernel's parameters.
  func reset(kernelName: String) {
    builder = KernelBuilder(name: kernelName)
    symbolicLoops = []
    loopScopes = []
    refusedVariables = []
    tensorLoops = [:]
    freshDefinitions = [:]
    tempCounter = 0
    sharedHBM = []
    sharedHBMSeen = 0
    collectives = []
    freshCollectiveMasks = [:]
  }

  /// Whether `error` is the refusal of Python control flow on `nl.program_id` (the refused
  /// symbolic value depends on a program id).
  func refusedProgramID(_ error: TraceError) -> Bool {
    guard case .symbolicValue(let message) = error.kind, message == Tracer.programIDRefusal else { return false }
    let vars = builder.kernel.indexVars
    return refusedVariables.contains { $0.index < vars.count && vars[$0.index].kind != .loop }
  }

  /// The name of an index variable, for messages.
  func indexName(_ v: IndexVar) -> String { builder.kernel.indexVars[v.index].name }
}
