import Dispatch
import Foundation
import TesselIR
import TesselMachine
import TesselNumerics

/// The simulated memory and bookkeeping of one run (or of one worker of a parallel run).
///
/// Every tensor has its own region of one `Float` arena, so an instruction takes raw pointers
/// once and its loops never touch class properties. HBM tensors come first and are shared by
/// every worker; each worker has its own copy of the on-chip region, found through the env's
/// last slot (``Interpreter/deltaSlot``), which every on-chip view adds to its offset.
///
/// Never-written HBM locals hold ``Poison/value`` from the start of a run; on-chip tiles get it
/// when their scope starts (see `Interpreter+Fresh.swift`); parameters are copied in, never filled.
final class ExecutionState {
  let interpreter: Interpreter
  let arena: UnsafeMutablePointer<Float>
  let env: UnsafeMutablePointer<Int>
  /// Whether this state owns `arena` (the main state) or shares it (a worker).
  let ownsArena: Bool
  /// Per tensor: whether it may still hold never-written elements.
  var mayHoldPoison: [Bool]
  /// Per tensor: whether it is a fresh tile whose poison is not written yet (``settleFresh(_:)``).
  var pendingPoison: [Bool]
  /// Whether each program instance starts with fresh top-level tiles (off for ``Interpreter/runPreset(_:)``,
  /// whose tiles start with given contents).
  var freshInstances = true
  /// Per PSUM tensor: one flag per element, whether the last write was a matmul (accumulation
  /// groups); nil for other tensors. Only meaningful while ``accumulationState`` is `mixed`.
  var accumulationFlags: [UnsafeMutablePointer<UInt8>?]
  /// Per tensor, a summary of its flags: ``AccumulationState``.
  var accumulationState: [AccumulationState]
  /// PSUM tensors, for resets at instance start.
  let psumTensors: [Int]
  /// Per tensor that may hold poison and was partly written: which elements were (see `noteWrite`).
  var coverage: [UnsafeMutablePointer<UInt8>?]
  var coverageCount: [Int]
  /// Per output in ``Interpreter/recordsWrites``: which elements this state wrote, allocated
  /// on the first write.
  var writeMaps: [WriteBitmap?]
  /// Executions per instruction.
  var executions: [Int]
  var executed = 0
  /// When the run must stop (``RunOptions/maxSeconds``), in `DispatchTime` nanoseconds.
  let deadline: UInt64
  var warnings: [(pc: Int, diagnostic: Diagnostic)] = []
  var warned: [Bool]
  /// PSUM tensors declared directly inside each loop (by the loop's instruction index): every
  /// iteration allocates them afresh, so their accumulation groups start over.
  let freshEachIteration: [[Int]]
  var scratch: [Float] = []
  var scratch2: [Float] = []
  var scratch3: [Float] = []
  /// Workers 1... of parallel loops, created on first use.
  var workers: [ExecutionState] = []
  /// The shadow memory of a run with ``RunOptions/trackUninitializedOrigins`` (serial runs only).
  var originTracker: OriginTracker?

  /// A summary of a PSUM tensor's accumulation flags.
  enum AccumulationState: UInt8 {
    /// No element is in an accumulation group (the flags may be stale).
    case none = 0
    /// Every element is (the flags may be stale).
    case all = 1
    /// The flags are exact.
    case mixed = 2
  }

