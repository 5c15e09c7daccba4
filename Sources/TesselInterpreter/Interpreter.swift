import Foundation
import TesselIR
import TesselMachine
import TesselNumerics

/// Options for a run.
public struct RunOptions: Sendable {
  /// The Trainium generation to simulate.
  public var target: Target
  /// Whether reads of never-written on-chip memory are reported as warnings.
  public var checkUninitializedReads: Bool
  /// The most instructions a run may execute before it stops with an error.
  public var maxInstructions: Int
  /// The most bytes of simulated memory (HBM and on-chip tensors, stored as fp32) a run may use.
  public var maxMemoryBytes: Int
  /// Whether SPMD program instances and the iterations of outermost `affine_range` loops (with
  /// the affine loops perfectly nested in them) run on every core.
  ///
  /// Results are bit-identical to
  /// a serial run (each worker has its own on-chip memory and every iteration runs the same
  /// instructions on the same data); only the order of warnings about never-written reads may
  /// differ. A serial run uses one core throughout: its matmuls call BLAS with one thread.
  public var parallel: Bool = true
  /// Whether a run that warns fails: it throws ``KernelError/Kind/warningsAsErrors(_:)`` with
  /// every warning instead of returning (the command line's `--strict`, for CI).
  public var strict: Bool = false
  /// Whether ``RunResult/parameters`` is filled (a copy of every parameter); benchmarks that
  /// only need the returned tensors turn it off.
  public var collectParameters: Bool = true
  /// Whether to follow values computed from never-written memory, element by element, to the
  /// read that produced them, and report which output elements derive from which read
  /// (``RunReport/uninitializedOrigins``).
  ///
  /// A diagnostic mode: it keeps a shadow word per element,
  /// runs serially (``parallel`` is ignored) and is several times slower. ``Interpreter/runPreset(_:)``
  /// does not track.
  public var trackUninitializedOrigins: Bool = false
  /// A debugger that sees every instruction before and after it runs (a stepping session in
  /// the REPL); nil for ordinary runs.
  ///
  /// A run with a debugger is serial (``parallel`` is ignored).
  public var debugger: (any KernelDebugger)? = nil
  /// Whether on-chip tiles whose lifetimes do not overlap share simulated memory, as they share
  /// SBUF and PSUM on hardware (on by default).
  ///
  /// A kernel then needs about as much host memory as it keeps on chip at once, however many
  /// tiles it declares. Results are the same either way; a run with a ``debugger`` never shares,
  /// so that a stop can show any tile's last contents.
  public var reusesTileMemory: Bool = true

  /// Creates options; the defaults suit every tutorial kernel at real shapes.
  ///
  /// The most wall-clock seconds one run may take before it stops with an error.
  public var maxSeconds: Double

  public init(
    target: Target = .trn2, checkUninitializedReads: Bool = true,
    maxInstructions: Int = 1_000_000_000, maxMemoryBytes: Int = 16 << 30, maxSeconds: Double = 600
  ) {
    self.target = target
    self.checkUninitializedReads = checkUninitializedReads
    self.maxInstructions = maxInstructions
    self.maxMemoryBytes = maxMemoryBytes
    self.maxSeconds = maxSeconds
  }
}

/// The outcome of a run: the returned tensors, the final parameter contents and a report.
public struct RunResult: Sendable {
  /// The returned tensors' values (row-major, rounded to their dtypes), in return order.
  public var outputs: [[Float]]
  /// Every parameter's final contents (kernels that write into an output argument).
  public var parameters: [[Float]]
  /// Counters, high-water marks and warnings.
  public var report: RunReport
}

