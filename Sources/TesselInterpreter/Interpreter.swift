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
  /// the affine loops perfectly nested in them) run on every core. Results are bit-identical to
  /// a serial run (each worker has its own on-chip memory and every iteration runs the same
  /// instructions on the same data); only the order of warnings about never-written reads may
  /// differ. A serial run uses one core throughout: its matmuls call BLAS with one thread.
  public var parallel: Bool = true
  /// Whether ``RunResult/parameters`` is filled (a copy of every parameter); benchmarks that
  /// only need the returned tensors turn it off.
  public var collectParameters: Bool = true
  /// Whether to follow values computed from never-written memory, element by element, to the
  /// read that produced them, and report which output elements derive from which read
  /// (``RunReport/uninitializedOrigins``). A diagnostic mode: it keeps a shadow word per element,
  /// runs serially (``parallel`` is ignored) and is several times slower. ``Interpreter/runPreset(_:)``
  /// does not track.
  public var trackUninitializedOrigins: Bool = false

  /// Creates options; the defaults suit every tutorial kernel at real shapes.
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
  /// Arena offset of every tensor: HBM tensors first, then the on-chip region of worker 0.
  let tensorOffsets: [Int]
  /// Elements of HBM tensors (the shared region at the start of the arena).
  let hbmCount: Int
  /// Elements of on-chip tensors (one region per worker).
  let onChipCount: Int
  /// Whether each tensor lives on chip (SBUF or PSUM).
  let onChip: [Bool]
  /// Index-variable slots, then one binding slot per bindable tensor, then the worker's on-chip
  /// delta, the last slot.
  let slotCount: Int
  /// Per tensor: the env slot holding the distance from its arena region to memory the caller
  /// lent for it (``run(parameters:outputs:)``; 0 when not lent), or -1 when it cannot be lent.
  /// fp32 HBM parameters and outputs can be lent.
  let bindSlots: [Int]
  /// The env slot holding the current worker's on-chip region offset (relative to worker 0).
  var deltaSlot: Int { slotCount - 1 }
  /// Outermost `affine_range` loops whose iterations may run on several workers, by begin index.
  let parallelLoops: [Int: ParallelLoop]
  /// Whether any instruction reads each tensor (poison tracking is pointless otherwise).
  let isRead: [Bool]
  /// Whether any instruction writes each tensor.
  let isWritten: [Bool]
  /// Outputs whose writes are recorded in per-worker maps instead of poisoning them first: the
  /// kernel never reads them, and every write to them can be recorded exactly.
  let recordsWrites: [Bool]
  /// Whether the kernel calls BLAS.
  let hasMatmul: Bool
  /// The arena of the last finished run, reused by the next (no page faults on repeated runs).
  let arenas = ArenaCache()

  /// Verifies, allocates and prepares `kernel`.
  public init(kernel: Kernel, options: RunOptions = RunOptions()) throws(KernelError) {
    try Verifier(target: options.target).verify(kernel)
    self.kernel = kernel
    self.options = options
    self.allocation = try Allocator(target: options.target).plan(kernel)
    var offsets = Array(repeating: 0, count: kernel.tensors.count)
    var total = 0
    let onChip = kernel.tensors.map { $0.space == .sbuf || $0.space == .psum }
    for pass in [false, true] {
      for (i, t) in kernel.tensors.enumerated() where onChip[i] == pass {
        offsets[i] = total
        total += t.elementCount
      }
    }
    if total.multipliedReportingOverflow(by: 4).overflow || total * 4 > options.maxMemoryBytes {
      throw KernelError(.resourceLimit(what: "simulated memory of \(total) elements (\(total * 4) bytes)", limit: options.maxMemoryBytes))
    }
    self.tensorOffsets = offsets
    self.onChip = onChip
    self.onChipCount = zip(kernel.tensors, onChip).filter(\.1).map(\.0.elementCount).reduce(0, +)
    self.hbmCount = total - onChipCount
    var bindSlots = Array(repeating: -1, count: kernel.tensors.count)
    var nextSlot = kernel.indexVars.count
    let outputSet = Set(kernel.outputs.map(\.index))
    for (i, t) in kernel.tensors.enumerated() where !onChip[i] && t.dtype == .float32
      && (t.role == .parameter || outputSet.contains(i)) {
      bindSlots[i] = nextSlot
      nextSlot += 1
    }
    self.bindSlots = bindSlots
    self.slotCount = nextSlot + 1
    self.program = Interpreter.compile(kernel, offsets: offsets, onChip: onChip, deltaSlot: nextSlot, bindSlots: bindSlots)
    // A loop needs a unit per worker to be worth forking, after its first unit when that one
    // runs alone; with fewer (matmul_optimized at 2048³ has two), the run stays serial and its
    // matmuls keep every BLAS thread.
    let workers = Interpreter.workerCount(options)
    self.parallelLoops = Interpreter.parallelLoops(kernel, onChip: onChip).filter { _, plan in
      plan.nest.map(\.loop.tripCount).reduce(1, *) >= workers + (plan.independentUnits ? 0 : 1)
    }
    var read = Array(repeating: false, count: kernel.tensors.count)
    for inst in kernel.instructions { for s in inst.operation.sources { read[s.view.tensor.index] = true } }
    self.isRead = read
    var written = Array(repeating: false, count: kernel.tensors.count)
    for inst in kernel.instructions { for d in inst.operation.destinations { written[d.tensor.index] = true } }
    self.isWritten = written
    self.recordsWrites = Interpreter.recordedOutputs(kernel, program: program, onChip: onChip, read: read)
    self.hasMatmul = kernel.instructions.contains { if case .matmul = $0.operation { return true } else { return false } }
  }

  /// How many workers a run uses.
  var workerCount: Int { Interpreter.workerCount(options) }

  /// How many workers a run with `options` uses: every core, or one for a serial or tracked run.
  static func workerCount(_ options: RunOptions) -> Int {
    options.parallel && !options.trackUninitializedOrigins
      ? Swift.max(1, Swift.min(ProcessInfo.processInfo.activeProcessorCount, 64)) : 1
  }

  /// Runs the kernel on parameter values given in signature order.
  ///
  /// Each array holds a parameter's elements in row-major order; values are rounded to the
  /// parameter's dtype on the way in.
  public func run(_ arguments: [[Float]]) throws(KernelError) -> RunResult {
    guard arguments.count == kernel.parameters.count else {
      throw KernelError(.argumentMismatch(parameter: kernel.name, expected: "\(kernel.parameters.count) arguments", actual: "\(arguments.count)"))
    }
    for (p, a) in zip(kernel.parameters, arguments) where a.count != kernel[p.tensor].elementCount {
      let t = kernel[p.tensor]
      throw KernelError(.argumentMismatch(parameter: p.name, expected: "\(t.elementCount) elements (shape \(t.shape))", actual: "\(a.count) elements"))
    }
    return try run(filling: { index, buffer in
      arguments[index].withUnsafeBufferPointer { src in
        if let s = src.baseAddress, let d = buffer.baseAddress { d.update(from: s, count: buffer.count) }
      }
    })
  }

  /// Runs the kernel with each parameter's elements written straight into simulated HBM by
  /// `fill(parameterIndex, buffer)` (row-major, before rounding to the parameter's dtype), which
  /// saves a copy of every argument. With ``RunOptions/parallel`` the calls for different
  /// parameters may run concurrently.
  public func run(filling fill: (Int, UnsafeMutableBufferPointer<Float>) -> Void) throws(KernelError) -> RunResult {
    let state = ExecutionState(interpreter: self)
    defer { state.release() }
    fillParameters(Array(kernel.parameters.indices), of: state, fill)
    if options.trackUninitializedOrigins { state.originTracker = OriginTracker(interpreter: self) }
    try state.runAllInstances()
    var report = finishedReport(state)
    var outputs: [[Float]] = []
    for o in kernel.outputs {
      outputs.append([Float](unsafeUninitializedCapacity: kernel[o].elementCount) { buffer, count in
        finishOutput(o, state, into: buffer, report: &report)
        count = buffer.count
      })
    }
    if let tracker = state.originTracker { report.addOrigins(tracker.origins()) }
    let params = options.collectParameters ? kernel.parameters.map { state.values(of: $0.tensor) } : []
    return RunResult(outputs: outputs, parameters: params, report: report)
  }

  /// Runs the kernel on memory the caller owns, without copying fp32 data in or out.
  ///
  /// `parameters` holds each parameter's elements (row-major, signature order) and `outputs`
  /// receives each returned tensor's (return order); elements the kernel never writes come back
  /// as NaN, with a warning. fp32 tensors are used in place: the kernel reads the caller's
  /// parameter memory directly, its writes to a parameter land there, and it stores its results
  /// straight into `outputs`. Tensors of other dtypes are copied in (rounded to the dtype) and
  /// out (a parameter only when the kernel writes it). The buffers must not overlap.
  ///
  /// ```swift
  /// var c = [Float](repeating: 0, count: a.count)
  /// let report = try a.withUnsafeMutableBufferPointer { a in
  ///   try b.withUnsafeMutableBufferPointer { b in
  ///     try c.withUnsafeMutableBufferPointer { c in try interpreter.run(parameters: [a, b], outputs: [c]) }
  ///   }
  /// }
  /// ```
  public func run(
    parameters: [UnsafeMutableBufferPointer<Float>], outputs: [UnsafeMutableBufferPointer<Float>]
  ) throws(KernelError) -> RunReport {
    guard parameters.count == kernel.parameters.count else {
      throw KernelError(.argumentMismatch(parameter: kernel.name, expected: "\(kernel.parameters.count) parameter buffers", actual: "\(parameters.count)"))
    }
    guard outputs.count == kernel.outputs.count else {
      throw KernelError(.argumentMismatch(parameter: kernel.name, expected: "\(kernel.outputs.count) output buffers", actual: "\(outputs.count)"))
    }
    let named = Array(zip(kernel.parameters.map { ($0.tensor, $0.name) }, parameters))
      + Array(zip(kernel.outputs.map { ($0, kernel[$0].name) }, outputs))
    var lent: [(tensor: Int, memory: UnsafeMutablePointer<Float>)] = []
    for ((t, name), buffer) in named {
      guard buffer.count == kernel[t].elementCount else {
        throw KernelError(.argumentMismatch(parameter: name, expected: "\(kernel[t].elementCount) elements (shape \(kernel[t].shape))", actual: "\(buffer.count) elements"))
      }
      // The origin shadow mirrors the arena, so a tracked run copies instead of lending. A
      // returned parameter lives in its parameter's buffer; its output buffer gets a copy.
      if bindSlots[t.index] >= 0 && !options.trackUninitializedOrigins && !lent.contains(where: { $0.tensor == t.index }),
        let base = buffer.baseAddress
      {
        lent.append((t.index, base))
      }
    }
    let state = ExecutionState(interpreter: self, lent: lent)
    if options.trackUninitializedOrigins { state.originTracker = OriginTracker(interpreter: self) }
    defer { state.release() }
    let arena = state.arena
    let isLent = Set(lent.map(\.tensor))
    let copied = kernel.parameters.indices.filter { !isLent.contains(kernel.parameters[$0].tensor.index) }
    fillParameters(copied, of: state) { i, region in
      if let src = parameters[i].baseAddress, let dst = region.baseAddress { dst.update(from: src, count: region.count) }
    }
    try state.runAllInstances()
    var report = finishedReport(state)
    for (o, buffer) in zip(kernel.outputs, outputs) { finishOutput(o, state, into: buffer, report: &report) }
    if let tracker = state.originTracker { report.addOrigins(tracker.origins()) }
    for i in copied where isWritten[kernel.parameters[i].tensor.index] {
      let t = kernel.parameters[i].tensor
      if let dst = parameters[i].baseAddress { dst.update(from: arena + tensorOffsets[t.index], count: parameters[i].count) }
    }
    return report
  }

  /// Writes the parameters at `indices` into a fresh state's HBM by `fill(parameterIndex,
  /// region)`, then rounds them to their dtypes; different parameters concurrently when the run
  /// has several workers.
  func fillParameters(
    _ indices: [Int], of state: ExecutionState, _ fill: (Int, UnsafeMutableBufferPointer<Float>) -> Void
  ) {
    let arena = state.arena
    func fillOne(_ i: Int) {
      let t = kernel.parameters[i].tensor
      let region = UnsafeMutableBufferPointer(start: arena + tensorOffsets[t.index], count: kernel[t].elementCount)
      fill(i, region)
      if kernel[t].dtype != .float32 { kernel[t].dtype.quantize(region) }
    }
    if workerCount > 1 {
      concurrently(indices.count) { fillOne(indices[$0]) }
    } else {
      for i in indices { fillOne(i) }
    }
  }

  /// The report of a finished run, with the allocation's high-water marks.
  func finishedReport(_ state: ExecutionState) -> RunReport {
    var report = state.report()
    report.readsNeverWrittenMemory = !state.warnings.isEmpty
    report.sbufHighWaterBytes = allocation.sbufHighWater
    report.psumHighWaterBytes = allocation.psumHighWater
    report.sbufCapacityBytes = options.target.sbufBytesPerPartition
    report.psumCapacityBytes = options.target.psumBytesPerPartition
    return report
  }

  /// Hands one output back into `buffer` (NaN where never written) and warns when elements were
  /// never written (counted exactly from the origin shadow when tracking).
  func finishOutput(_ o: TensorID, _ state: ExecutionState, into buffer: UnsafeMutableBufferPointer<Float>, report: inout RunReport) {
    let unwritten = state.finishOutput(o, into: buffer)
    let n = state.originTracker?.unwrittenCount(of: o.index) ?? unwritten
    if n > 0 {
      report.readsNeverWrittenMemory = true
      report.warnings.append(Diagnostic(
        .warning, "output `\(kernel[o].name)` has \(n) of \(buffer.count) elements that the kernel never wrote",
        at: kernel[o].location.isKnown ? kernel[o].location : nil))
    }
  }

  /// Runs the kernel once with every tensor's initial contents given (parameters and locals, in
  /// ``Kernel/tensors`` order; a local given as poison counts as never written) and returns every
  /// tensor's final contents, poison kept. ``CoreSession`` runs single instructions this way.
  public func runPreset(_ initial: [[Float]]) throws(KernelError) -> (tensors: [[Float]], report: RunReport) {
    guard initial.count == kernel.tensors.count else {
      throw KernelError(.argumentMismatch(parameter: kernel.name, expected: "\(kernel.tensors.count) tensors", actual: "\(initial.count)"))
    }
    let state = ExecutionState(interpreter: self)
    defer { state.release() }
    for (i, t) in kernel.tensors.enumerated() {
      guard initial[i].count == t.elementCount else {
        throw KernelError(.argumentMismatch(parameter: t.name, expected: "\(t.elementCount) elements", actual: "\(initial[i].count)"))
      }
      let base = state.arena + tensorOffsets[i]
      initial[i].withUnsafeBufferPointer { src in
        for j in 0..<src.count { base[j] = src[j] }
      }
    }
    try state.withOneBLASThread { () throws(KernelError) in
      for instance in 0..<Swift.max(1, kernel.instanceCount) { try state.runInstance(instance, parallel: false) }
    }
    let values = kernel.tensors.indices.map { state.values(of: TensorID($0)) }
    return (values, state.report())
  }

  /// Replaces poison by NaN in values handed back to the host.
  static func unpoisoned(_ v: [Float]) -> [Float] {
    v.map { Poison.isPoison($0) ? Float.nan : $0 }
  }
}

/// Keeps one released arena for the next run of the same interpreter.
final class ArenaCache: @unchecked Sendable {
  private let lock = NSLock()
  private var arena: UnsafeMutablePointer<Float>?
  private var count = 0

  /// A cached arena of exactly `count` elements, or a new one (contents unspecified).
  func take(_ count: Int) -> UnsafeMutablePointer<Float> {
    lock.lock()
    defer { lock.unlock() }
    if let a = arena, self.count == count {
      arena = nil
      return a
    }
    return .allocate(capacity: count)
  }

  /// Gives an arena back; the cache keeps at most one.
  func give(_ a: UnsafeMutablePointer<Float>, count: Int) {
    lock.lock()
    let old = arena
    arena = a
    self.count = count
    lock.unlock()
    old?.deallocate()
  }

  deinit { arena?.deallocate() }
}