  /// The main state of a run: allocates the arena, points the lent tensors at the caller's
  /// memory and poisons the memory that needs it.
  ///
  /// - Parameter lent: tensors whose elements live in caller memory for this run (each one
  ///   must have a binding slot, ``Interpreter/bindSlots``).
  convenience init(interpreter: Interpreter, lent: [(tensor: Int, memory: UnsafeMutablePointer<Float>)] = []) {
    let workers = interpreter.workerCount
    let n = Swift.max(1, interpreter.hbmCount + interpreter.onChipCount * workers)
    let (arena, capacity) = ArenaPool.shared.take(n)
    self.init(interpreter: interpreter, arena: arena, owns: true, delta: 0)
    arenaCapacity = capacity
    for (t, memory) in lent where interpreter.bindSlots[t] >= 0 {
      // Views of a lent tensor add this distance to their arena offset (see `compile`).
      env[interpreter.bindSlots[t]] = (arena + interpreter.tensorOffsets[t]).distance(to: memory)
    }
    // Parameters are filled by the caller; HBM locals (outputs, scratch) start poisoned, except
    // outputs whose writes are recorded instead. On-chip tiles are made fresh by their scopes.
    let k = interpreter.kernel
    for (i, t) in k.tensors.enumerated()
    where t.role == .local && t.alias == nil && !interpreter.onChip[i] && !interpreter.recordsWrites[i] {
      let base = arena + tensorBase(i)
      concurrentChunks(t.elementCount, parts: workers) { r in
        (base + r.lowerBound).initialize(repeating: Poison.value, count: r.count)
      }
    }
  }

  /// Elements of `arena` (main state only).
  var arenaCapacity = 0

  init(interpreter: Interpreter, arena: UnsafeMutablePointer<Float>, owns: Bool, delta: Int) {
    self.interpreter = interpreter
    let requested = interpreter.options.maxSeconds
    let seconds = requested.isNaN ? 0 : Swift.max(0, Swift.min(requested, 1e9))
    deadline = DispatchTime.now().uptimeNanoseconds &+ UInt64(seconds * 1e9)
    self.arena = arena
    self.ownsArena = owns
    let slots = Swift.max(1, interpreter.slotCount)
    env = .allocate(capacity: slots)
    env.initialize(repeating: 0, count: slots)
    env[interpreter.deltaSlot] = delta
    let k = interpreter.kernel
    mayHoldPoison = k.tensors.indices.map { k.tensors[k.storage(of: TensorID($0)).index].role == .local }
    pendingPoison = Array(repeating: false, count: k.tensors.count)
    executions = Array(repeating: 0, count: interpreter.program.count)
    warned = Array(repeating: false, count: interpreter.program.count)
    accumulationFlags = Array(repeating: nil, count: k.tensors.count)
    coverage = Array(repeating: nil, count: k.tensors.count)
    coverageCount = Array(repeating: 0, count: k.tensors.count)
    writeMaps = Array(repeating: nil, count: k.tensors.count)
    accumulationState = Array(repeating: .none, count: k.tensors.count)
    var fresh = Array(repeating: [Int](), count: interpreter.program.count)
    var psum: [Int] = []
    for (i, t) in k.tensors.enumerated() where t.space == .psum {
      let flags = UnsafeMutablePointer<UInt8>.allocate(capacity: Swift.max(1, t.elementCount))
      flags.initialize(repeating: 0, count: Swift.max(1, t.elementCount))
      accumulationFlags[i] = flags
      psum.append(i)
      if let l = t.enclosingLoop, l < fresh.count { fresh[l].append(i) }
    }
    psumTensors = psum
    freshEachIteration = fresh
  }

  func release() {
    for w in workers { w.release() }
    workers = []
    if ownsArena { ArenaPool.shared.give(arena, capacity: arenaCapacity) }
    env.deallocate()
    for f in accumulationFlags { f?.deallocate() }
    accumulationFlags = []
    for c in coverage { c?.deallocate() }
    coverage = []
    for m in writeMaps { m?.deallocate() }
    writeMaps = []
  }

  /// Where a tensor's element 0 is for this worker, relative to `arena` (lent tensors included).
  @inline(__always)
  func tensorBase(_ t: Int) -> Int {
    let slot = interpreter.bindSlots[t]
    return interpreter.tensorOffsets[t] + (interpreter.onChip[t] ? env[interpreter.deltaSlot] : 0)
      + (slot >= 0 ? env[slot] : 0)
  }

  /// A tensor's elements for this worker (caller memory for a lent tensor).
  func region(of t: Int) -> UnsafeMutableBufferPointer<Float> {
    UnsafeMutableBufferPointer(start: arena + tensorBase(t), count: interpreter.kernel.tensors[t].elementCount)
  }

