import TesselIR
import TesselMachine
import TesselNumerics

/// The simulated memory and bookkeeping of one run.
///
/// Every tensor (HBM and on-chip) has its own region of one `Float` arena, so an instruction takes
/// raw pointers once and its loops never touch class properties. Fresh on-chip and output memory
/// holds ``Poison/value``.
final class ExecutionState {
  let interpreter: Interpreter
  let arena: UnsafeMutablePointer<Float>
  let env: UnsafeMutablePointer<Int>
  /// Per tensor: whether it may still hold never-written elements.
  var mayHoldPoison: [Bool]
  /// Per PSUM tensor element: whether the last write was a matmul (accumulation groups).
  var accumulating: [Int: [Bool]] = [:]
  /// Executions per instruction.
  var executions: [Int]
  var executed = 0
  var warnings: [Diagnostic] = []
  var warned: Set<Int> = []
  /// PSUM tensors declared directly inside each loop (by the loop's instruction index): every
  /// iteration allocates them afresh, so their accumulation groups start over.
  var freshEachIteration: [Int: [Int]] = [:]
  var scratch: [Float] = []
  var scratch2: [Float] = []
  var scratch3: [Float] = []

  init(interpreter: Interpreter) {
    self.interpreter = interpreter
    let n = Swift.max(1, interpreter.arenaCount)
    arena = .allocate(capacity: n)
    arena.initialize(repeating: Poison.value, count: n)
    env = .allocate(capacity: Swift.max(1, interpreter.slotCount))
    env.initialize(repeating: 0, count: Swift.max(1, interpreter.slotCount))
    let k = interpreter.kernel
    mayHoldPoison = k.tensors.map { $0.role == .local }
    executions = Array(repeating: 0, count: interpreter.program.count)
    for (i, t) in k.tensors.enumerated() where t.space == .psum {
      accumulating[i] = Array(repeating: false, count: t.elementCount)
      if let l = t.enclosingLoop { freshEachIteration[l, default: []].append(i) }
    }
  }

  func release() {
    arena.deallocate()
    env.deallocate()
  }

  /// The current values of a tensor.
  func values(of t: TensorID) -> [Float] {
    let n = interpreter.kernel[t].elementCount
    let base = arena + interpreter.tensorOffsets[t.index]
    return Array(UnsafeBufferPointer(start: base, count: n))
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
    r.warnings = warnings
    return r
  }

  /// Runs every instruction of one SPMD program instance.
  func runInstance(_ instance: Int) throws(KernelError) {
    let k = interpreter.kernel
    // Program ids, row-major over the grid.
    for (i, v) in k.indexVars.enumerated() {
      if case .programID(let axis) = v.kind {
        let n = axis < k.grid.count ? k.grid[axis] : 1
        var r = instance
        for a in stride(from: k.grid.count - 1, to: axis, by: -1) { r /= k.grid[a] }
        env[i] = n > 0 ? r % n : 0
      }
    }
    for key in accumulating.keys { resetAccumulation(key) }
    let program = interpreter.program
    let limit = interpreter.options.maxInstructions
    var pc = 0
    while pc < program.count {
      let ci = program[pc]
      switch ci.instruction.operation {
      case .loopBegin(let l):
        if l.tripCount == 0 {
          pc = l.end + 1
          continue
        }
        env[l.variable.index] = l.start
        if let fresh = freshEachIteration[pc] { for t in fresh { resetAccumulation(t) } }
        pc += 1
        continue
      case .loopEnd(let begin):
        guard case .loopBegin(let l) = program[begin].instruction.operation else { pc += 1; continue }
        let next = env[l.variable.index] + l.step
        if (l.step > 0 && next < l.stop) || (l.step < 0 && next > l.stop) {
          env[l.variable.index] = next
          if let fresh = freshEachIteration[begin] { for t in fresh { resetAccumulation(t) } }
          pc = begin + 1
        } else {
          pc += 1
        }
        continue
      default:
        break
      }
      executed += 1
      if executed > limit {
        throw KernelError(.resourceLimit(what: "executed instructions", limit: limit), operation: ci.instruction.operation.nkiName, at: ci.instruction.location)
      }
      executions[pc] += 1
      if !ci.mask.isEmpty { try checkMaskedBounds(ci) }
      if interpreter.options.checkUninitializedReads { checkPoisonedReads(ci, pc: pc) }
      try execute(ci)
      if let d = ci.instruction.operation.destination {
        if ci.coversDestination { mayHoldPoison[d.tensor.index] = false }
        if k[d.tensor].space == .psum {
          if case .matmul = ci.instruction.operation {} else { clearAccumulation(ci) }
        }
      }
      pc += 1
    }
  }