/// Runs a verified kernel against a simulated NeuronCore.
///
/// Preparation verifies the kernel, places its on-chip tensors (failing when they do not fit)
/// and lowers every view to flat offsets. ``run(_:)`` then executes the instructions one by one,
/// each over whole tiles with tight loops; this is the executable definition of every operation.
///
/// ```swift
/// let interpreter = try Interpreter(kernel: kernel, options: RunOptions(target: .trn2))
/// let result = try interpreter.run([aValues, bValues])
/// ```
public struct Interpreter: Sendable {
  /// The kernel.
  public let kernel: Kernel
  /// The options.
  public let options: RunOptions
  /// Where each on-chip tensor is placed.
  public let allocation: AllocationPlan
  let program: [CompiledInstruction]
  /// Arena offset of every tensor: HBM tensors first, then the on-chip region of worker 0
  /// (``ArenaLayout``).
  let tensorOffsets: [Int]
  /// Elements of HBM tensors (the shared region at the start of the arena).
  let hbmCount: Int
  /// Elements of the on-chip region (one per worker; tiles with disjoint lifetimes share
  /// elements, see ``ArenaLayout``).
  let onChipCount: Int
  /// Whether some on-chip tiles share arena elements (``RunOptions/reusesTileMemory``).
  let sharesTileMemory: Bool
  /// Whether each tensor lives on chip (SBUF or PSUM).
  let onChip: [Bool]
  /// Index-variable slots, then one binding slot per bindable tensor, then the slots of runtime
  /// values (``RuntimeSlots``), then the worker's on-chip delta, the last slot.
  let slotCount: Int
  /// Per tensor: the env slot holding the distance from its arena region to memory the caller
  /// lent for it (``run(parameters:outputs:)``; 0 when not lent), or -1 when it cannot be lent.
  ///
  /// fp32 HBM parameters and outputs can be lent.
  let bindSlots: [Int]
  /// The env slot holding the current worker's on-chip region offset (relative to worker 0).
  var deltaSlot: Int { slotCount - 1 }
  /// Per dynamic loop (by the index of its begin): the lowered view of its bound and the slot
  /// holding the stop it read.
  let dynamicLoops: [Int: (FlatView, Int)]
  /// Outermost `affine_range` loops whose iterations may run on several workers, by begin index.
  let parallelLoops: [Int: ParallelLoop]
  /// Whether any instruction reads each tensor (poison tracking is pointless otherwise).
  let isRead: [Bool]
  /// Per tensor: whether it is a tile made fresh (never written again) when its scope starts.
  let needsFresh: [Bool]
  /// The fresh tiles declared in each loop (by begin index; empty elsewhere), made fresh at the
  /// start of each of its iterations.
  let freshLoops: [[Int]]
  /// The fresh tiles declared outside every loop, made fresh at the start of each program instance.
  let freshInstance: [Int]
  /// Whether any instruction writes each tensor.
  let isWritten: [Bool]
  /// Outputs whose writes are recorded in per-worker maps instead of poisoning them first: the
  /// kernel never reads them, and every write to them can be recorded exactly.
  let recordsWrites: [Bool]
  /// Whether the kernel scatters (an ``Operation/IndirectDMA`` into its destination): it then
  /// runs on one worker.
  let scatters: Bool
  /// For a kernel whose programs were traced one by one (a launch on two cores): how a run
  /// checks that programs the kernel does not order write equal values; nil for other kernels.
  let programWrites: ProgramWritePlan?
  /// Whether the kernel calls BLAS.
  let hasMatmul: Bool