  /// The current values of a tensor.
  func values(of t: TensorID) -> [Float] {
    let n = interpreter.kernel[t].elementCount
    let base = arena + tensorBase(t.index)
    return [Float](unsafeUninitializedCapacity: n) { out, count in
      let o = out.baseAddress!
      concurrentChunks(n, parts: interpreter.workerCount) { r in
        (o + r.lowerBound).initialize(from: base + r.lowerBound, count: r.count)
      }
      count = n
    }
  }

  /// Assembles the report from the execution counts.
  func report() -> RunReport {
    var r = RunReport()
    for (pc, n) in executions.enumerated() where n > 0 {
      let ci = interpreter.program[pc]
      switch ci.instruction.operation {
      case .loopBegin, .loopEnd: continue
      default: break
      }
      var c = r.engines[ci.instruction.engine] ?? EngineCounters()
      c.instructions += n
      c.elements += n * ci.elements
      c.bytes += n * ci.bytes
      c.flops += n * ci.flops
      r.engines[ci.instruction.engine] = c
    }
    r.warnings = warnings.map(\.diagnostic)
    return r
  }

  // MARK: - Running

  /// Runs every SPMD program instance, on several workers when the options allow.
  func runAllInstances() throws(KernelError) {
    try withOneBLASThread { () throws(KernelError) in try runInstancesOnWorkers() }
  }

  /// Runs `body` with OpenBLAS on one thread when the kernel multiplies.
  ///
  /// Every tile matmul runs on one BLAS thread. OpenBLAS's threaded kernels split the work in
  /// ways that change the rounding (seen with its Haswell kernels: 1 and 2 threads give
  /// different bits for one 128×512×128 product), so a result must not depend on the thread
  /// count: parallelism comes from the workers. The count is process-wide, so it is set and
  /// left at one rather than restored (restoring races with runs on other threads, and changing
  /// it wakes OpenBLAS's threads, which then spin for a while); code that wants threaded BLAS
  /// (the bench's baselines) sets it for itself.
  func withOneBLASThread(_ body: () throws(KernelError) -> Void) throws(KernelError) {
    if interpreter.hasMatmul && HostBLAS.threads != 1 { HostBLAS.threads = 1 }
    try body()
  }

  private func runInstancesOnWorkers() throws(KernelError) {
    let instances = Swift.max(1, interpreter.kernel.instanceCount)
    let workerCount = Swift.min(interpreter.workerCount, instances)
    if workerCount <= 1 {
      for instance in 0..<instances { try runInstance(instance, parallel: interpreter.workerCount > 1) }
      return
    }
    let counter = WorkCounter(instances)
    try fork(workerCount, copying: []) { state, _ in
      do throws(KernelError) {
        while let instance = counter.claim() { try state.runInstance(instance, parallel: false) }
      } catch { return error }
      return nil
    }
  }

  /// Sets the program ids of one SPMD instance, row-major over the grid.
  func setProgramIDs(_ instance: Int) {
    let k = interpreter.kernel
    for (i, v) in k.indexVars.enumerated() {
      if case .programID(let axis) = v.kind {
        let n = axis < k.grid.count ? k.grid[axis] : 1
        var r = instance
        for a in stride(from: k.grid.count - 1, to: axis, by: -1) { r /= k.grid[a] }
        env[i] = n > 0 ? r % n : 0
      }
    }
  }

  /// Runs every instruction of one SPMD program instance; outermost `affine_range` loops run on
  /// several workers when `parallel` is true.
  func runInstance(_ instance: Int, parallel: Bool) throws(KernelError) {
    setProgramIDs(instance)
    for t in psumTensors { accumulationState[t] = .none }
    if freshInstances { makeFresh(interpreter.freshInstance) }
    try runRange(0, interpreter.program.count, parallel: parallel)
  }

