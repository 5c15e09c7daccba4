import TesselIR
import TesselPython

/// The binding of the current NKI dialect (`import nki`): runs the kernel's Python on the
/// evaluator and records every `nisa.*` call, in program order, in a ``KernelBuilder``.
///
/// The current dialect's model is "run the Python": loop indices are Python integers, bodies run
/// once per iteration with all their side effects, and every ISA call writes its destination
/// (`dst`) when it runs. Tensors are ``NkiTensor`` views of IR tensors; the ISA functions lower
/// them to IR views and emit one instruction each at the call's location. A kernel launched on
/// a logical NeuronCore of two programs (`kernel[2]`) is traced once per program into the same
/// builder (``CurrentTrace``).
final class CurrentTracer: NKIBinding {
  let ev: Evaluator
  var builder: KernelBuilder
  let target: Target
  let file: String
  /// The program traced (`nl.program_id(0)`), how many there are (`nl.num_programs()`), and
  /// the rank of the launch grid (`nl.program_ndim()`: 0 for a bare call, 1 for `kernel[n]`).
  var programID = 0
  let programs: Int
  let programRank: Int
  /// Flat aliases of storage tensors, made on first use (``NkiTensor/flatView(at:)``).
  var flatAliases: [TensorID: TensorID] = [:]
  /// `nl.shared_hbm` tensors in creation order: the programs of one launch share them, so the
  /// second program's k-th `nl.ndarray(buffer=nl.shared_hbm)` is the first program's.
  var sharedHBM: [TensorID] = []
  var sharedHBMSeen = 0
  /// Instruction counts at each rendezvous (`sendrecv`, `core_barrier`) of the program traced.
  var rendezvous: [Rendezvous] = []
  /// Names given so far (generated names stay unique).
  var counter = 0
  /// Warnings of the trace (an argument accepted and ignored, ...), with their locations.
  var warnings: [(String, SourceLocation)] = []
  /// The iterations of the enclosing `affine_range` / `sequential_range` loops, outermost first
  /// (the tags of an `nl.device_print`).
  var printLoops: [LoopIteration] = []
  /// At the REPL's prompt: makes an HBM tensor holding a numpy array's data, so that ISA calls
  /// take host arrays where they take tensors (nil in a kernel trace).
  var hostTensor: ((NDArray, SourceLocation) throws(TraceError) -> NkiTensor)?
  /// At the REPL's prompt: prints an `nl.device_print(prefix, tensor)` at once (nil in a kernel
  /// trace, where the run prints it).
  var promptPrint: ((String, NkiTensor, SourceLocation) throws(TraceError) -> Void)?
  /// At the REPL's prompt: allocates a tensor on the session's core as it is made (the second
  /// argument: whether a loop is open, in which case the session allocates it later).
  var promptAllocate: ((TensorID, Bool) throws(TraceError) -> Void)?

  /// A point where the programs of a launch meet.
  struct Rendezvous {
    /// Instructions emitted before it.
    var instruction: Int
    /// For `sendrecv`: what this program sends and where it receives (IR views).
    var send: View?
    var receive: View?
    var peer: Int
    var location: SourceLocation
  }

  init(kernelName: String, file: String, target: Target, programs: Int, programRank: Int, evaluator: Evaluator) {
    builder = KernelBuilder(name: kernelName)
    self.target = target
    self.file = file
    self.programs = programs
    self.programRank = programRank
    ev = evaluator
  }

  /// Installs the current NKI modules (`nki` and its submodules), once per evaluator.
  func install(in ev: Evaluator) { CurrentModules.install(in: ev) }

  // MARK: - Tensors

  /// A fresh generated name.
  func freshName(_ prefix: String) -> String {
    counter += 1
    return "\(prefix)\(counter)"
  }

  /// Declares a tensor and returns its whole view; a packed dtype (`packing` values per element)
  /// stores `packing` times as many values along the last dimension.
  func declare(
    name: String, space: MemorySpace, shape nkiShape: [Int], dtype: DType, packing: Int = 1,
    at location: SourceLocation
  ) throws(TraceError) -> NkiTensor {
    let shape = Array(nkiShape.dropLast()) + [(nkiShape.last ?? 1) * packing]
    if space == .sharedHBM {
      // The programs of a launch share `nl.shared_hbm` tensors, matched in creation order.
      defer { sharedHBMSeen += 1 }
      if sharedHBMSeen < sharedHBM.count {
        let id = sharedHBM[sharedHBMSeen]
        let d = builder.tensor(id)
        guard d.shape == shape && d.dtype == dtype else {
          throw TraceError.unsupported(
            "programs of one launch creating different nl.shared_hbm tensors (program 0 made `\(d.name)` \(d.dtype)\(d.shape), program \(programID) makes \(dtype)\(shape))",
            at: location)
        }
        return NkiTensor.whole(id, decl: d, packing: packing, tracer: self)
      }
    }
    // NKI removed block dimensions: a current-dialect on-chip tensor is one tile however many
    // free dimensions it has ((128, 2, 256) float32 is 2 KiB per partition, one bank), and a PSUM
    // one may span several consecutive banks.
    let id = builder.declareTensor(
      name: name, space: space, shape: shape, dtype: dtype, location: location, spansPSUMBanks: space == .psum)
    if space == .sharedHBM { sharedHBM.append(id) }
    try promptAllocate?(id, !builder.openLoops.isEmpty)
    return NkiTensor.whole(id, decl: builder.tensor(id), packing: packing, tracer: self)
  }

  /// The flat alias of a storage tensor: `[N]` in HBM, `[P, F]` on chip.
  func flatAlias(of id: TensorID) -> TensorID {
    if let a = flatAliases[id] { return a }
    let d = builder.tensor(id)
    let shape = d.space.isOnChip ? [d.partitionCount, d.freeElementCount] : [d.elementCount]
    let a = builder.declareAlias(name: d.name, of: id, shape: shape, location: d.location)
    flatAliases[id] = a
    return a
  }

  // MARK: - Emitting

  /// Appends an instruction at `location`, on `engine` when the kernel chose one.
  func emit(_ op: Operation, engine: Engine? = nil, at location: SourceLocation) {
    builder.emit(op, engine: engine, location: location)
  }

  /// Whether the REPL runs this trace statement by statement (it has a prompt allocator); its
  /// trace is never complete, so rolled loops stay sequential
  /// (``TesselIR/KernelBuilder/sequentializeDependentAffineLoops()`` needs the whole kernel).
  var interactive: Bool { promptAllocate != nil }

  /// Records a warning of the trace.
  func warn(_ text: String, at location: SourceLocation) {
    warnings.append((text, location))
  }

  // MARK: - Binding hooks

  func subscriptFunction(_ function: PyFunction, _ key: Value, _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  {
    // `kernel[lnc](...)` inside a kernel: a jit-decorated helper called with a grid.
    .native(CurrentLaunch(function: function))
  }
}

/// `kernel[n]` evaluated inside a trace: calling it calls the function (the launch grid is the
/// trace's own).
final class CurrentLaunch: NativeObject {
  let function: PyFunction
  init(function: PyFunction) { self.function = function }
  var typeName: String { "Kernel" }
  func call(_ positional: [Value], _ keywords: [(String, Value)], _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  {
    try ev.callFunction(function, positional, keywords, at: location)
  }
}
