import Dispatch
import Foundation
import TesselIR
import TesselMachine
import TesselNumerics

/// Parallel runs: SPMD instances and the units of a parallel loop on workers, each with its own
/// on-chip region, env, poison and accumulation state.
extension ExecutionState {

  /// Runs every SPMD program instance, handed out one at a time to the workers.
  func runInstancesOnWorkers() throws(KernelError) {
    if !interpreter.kernel.sharedWrites.isEmpty && interpreter.kernel.instanceCount > 1 {
      try runInstancesCheckingSharedWrites()
      return
    }
    if let plan = interpreter.programWrites {
      try runCheckingProgramWrites(plan)
      return
    }
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

  /// Runs an outermost `affine_range` loop (with the loops perfectly nested in it) with its
  /// units of work handed out one at a time to the workers (a busy core takes fewer).
  ///
  /// Every unit
  /// starts from the state before the loop (see ``Interpreter/parallelLoops(_:onChip:fresh:)``).
  func runParallel(_ plan: ParallelLoop) throws(KernelError) {
    let nest = plan.nest
    let trips = nest.map(\.loop.tripCount)
    let units = trips.reduce(1, *)
    guard units > 0, let innermost = nest.last else { return }
    let bodyFrom = innermost.begin + 1
    let bodyTo = innermost.loop.end
    /// Sets every loop variable of the nest for unit `u` (row-major: the innermost loop fastest)
    /// and starts the iterations: accumulation groups and fresh tiles.
    func enter(_ state: ExecutionState, _ u: Int) {
      var rest = u
      for i in stride(from: nest.count - 1, through: 0, by: -1) {
        let (begin, l) = nest[i]
        state.env[l.variable.index] = l.start + (rest % trips[i]) * l.step
        rest /= trips[i]
        for t in state.groups.freshEachIteration[begin] { state.groups.state[t] = .none }
        state.makeFresh(interpreter.freshLoops[begin])
      }
    }
    let workerCount = Swift.min(interpreter.workerCount, units)
    let counter = WorkCounter(units)
    // Workers read the live tiles declared before the loop; those declared in it start anew in each unit.
    try fork(workerCount, copying: plan.inputs) { state, _ in
      do throws(KernelError) {
        while let u = counter.claim() {
          enter(state, u)
          try state.runRange(bodyFrom, bodyTo, parallel: false)
        }
      } catch { return error }
      return nil
    }
  }

  /// Runs `body(state, w)` for `w` in `0..<count` concurrently; worker 0 is `self`.
  ///
  /// Worker states
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
      w.parameterBytes = parameterBytes
      for (t, p) in poison.mayHold.enumerated() where !interpreter.onChip[t] { w.poison.mayHold[t] = p }
      for t in copying {
        let n = interpreter.kernel.tensors[t].elementCount
        w.poison.pending[t] = poison.pending[t]
        if !poison.pending[t] { (arena + w.tensorBase(t)).update(from: arena + tensorBase(t), count: n) }
        w.poison.mayHold[t] = poison.mayHold[t]
        w.poison.coverage[t]?.deallocate()
        w.poison.coverage[t] = nil
        if let map = poison.coverage[t] {
          let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: Swift.max(1, n))
          copy.initialize(from: map, count: Swift.max(1, n))
          w.poison.coverage[t] = copy
          w.poison.coverageCount[t] = poison.coverageCount[t]
        }
        w.groups.state[t] = groups.state[t]
        if let src = groups.flags[t], let dst = w.groups.flags[t] { dst.update(from: src, count: n) }
      }
      w.executed = executed
      w.warned = warned
    }
    let executedBefore = executed
    let errors = UnsafeMutablePointer<KernelError?>.allocate(capacity: count)
    errors.initialize(repeating: nil, count: count)
    defer {
      errors.deinitialize(count: count)
      errors.deallocate()
    }
    concurrently(count) { w in errors[w] = body(states[w], w) }
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
      for (t, p) in w.poison.mayHold.enumerated() where !interpreter.onChip[t] {
        poison.mayHold[t] = poison.mayHold[t] && p
      }
    }
    for w in 0..<count { if let e = errors[w] { throw e } }
  }
}