  /// Runs the instructions in `from..<to` (whole loops only).
  func runRange(_ from: Int, _ to: Int, parallel: Bool) throws(KernelError) {
    let interpreter = self.interpreter
    let limit = interpreter.options.maxInstructions
    let check = interpreter.options.checkUninitializedReads
    try interpreter.program.withUnsafeBufferPointer { (program) throws(KernelError) in
      var pc = from
      while pc < to {
        let ci = program[pc]
        switch ci.instruction.operation {
        case .loopBegin(let l):
          if l.dynamic != nil {
            pc = try enterDynamicLoop(pc, l, ci.instruction)
            continue
          }
          if l.tripCount == 0 {
            pc = l.end + 1
            continue
          }
          if parallel, let plan = interpreter.parallelLoops[pc] {
            try runParallel(plan)
            pc = l.end + 1
            continue
          }
          env[l.variable.index] = l.start
          for t in freshEachIteration[pc] { accumulationState[t] = .none }
          makeFresh(interpreter.freshLoops[pc])
          pc += 1
          continue
        case .loopEnd(let begin):
          guard case .loopBegin(let l) = program[begin].instruction.operation else { pc += 1; continue }
          let next = env[l.variable.index] &+ l.step
          // Loop control counts toward the limits too, so an empty loop cannot run forever.
          try countExecution(limit, operation: l.kind.rawValue, at: program[begin].instruction.location)
          if l.dynamic != nil {
            pc = try continueDynamicLoop(begin, l, program[begin].instruction)
            continue
          }
          if (l.step > 0 && next < l.stop && next > env[l.variable.index]) || (l.step < 0 && next > l.stop && next < env[l.variable.index]) {
            env[l.variable.index] = next
            for t in freshEachIteration[begin] { accumulationState[t] = .none }
            makeFresh(interpreter.freshLoops[begin])
            pc = begin + 1
          } else {
            pc += 1
          }
          continue
        default:
          break
        }
        try countExecution(limit, operation: ci.instruction.operation.nkiName, at: ci.instruction.location)
        executions[pc] += 1
        if !ci.facts.runtimeProbes.isEmpty || !ci.facts.runtimeLoads.isEmpty { try prepareRuntime(ci) }
        if !ci.facts.freshOperands.isEmpty { settleFresh(ci) }
        if !ci.mask.isEmpty { try checkMaskedBounds(ci) }
        if check && !warned[pc] { checkPoisonedReads(ci, pc: pc) }
        if let tracker = originTracker { tracker.willExecute(ci, pc: pc, state: self) }
        try execute(ci)
        let d = ci.facts.destination
        if d >= 0 {
          if mayHoldPoison[d] && interpreter.isRead[d] { noteWrite(ci, tensor: d) }
          if interpreter.recordsWrites[d] { recordWrite(ci, tensor: d) }
          if ci.facts.destinationIsPSUM && !ci.facts.isMatmul { clearAccumulation(ci) }
        }
        pc += 1
      }
    }
  }

  /// Counts one executed instruction (or loop back-edge) against the instruction limit, and
  /// every 1024th against the wall-time limit.
  @inline(__always)
  func countExecution(_ limit: Int, operation: String, at location: SourceLocation) throws(KernelError) {
    executed += 1
    if executed > limit {
      throw KernelError(.resourceLimit(what: "executed instructions", limit: limit), operation: operation, at: location)
    }
    if executed & 1023 == 0 && DispatchTime.now().uptimeNanoseconds > deadline {
      let seconds = interpreter.options.maxSeconds
      throw KernelError(
        .resourceLimit(what: "wall time of \(seconds) seconds", limit: Int(exactly: seconds.rounded(.down)) ?? 0),
        operation: operation, at: location)
    }
  }