  /// Verifies, allocates and prepares `kernel`.
  public init(kernel: Kernel, options: RunOptions = RunOptions()) throws(KernelError) {
    try Verifier(target: options.target).verify(kernel)
    self.kernel = kernel
    self.options = options
    self.allocation = try Allocator(target: options.target).plan(kernel)
    let onChip = kernel.tensors.map { $0.space == .sbuf || $0.space == .psum }
    let sharing = options.reusesTileMemory && options.debugger == nil
    let layout = ArenaLayout(
      kernel, onChip: onChip, live: sharing ? Allocator(target: options.target).liveIntervals(kernel) : nil)
    let offsets = layout.offsets
    let total = layout.hbmCount + layout.onChipCount
    if total.multipliedReportingOverflow(by: 4).overflow || total * 4 > options.maxMemoryBytes {
      throw KernelError(
        .resourceLimit(
          what: "simulated memory of \(total) elements (\(total * 4) bytes)", limit: options.maxMemoryBytes))
    }
    self.tensorOffsets = offsets
    self.onChip = onChip
    self.onChipCount = layout.onChipCount
    self.hbmCount = layout.hbmCount
    self.sharesTileMemory = layout.shares
    var bindSlots = Array(repeating: -1, count: kernel.tensors.count)
    var nextSlot = kernel.indexVars.count
    let outputSet = Set(kernel.outputs.map(\.index))
    for (i, t) in kernel.tensors.enumerated()
    where !onChip[i] && t.dtype == .float32
      && (t.role == .parameter || outputSet.contains(i))
    {
      bindSlots[i] = nextSlot
      nextSlot += 1
    }
    for (i, t) in kernel.tensors.enumerated() { if let a = t.alias { bindSlots[i] = bindSlots[a.base.index] } }
    self.bindSlots = bindSlots
    // Slots for the values read at run time (runtime offsets, dynamic loops' stops).
    let runtime = RuntimeSlots(kernel, base: nextSlot)
    nextSlot += runtime.count
    self.slotCount = nextSlot + 1
    var (program, dynamicLoops) = Interpreter.compile(
      kernel, offsets: offsets, onChip: onChip, deltaSlot: nextSlot, bindSlots: bindSlots, runtime: runtime)
    self.dynamicLoops = dynamicLoops
    var read = Array(repeating: false, count: kernel.tensors.count)
    for inst in kernel.instructions {
      for s in inst.operation.sources {
        read[s.view.tensor.index] = true
        read[kernel.storage(of: s.view.tensor).index] = true
      }
    }
    self.isRead = read
    var written = Array(repeating: false, count: kernel.tensors.count)
    for inst in kernel.instructions {
      for d in inst.operation.destinations {
        written[d.tensor.index] = true
        written[kernel.storage(of: d.tensor).index] = true
      }
    }
    self.isWritten = written
    // Under a debugger every tile starts fresh, so that a tile its scope has not written yet shows
    // as never written rather than with an earlier iteration's data.
    let fresh =
      options.debugger == nil
      ? Interpreter.needsFresh(kernel, onChip: onChip, read: read)
      : kernel.tensors.indices.map { onChip[$0] && kernel.tensors[$0].alias == nil }
    self.needsFresh = fresh
    (self.freshLoops, self.freshInstance) = Interpreter.freshScopes(kernel, needsFresh: fresh)
    for i in program.indices {
      let op = program[i].instruction.operation
      let touched = Set(
        (op.sources.map(\.view.tensor) + op.destinations.map(\.tensor)).map { kernel.storage(of: $0).index })
      program[i].facts.freshOperands = touched.filter { fresh[$0] }.sorted()
    }
    self.program = program
    // A loop needs a unit per worker to be worth forking; with fewer (matmul_optimized at 2048³
    // has two), the run stays serial and its matmuls keep every BLAS thread.
    // A scatter's writes are known only from its indices, so no static check proves two units
    // of work apart: a kernel with one runs serially, in program order.
    let scatters = kernel.instructions.contains {
      if case .indirectDMA(let p) = $0.operation { return p.side == .destination } else { return false }
    }
    self.scatters = scatters
    let workers = scatters ? 1 : Interpreter.workerCount(options)
    let live = Allocator(target: options.target).liveIntervals(kernel)
    self.parallelLoops = Interpreter.parallelLoops(kernel, onChip: onChip, fresh: freshLoops).filter { _, plan in
      !scatters && plan.nest.map(\.loop.tripCount).reduce(1, *) >= workers
    }.mapValues { plan in
      var plan = plan
      plan.inputs = Interpreter.loopInputs(plan, kernel, onChip: onChip, live: live)
      return plan
    }
    self.recordsWrites = Interpreter.recordedOutputs(
      kernel, program: program, onChip: onChip, read: read, written: written)
    self.programWrites = kernel.instanceCount > 1 ? nil : ProgramWritePlan(kernel)
    self.hasMatmul = kernel.instructions.contains {
      if case .matmul = $0.operation { return true } else { return false }
    }
  }

