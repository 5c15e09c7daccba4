import TesselIR
import TesselNumerics

extension ExecutionState {
  /// Runs a kernel whose programs were traced one by one into it (``ProgramWritePlan``) and
  /// checks that two programs writing one element of an HBM tensor between the same two
  /// rendezvous write equal values.
  ///
  /// The run is the one of ``runInstance(_:parallel:)``, cut into the plan's chunks; after each
  /// chunk that writes a watched tensor, a ``WriteWatch`` (writers: instruction indices) records
  /// the elements it changed. A chunk changing an element that another program changed since
  /// the last rendezvous is the located dependence error naming both writes; equal values
  /// change nothing and pass silently, and accumulations are not checked.
  func runCheckingProgramWrites(_ plan: ProgramWritePlan) throws(KernelError) {
    let k = interpreter.kernel
    // A tensor the kernel creates starts never written, so that every write changes it.
    for t in plan.tensors where k.tensors[t].role == .local && k.tensors[t].constantValues == nil {
      region(of: t).update(repeating: Poison.value)
    }
    var watch = WriteWatch(tensors: plan.tensors, in: self, writers: k.instructions.count)
    var epoch = 0
    startInstance(0)
    for chunk in plan.chunks {
      try runRange(chunk.range.lowerBound, chunk.range.upperBound, parallel: interpreter.workerCount > 1)
      guard !chunk.writes.isEmpty else { continue }
      if chunk.epoch != epoch {
        watch.forgetWriters()
        epoch = chunk.epoch
      }
      for write in chunk.writes {
        let program = chunk.program
        let conflict = watch.check(
          write.watched, in: self, writer: write.accumulates ? nil : write.instruction,
          unordered: { k.instructions[$0].program != program })
        if let c = conflict {
          throw programsWroteDifferently(
            tensor: plan.tensors[write.watched], element: c.element, writes: (c.earlier, write.instruction),
            values: c.values)
        }
      }
    }
  }

  /// The dependence error for two programs that wrote different values to one element between
  /// the same two rendezvous: at the later write, with a note at the earlier one.
  private func programsWroteDifferently(
    tensor t: Int, element: Int, writes: (Int, Int), values: (Float, Float)
  ) -> KernelError {
    let k = interpreter.kernel
    // SPMD program instances (a legacy launch traced per program) are named by their ids.
    let grid = k.programGrid
    func access(_ pc: Int) -> DependenceError.Access {
      let inst = k.instructions[pc]
      let operand = inst.operation.operands.first { $0.role.isWritten && k.storage(of: $0.view.tensor).index == t }
      return DependenceError.Access(
        operation: inst.operation.nkiName, operand: operand?.name ?? "dst", kind: .write, instruction: pc,
        location: inst.location,
        iteration: grid.isEmpty ? [inst.program] : RowMajorIndex.index(ofFlat: inst.program, in: grid))
    }
    let programs = (k.instructions.map(\.program).max() ?? 0) + 1
    var e = DependenceError(
      tensor: k.tensors[t].name, element: RowMajorIndex.index(ofFlat: element, in: k.tensors[t].shape),
      first: access(writes.0), second: access(writes.1), conflict: .writeWrite,
      scope: grid.isEmpty ? .programs(count: programs) : .spmd(grid: grid))
    e.differingValues = [values.0, values.1]
    return KernelError(.dependence(e), at: e.location)
  }
}