  /// Runs an outermost `affine_range` loop (with the loops perfectly nested in it) with its
  /// units of work handed out one at a time to the workers (a busy core takes fewer). Every unit
  /// starts from the state before the loop (see ``Interpreter/parallelLoops(_:onChip:fresh:)``).
  func runParallel(_ plan: ParallelLoop) throws(KernelError) {
    let nest = plan.nest
    let trips = nest.map(\.loop.tripCount)
    let units = trips.reduce(1, *)
    guard units > 0, let innermost = nest.last else { return }
    let bodyFrom = innermost.begin + 1, bodyTo = innermost.loop.end
    /// Sets every loop variable of the nest for unit `u` (row-major: the innermost loop fastest)
    /// and starts the iterations: accumulation groups and fresh tiles.
    func enter(_ state: ExecutionState, _ u: Int) {
      var rest = u
      for i in stride(from: nest.count - 1, through: 0, by: -1) {
        let (begin, l) = nest[i]
        state.env[l.variable.index] = l.start + (rest % trips[i]) * l.step
        rest /= trips[i]
        for t in state.freshEachIteration[begin] { state.accumulationState[t] = .none }
        state.makeFresh(interpreter.freshLoops[begin])
      }
    }
    let workerCount = Swift.min(interpreter.workerCount, units)
    let counter = WorkCounter(units)
    // Workers read the tiles declared before the loop; those declared in it start anew in each unit.
    let range = nest[0].begin...nest[0].loop.end
    let outside = interpreter.onChip.indices.filter { t in
      interpreter.onChip[t] && !(interpreter.kernel.tensors[t].enclosingLoop.map { range.contains($0) } ?? false)
    }
    try fork(workerCount, copying: outside) { state, _ in
      do throws(KernelError) {
        while let u = counter.claim() {
          enter(state, u)
          try state.runRange(bodyFrom, bodyTo, parallel: false)
        }
      } catch { return error }
      return nil
    }
  }