  /// Whether any instruction writes tensor `t` (a parameter the kernel writes comes back changed).
  public func writesParameter(_ t: TensorID) -> Bool { isWritten[t.index] }

  /// How many workers a run uses.
  var workerCount: Int { scatters ? 1 : Interpreter.workerCount(options) }

  /// How many workers a run with `options` uses: every core, or one for a serial, tracked or
  /// debugged run.
  static func workerCount(_ options: RunOptions) -> Int {
    options.parallel && !options.trackUninitializedOrigins && options.debugger == nil
      ? WorkerPool.cores : 1
  }

  /// Runs the kernel once with every tensor's initial contents given (parameters and locals, in
  /// ``Kernel/tensors`` order; a local given as poison counts as never written) and returns every
  /// tensor's final contents, poison kept.
  ///
  /// ``CoreSession`` runs single instructions this way.
  public func runPreset(_ initial: [[Float]]) throws(KernelError) -> (tensors: [[Float]], report: RunReport) {
    var groups: [[UInt8]?] = []
    return try runPreset(initial, accumulation: &groups)
  }

  /// ``runPreset(_:)`` that also starts from, and hands back, each PSUM tensor's accumulation
  /// groups (per element, 1 when a matmul wrote it last, so that the next `auto` matmul adds;
  /// nil when no element is in a group), so that instructions run one at a time accumulate as
  /// they would in one kernel.
  ///
  /// `accumulation` has one entry per tensor, or is empty for none.
  public func runPreset(
    _ initial: [[Float]], accumulation: inout [[UInt8]?]
  ) throws(KernelError) -> (tensors: [[Float]], report: RunReport) {
    guard initial.count == kernel.tensors.count else {
      throw KernelError(
        .argumentMismatch(
          parameter: kernel.name, expected: "\(kernel.tensors.count) tensors", actual: "\(initial.count)"))
    }
    if sharesTileMemory {
      // Every tile's contents go in and come back: each needs memory of its own.
      var own = options
      own.reusesTileMemory = false
      return try Interpreter(kernel: kernel, options: own).runPreset(initial, accumulation: &accumulation)
    }
    let state = ExecutionState(interpreter: self)
    defer { state.release() }
    state.freshInstances = false
    for (i, t) in kernel.tensors.enumerated() {
      guard initial[i].count == t.elementCount else {
        throw KernelError(
          .argumentMismatch(parameter: t.name, expected: "\(t.elementCount) elements", actual: "\(initial[i].count)"))
      }
      let base = state.arena + tensorOffsets[i]
      initial[i].withUnsafeBufferPointer { src in
        for j in 0..<src.count { base[j] = src[j] }
      }
    }
    for (i, f) in accumulation.enumerated() where i < kernel.tensors.count {
      guard let f, let flags = state.groups.flags[i], f.count == Swift.max(1, kernel.tensors[i].elementCount) else {
        continue
      }
      flags.update(from: f, count: f.count)
      state.groups.state[i] = .mixed
    }
    state.presetAccumulation = !accumulation.isEmpty
    try state.withOneBLASThread { () throws(KernelError) in
      for instance in 0..<Swift.max(1, kernel.instanceCount) { try state.runInstance(instance, parallel: false) }
    }
    accumulation = kernel.tensors.indices.map { i in
      guard state.groups.state[i] != .none, let flags = state.materializeFlags(i) else { return nil }
      return Array(UnsafeBufferPointer(start: flags, count: Swift.max(1, kernel.tensors[i].elementCount)))
    }
    let values = kernel.tensors.indices.map { state.values(of: TensorID($0)) }
    return (values, state.report())
  }

  /// Replaces poison by NaN in values handed back to the host.
  static func unpoisoned(_ v: [Float]) -> [Float] {
    v.map { Poison.isPoison($0) ? Float.nan : $0 }
  }
}
