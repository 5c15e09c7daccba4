import Dispatch
import Foundation
import TesselIR
import TesselMachine
import TesselNumerics

/// Running instructions: program instances, the dispatch loop over a range of the program, loop
/// control, and the instruction and wall-time limits.
extension ExecutionState {
  // MARK: - Running

  /// Runs every SPMD program instance, on several workers when the options allow.
  func runAllInstances() throws(KernelError) {
    try withOneBLASThread { () throws(KernelError) in try runInstancesOnWorkers() }
  }

  /// Runs `body` with OpenBLAS on one thread and without its thread pool.
  ///
  /// Every tile matmul runs on one BLAS thread. OpenBLAS's threaded kernels split the work in
  /// ways that change the rounding (seen with its Haswell kernels: 1 and 2 threads give
  /// different bits for one 128×512×128 product), so a result must not depend on the thread
  /// count: parallelism comes from the workers. OpenBLAS's idle pool threads spin for a while
  /// after the library loads and after each multithreaded call, taking a core from the workers,
  /// so the pool is ended too (``HostBLAS/useOneThread()``), whether or not the kernel
  /// multiplies. The count is process-wide, so it is set and left at one rather than restored
  /// (restoring races with runs on other threads and starts the pool again); code that wants
  /// threaded BLAS (the bench's baselines) sets it for itself.
  func withOneBLASThread(_ body: () throws(KernelError) -> Void) throws(KernelError) {
    if HostBLAS.threads != 1 || HostBLAS.isPoolRunning { HostBLAS.useOneThread() }
    try body()
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
    startInstance(instance)
    try runRange(0, interpreter.program.count, parallel: parallel)
  }

  /// Prepares the run of one SPMD program instance: its program ids, accumulation groups and
  /// fresh tiles.
  func startInstance(_ instance: Int) {
    setProgramIDs(instance)
    self.instance = instance
    if !presetAccumulation { for t in groups.psumTensors { groups.state[t] = .none } }
    if freshInstances { makeFresh(interpreter.freshInstance) }
  }

  /// Runs the instructions in `from..<to` (whole loops only).
  func runRange(_ from: Int, _ to: Int, parallel: Bool) throws(KernelError) {
    let interpreter = self.interpreter
    let limit = interpreter.options.maxInstructions
    let check = interpreter.options.checkUninitializedReads
    let debugger = interpreter.options.debugger
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
          for t in groups.freshEachIteration[pc] { groups.state[t] = .none }
          makeFresh(interpreter.freshLoops[pc])
          pc += 1
          continue
        case .loopEnd(let begin):
          guard case .loopBegin(let l) = program[begin].instruction.operation else {
            pc += 1
            continue
          }
          let next = env[l.variable.index] &+ l.step
          // Loop control counts toward the limits too, so an empty loop cannot run forever.
          try countExecution(limit, operation: l.kind.rawValue, at: program[begin].instruction.location)
          if l.dynamic != nil {
            pc = try continueDynamicLoop(begin, l, program[begin].instruction)
            continue
          }
          if (l.step > 0 && next < l.stop && next > env[l.variable.index])
            || (l.step < 0 && next > l.stop && next < env[l.variable.index])
          {
            env[l.variable.index] = next
            for t in groups.freshEachIteration[begin] { groups.state[t] = .none }
            makeFresh(interpreter.freshLoops[begin])
            pc = begin + 1
          } else {
            pc += 1
          }
          continue
        default:
          break
        }
        if let debugger { try debugger.willExecute(PausedRun(self, pc: pc)) }
        try countExecution(limit, operation: ci.instruction.operation.nkiName, at: ci.instruction.location)
        executions[pc] += 1
        if !ci.facts.runtimeProbes.isEmpty || !ci.facts.runtimeLoads.isEmpty { try prepareRuntime(ci) }
        if !ci.facts.freshOperands.isEmpty { settleFresh(ci) }
        if !ci.mask.isEmpty || !ci.contraction.isEmpty { try checkMaskedBounds(ci) }
        if check && !warned[pc] && !ci.facts.isBitcast { checkPoisonedReads(ci, pc: pc) }
        if let tracker = originTracker { tracker.willExecute(ci, pc: pc, state: self) }
        try execute(ci)
        let d = ci.facts.destination
        if d >= 0 {
          if poison.mayHold[d] && interpreter.isRead[d] { noteWrite(ci, tensor: d) }
          if ci.facts.isBitcast { settleBitcast(ci, tensor: d) }
          if interpreter.recordsWrites[d] { recordWrite(ci, tensor: d) }
          if ci.facts.destinationIsPSUM && !ci.facts.isMatmul { clearAccumulation(ci) }
        }
        if let debugger { try debugger.didExecute(PausedRun(self, pc: pc)) }
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
}