  /// Runs `body(state, w)` for `w` in `0..<count` concurrently; worker 0 is `self`. Worker states
  /// take this state's index variables, poison flags and the listed on-chip tensors (contents,
  /// poison and accumulation state); afterwards their counters, warnings and HBM poison flags
  /// merge back.
  func fork(
    _ count: Int, copying: [Int], _ body: (ExecutionState, Int) -> KernelError?
  ) throws(KernelError) {
    let interpreter = self.interpreter
    while workers.count < count - 1 {
      let delta = interpreter.onChipCount * (workers.count + 1)
      workers.append(ExecutionState(interpreter: interpreter, arena: arena, owns: false, delta: delta))
    }
    let states = [self] + workers.prefix(count - 1)
    for w in states.dropFirst() {
      for s in 0..<interpreter.deltaSlot { w.env[s] = env[s] }
      for (t, p) in mayHoldPoison.enumerated() where !interpreter.onChip[t] { w.mayHoldPoison[t] = p }
      for t in copying {
        let n = interpreter.kernel.tensors[t].elementCount
        w.pendingPoison[t] = pendingPoison[t]
        if !pendingPoison[t] { (arena + w.tensorBase(t)).update(from: arena + tensorBase(t), count: n) }
        w.mayHoldPoison[t] = mayHoldPoison[t]
        w.coverage[t]?.deallocate()
        w.coverage[t] = nil
        if let map = coverage[t] {
          let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: Swift.max(1, n))
          copy.initialize(from: map, count: Swift.max(1, n))
          w.coverage[t] = copy
          w.coverageCount[t] = coverageCount[t]
        }
        w.accumulationState[t] = accumulationState[t]
        if let src = accumulationFlags[t], let dst = w.accumulationFlags[t] { dst.update(from: src, count: n) }
      }
      w.executed = executed
      w.warned = warned
    }
    let executedBefore = executed
    let errors = UnsafeMutablePointer<KernelError?>.allocate(capacity: count)
    errors.initialize(repeating: nil, count: count)
    defer { errors.deinitialize(count: count); errors.deallocate() }
    withoutActuallyEscaping(body) { body in
      let job = UncheckedSendable(ForkJob(states: states, errors: errors, body: body))
      DispatchQueue.concurrentPerform(iterations: count) { w in
        let j = job.value
        j.errors[w] = j.body(j.states[w], w)
      }
    }
    for w in states.dropFirst() {
      for pc in w.executions.indices where w.executions[pc] > 0 {
        executions[pc] += w.executions[pc]
        w.executions[pc] = 0
      }
      executed += w.executed - executedBefore
      for (pc, d) in w.warnings where !warned[pc] {
        warned[pc] = true
        warnings.append((pc, d))
      }
      w.warnings = []
      for (t, p) in w.mayHoldPoison.enumerated() where !interpreter.onChip[t] { mayHoldPoison[t] = mayHoldPoison[t] && p }
    }
    for w in 0..<count { if let e = errors[w] { throw e } }
  }

  // MARK: - Checks

  /// Bounds-checks the views of a masked instruction over the elements its mask keeps.
  func checkMaskedBounds(_ ci: CompiledInstruction) throws(KernelError) {
    // Fast path: when the unmasked extent is inside every tensor, the masked one is too.
    let envp = UnsafePointer(env)
    var inside = true
    for p in ci.facts.probes where !p.holds(envp) { inside = false; break }
    if inside { return }
    let k = interpreter.kernel
    let op = ci.instruction.operation
    var views: [View] = []
    if let d = op.destination, op.iteratesOverDestination { views.append(d) }
    if op.sourcesWalkIterationSpace { views += op.sources.map(\.view) }
    let counts = ci.counts
    let rank = counts.count
    for v in views where v.dims.count == rank || (v.dims.count == 1 && rank == 2) {
      let t = k[v.tensor]
      // Index of tensor dim `kdim` at iteration index `idx`: start + Σ steps·idx.
      var lo = Array(repeating: Int.max, count: t.shape.count)
      var hi = Array(repeating: Int.min, count: t.shape.count)
      let starts = v.start.map { $0.evaluate { env[$0.index] } }
      ci.rows.forEachRowUnmerged(counts: counts, mask: ci.mask, env: UnsafePointer(env)) { idx, jlo, jhi in
        for kd in 0..<t.shape.count {
          var base = starts[kd]
          // A size-1 operand dimension (a [P, 1] vector operand) stays at index 0.
          for d in 0..<(rank - 1) where d < v.dims.count { base += v.dims[d].steps[kd] * Swift.min(idx[d], v.dims[d].count - 1) }
          let s = rank - 1 < v.dims.count && v.dims[rank - 1].count > 1 ? v.dims[rank - 1].steps[kd] : 0
          let a = base + s * jlo, b = base + s * (jhi - 1)
          lo[kd] = Swift.min(lo[kd], Swift.min(a, b))
          hi[kd] = Swift.max(hi[kd], Swift.max(a, b))
        }
      }
      for kd in 0..<t.shape.count where lo[kd] <= hi[kd] && (lo[kd] < 0 || hi[kd] >= t.shape[kd]) {
        throw KernelError(.outOfBounds(tensor: t.name, dimension: kd, low: lo[kd], high: hi[kd], size: t.shape[kd]),
                          operation: op.nkiName, at: ci.instruction.location)
      }
    }
  }

  /// Warns (once per instruction) when an instruction reads never-written elements. Only
  /// tensors that may still hold poison are scanned, so the check is free in steady state.
  func checkPoisonedReads(_ ci: CompiledInstruction, pc: Int) {
    let sourceTensors = ci.facts.sourceTensors
    let addsInto = ci.facts.addsInto
    var any = addsInto >= 0 && mayHoldPoison[addsInto]
    for t in sourceTensors where mayHoldPoison[t] { any = true }
    if !any { return }
    // Under a mask that keeps nothing, nothing is read.
    if !ci.mask.isEmpty && ci.maskKeepsNone(UnsafePointer(env)) { return }
    let op = ci.instruction.operation
    // An operation that adds into its accumulator reads every element it writes there.
    if addsInto >= 0 && mayHoldPoison[addsInto], let d = op.destination {
      let (count, total) = countPoison(d, ci.views[0], ci)
      if count > 0 {
        warnNeverWritten(ci, pc: pc, tensor: d.tensor, "accumulates into \(count) of \(total)", operand: "dst")
        return
      }
    }
    let sources = op.sources
    let hasDst = op.destination != nil
    for (i, s) in sources.enumerated() where mayHoldPoison[s.view.tensor.index] {
      let fv = ci.views[i + (hasDst ? 1 : 0)]
      var count = 0
      var total = 0
      // Under a mask, only the elements the instruction keeps are read.
      // (A masked transpose reads the source elements its mask, moved to the source, keeps.)
      let moved = ci.transposedSourceMask
      let masked = !ci.mask.isEmpty && fv.strides.count == ci.counts.count
        && (op.sourcesWalkIterationSpace || moved != nil)
      // Over the instruction's iteration space, a size-1 operand dimension (a [P, 1] vector
      // operand of a [P, F] instruction) stays at index 0, as in checkMaskedBounds.
      var strides = fv.strides
      if masked {
        for d in strides.indices where d < s.view.dims.count && s.view.dims[d].count == 1 { strides[d] = 0 }
      }
      let it = masked
        ? RowIterator(counts: moved?.counts ?? ci.counts, viewStrides: [strides], merge: false)
        : RowIterator(counts: s.view.shape.isEmpty ? [1] : s.view.shape, viewStrides: [fv.strides], merge: true)
      let start = SIMD4(fv.offset(UnsafePointer(env)), 0, 0, 0)
      it.forEachRow(start: start, mask: masked ? (moved?.mask ?? ci.mask) : [], env: UnsafePointer(env)) { off, _, lo, hi in
        let p = arena + off[0]
        let st = it.innerStrides[0]
        // A broadcast inner dimension reads one element per row.
        for j in lo..<(st == 0 ? Swift.min(hi, lo + 1) : hi) {
          total += 1
          if Poison.isPoison(p[j &* st]) { count += 1 }
        }
      }
      if count > 0 {
        warnNeverWritten(ci, pc: pc, tensor: s.view.tensor, "reads \(count) of \(total)", operand: s.name)
        return
      }
    }
  }

  /// Warns (once per instruction) that `ci` reads never-written elements of `tensor`: "'op'
  /// \(what) elements of `t` (operand 'name') that were never written".
  func warnNeverWritten(_ ci: CompiledInstruction, pc: Int, tensor: TensorID, _ what: String, operand: String) {
    warned[pc] = true
    let t = interpreter.kernel[tensor]
    let op = ci.instruction.operation
    warnings.append((pc, Diagnostic(
      .warning, "'\(op.nkiName)' \(what) elements of `\(t.name)` (operand '\(operand)') that were never written",
      at: ci.instruction.location.isKnown ? ci.instruction.location : nil,
      notes: t.location.isKnown ? [Diagnostic(.note, "`\(t.name)` is declared here", at: t.location)] : [])))
  }

  /// How many elements of `ci`'s destination view hold poison, and how many it writes (under the
  /// instruction's mask, when the mask ranges over the destination).
  func countPoison(_ v: View, _ fv: FlatView, _ ci: CompiledInstruction) -> (count: Int, total: Int) {
    let envp = UnsafePointer(env)
    let masked = !ci.mask.isEmpty && fv.strides.count == ci.counts.count && !ci.maskKeepsAll(envp)
    let it = masked
      ? RowIterator(counts: ci.counts, viewStrides: [fv.strides], merge: false)
      : RowIterator(counts: v.shape.isEmpty ? [1] : v.shape, viewStrides: [fv.strides], merge: true)
    var count = 0, total = 0
    it.forEachRow(start: SIMD4(fv.offset(envp), 0, 0, 0), mask: masked ? ci.mask : [], env: envp) { off, _, lo, hi in
      let p = arena + off[0]
      let st = it.innerStrides[0]
      for j in lo..<hi {
        total += 1
        if Poison.isPoison(p[j &* st]) { count += 1 }
      }
    }
    return (count, total)
  }

  // MARK: - Coverage

  /// Records a write to a tensor that may still hold poison: a write covering the whole tensor
  /// clears the flag at once; partial unmasked writes (or masked ones whose mask keeps every
  /// element) are counted in a per-element map until every element has been written.
  func noteWrite(_ ci: CompiledInstruction, tensor d: Int) {
    let envp = UnsafePointer(env)
    let full = ci.mask.isEmpty || ci.maskKeepsAll(envp)
    if ci.coversDestination || (full && ci.facts.coversIfUnmasked) {
      mayHoldPoison[d] = false
      coverage[d]?.deallocate()
      coverage[d] = nil
      return
    }
    guard full, let dst = ci.instruction.operation.destination, interpreter.kernel.tensors[d].role == .local else { return }
    let n = interpreter.kernel.tensors[d].elementCount
    let map: UnsafeMutablePointer<UInt8>
    if let m = coverage[d] { map = m } else {
      map = zeroedBytes(n)
      coverage[d] = map
      coverageCount[d] = 0
    }
    let base = tensorBase(d)
    let fv = ci.views[0]
    let it = RowIterator(counts: dst.shape.isEmpty ? [1] : dst.shape, viewStrides: [fv.strides], merge: true)
    var added = 0
    it.forEachRow(start: SIMD4(fv.offset(envp) - base, 0, 0, 0), mask: [], env: envp) { off, _, lo, hi in
      let st = it.innerStrides[0]
      for j in lo..<hi {
        let i = off[0] &+ j &* st
        if i >= 0 && i < n && map[i] == 0 {
          map[i] = 1
          added &+= 1
        }
      }
    }
    coverageCount[d] += added
    if coverageCount[d] >= n {
      mayHoldPoison[d] = false
      map.deallocate()
      coverage[d] = nil
    }
  }

  // MARK: - Accumulation groups

  /// Makes a tensor's flags exact (fills them from the summary).
  @inline(__always)
  func materializeFlags(_ t: Int) -> UnsafeMutablePointer<UInt8>? {
    guard let flags = accumulationFlags[t] else { return nil }
    let state = accumulationState[t]
    if state != .mixed {
      flags.update(repeating: state.rawValue, count: Swift.max(1, interpreter.kernel.tensors[t].elementCount))
      accumulationState[t] = .mixed
    }
    return flags
  }

  /// Clears the accumulation-group flags of PSUM elements written by a non-matmul instruction.
  func clearAccumulation(_ ci: CompiledInstruction) {
    let t = ci.facts.destination
    if accumulationState[t] == .none { return }
    if ci.coversDestination {
      accumulationState[t] = .none
      return
    }
    guard let it = ci.destinationRows, let flags = materializeFlags(t) else { return }
    let base = tensorBase(t)
    let fv = ci.views[0]
    it.forEachRow(start: SIMD4(fv.offset(UnsafePointer(env)) - base, 0, 0, 0), mask: [], env: UnsafePointer(env)) { off, _, lo, hi in
      let st = it.innerStrides[0]
      for j in lo..<hi { flags[off[0] + j * st] = 0 }
    }
  }
}

