import TesselIR
import TesselMachine

/// Watches a run instruction by instruction: what a stepping debugger attaches to a run
/// (``RunOptions/debugger``).
///
/// The interpreter calls ``willExecute(_:)`` before every instruction (loop control aside) and
/// ``didExecute(_:)`` after it, on the thread that runs the kernel; a run with a debugger is
/// serial, so the calls come one at a time and in program order. Either may inspect the run
/// through the ``PausedRun`` it gets (which is valid only during the call), block for as long as it
/// likes (a debugger reads its user's commands there), and throw to end the run, typically
/// ``KernelError/Kind/abandoned(reason:)``. A run without a debugger pays one not-taken branch per
/// instruction.
public protocol KernelDebugger: AnyObject, Sendable {
  /// Called before instruction ``PausedRun/pc`` runs.
  func willExecute(_ run: PausedRun) throws(KernelError)
  /// Called after instruction ``PausedRun/pc`` ran.
  func didExecute(_ run: PausedRun) throws(KernelError)
}

/// A run stopped between two instructions, as a ``KernelDebugger`` sees it: where it is and what
/// every tensor holds.
///
/// Valid only during the ``KernelDebugger`` call that received it.
public struct PausedRun {
  unowned let state: ExecutionState
  /// The index of the instruction in ``Kernel/instructions`` (about to run in
  /// ``KernelDebugger/willExecute(_:)``, just run in ``KernelDebugger/didExecute(_:)``).
  public let pc: Int

  init(_ state: ExecutionState, pc: Int) {
    self.state = state
    self.pc = pc
  }

  /// The interpreter (its kernel and the placement of every on-chip tensor).
  public var interpreter: Interpreter { state.interpreter }
  /// The kernel being run.
  public var kernel: Kernel { state.interpreter.kernel }
  /// The instruction at ``pc``.
  public var instruction: Instruction { state.interpreter.kernel.instructions[pc] }
  /// The SPMD program instance being run (row-major over the grid; 0 without a grid).
  public var instance: Int { state.instance }

  /// The current values of the index variables that are in scope at ``pc``: the program ids
  /// (with a grid), then the loops enclosing the instruction, outermost first.
  public var indices: [(variable: IndexVar, value: Int)] {
    let k = state.interpreter.kernel
    var out: [(IndexVar, Int)] = []
    for (i, v) in k.indexVars.enumerated() {
      if case .programID = v.kind, !k.grid.isEmpty { out.append((IndexVar(i), state.env[i])) }
    }
    for (begin, inst) in k.instructions.enumerated() where begin < pc {
      if case .loopBegin(let l) = inst.operation, l.end > pc { out.append((l.variable, state.env[l.variable.index])) }
    }
    return out
  }

  /// A tensor's current elements, row-major, with never-written elements as ``Poison/value``
  /// (a tile whose scope has just started counts as never written throughout).
  public func values(of tensor: TensorID) -> [Float] {
    let storage = state.interpreter.kernel.storage(of: tensor).index
    if state.poison.pending[storage] {
      return Array(repeating: Poison.value, count: state.interpreter.kernel[tensor].elementCount)
    }
    return state.values(of: tensor)
  }

  /// How many times each instruction has run so far in this program instance's worker.
  public func executions(of instruction: Int) -> Int { state.executions[instruction] }
}