  /// Starts a PSUM tensor's accumulation groups over (it is allocated afresh).
  func resetAccumulation(_ t: Int) {
    guard var flags = accumulating[t] else { return }
    for i in flags.indices { flags[i] = false }
    accumulating[t] = flags
  }

  // MARK: - Checks

  /// Bounds-checks the views of a masked instruction over the elements its mask keeps.
  func checkMaskedBounds(_ ci: CompiledInstruction) throws(KernelError) {
    let k = interpreter.kernel
    let op = ci.instruction.operation
    var views: [View] = []
    if let d = op.destination, op.iteratesOverDestination { views.append(d) }
    views += op.sources.map(\.view)
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

  /// Warns (once per instruction) when an instruction reads never-written elements.
  func checkPoisonedReads(_ ci: CompiledInstruction, pc: Int) {
    if warned.contains(pc) { return }
    let k = interpreter.kernel
    let op = ci.instruction.operation
    let sources = op.sources
    let hasDst = op.destination != nil
    for (i, s) in sources.enumerated() where mayHoldPoison[s.view.tensor.index] {
      let fv = ci.views[i + (hasDst ? 1 : 0)]
      var count = 0
      var total = 0
      // Under a mask, only the elements the instruction keeps are read.
      let masked = !ci.mask.isEmpty && fv.strides.count == ci.counts.count
      let it = masked
        ? RowIterator(counts: ci.counts, viewStrides: [fv.strides], merge: false)
        : RowIterator(counts: s.view.shape.isEmpty ? [1] : s.view.shape, viewStrides: [fv.strides], merge: true)
      let start = SIMD4(fv.offset(UnsafePointer(env)), 0, 0, 0)
      it.forEachRow(start: start, mask: masked ? ci.mask : [], env: UnsafePointer(env)) { off, _, lo, hi in
        let p = arena + off[0]
        let st = it.innerStrides[0]
        for j in lo..<hi {
          total += 1
          if Poison.isPoison(p[j &* st]) { count += 1 }
        }
      }
      if count > 0 {
        warned.insert(pc)
        let t = k[s.view.tensor]
        warnings.append(Diagnostic(
          .warning,
          "'\(op.nkiName)' reads \(count) of \(total) elements of `\(t.name)` (operand '\(s.name)') that were never written",
          at: ci.instruction.location.isKnown ? ci.instruction.location : nil,
          notes: t.location.isKnown ? [Diagnostic(.note, "`\(t.name)` is declared here", at: t.location)] : []))
        return
      }
    }
  }

  /// Clears the accumulation-group flags of PSUM elements written by a non-matmul instruction.
  func clearAccumulation(_ ci: CompiledInstruction) {
    let k = interpreter.kernel
    guard let d = ci.instruction.operation.destination, var flags = accumulating[d.tensor.index] else { return }
    let base = interpreter.tensorOffsets[d.tensor.index]
    let fv = ci.views[0]
    let it = RowIterator(counts: d.shape.isEmpty ? [1] : d.shape, viewStrides: [fv.strides], merge: true)
    it.forEachRow(start: SIMD4(fv.offset(UnsafePointer(env)) - base, 0, 0, 0), mask: [], env: UnsafePointer(env)) { off, _, lo, hi in
      let st = it.innerStrides[0]
      for j in lo..<hi { flags[off[0] + j * st] = false }
    }
    _ = k
    accumulating[d.tensor.index] = flags
  }
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