/// A new byte map of `n` zeros (at least one byte), for per-element flags.
func zeroedBytes(_ n: Int) -> UnsafeMutablePointer<UInt8> {
  let map = UnsafeMutablePointer<UInt8>.allocate(capacity: Swift.max(1, n))
  map.initialize(repeating: 0, count: Swift.max(1, n))
  return map
}

/// Hands out `0..<count` one index at a time to concurrent workers.
final class WorkCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var next: Int
  private let count: Int
  init(_ count: Int, from start: Int = 0) {
    self.count = count
    next = start
  }
  func claim() -> Int? {
    lock.lock()
    defer { lock.unlock() }
    if next >= count { return nil }
    next += 1
    return next - 1
  }
}

/// What the workers of one fork share.
final class ForkJob {
  let states: [ExecutionState]
  let errors: UnsafeMutablePointer<KernelError?>
  let body: (ExecutionState, Int) -> KernelError?
  init(states: [ExecutionState], errors: UnsafeMutablePointer<KernelError?>, body: @escaping (ExecutionState, Int) -> KernelError?) {
    self.states = states
    self.errors = errors
    self.body = body
  }
}

/// A value handed to `concurrentPerform` workers, which touch disjoint states.
struct UncheckedSendable<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

extension RowIterator {
  /// Walks rows of `counts` without merging, handing the outer indices to `body`.
  func forEachRowUnmerged(
    counts: [Int], mask: [FlatCondition], env: UnsafePointer<Int>, _ body: ([Int], Int, Int) -> Void
  ) {
    let it = RowIterator(counts: counts, viewStrides: [], merge: false)
    it.forEachRow(start: SIMD4(repeating: 0), mask: mask, env: env) { _, idx, lo, hi in
      var outer: [Int] = []
      for d in 0..<(counts.count - 1) { outer.append(idx[d]) }
      body(outer, lo, hi)
    }
  }
}

