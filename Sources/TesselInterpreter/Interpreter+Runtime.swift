import TesselIR

/// A value an instruction reads from memory before it runs: the one element of `source`, into
/// env slot `slot` (a runtime offset, ``View/runtimeOffsets``).
struct RuntimeLoad: Sendable {
  var slot: Int
  var source: FlatView
  /// The operand, for messages (`src.scalar_offset`).
  var name: String
}

/// A bounds check of one tensor dimension of a view whose position is known only at run time.
struct RuntimeProbe: Sendable {
  var probe: BoundsProbe
  var tensor: String
  var dimension: Int
}

/// The env slots of the values a kernel reads at run time: one per runtime offset of every
/// instruction, and one per dynamic loop for the stop it read when it started.
struct RuntimeSlots: Sendable {
  /// Per instruction, per operand (``Operation/operands`` without the runtime-offset reads), the
  /// slot of each of the operand's runtime offsets.
  var offsets: [[[Int]]]
  /// Per dynamic loop (by the index of its begin), the slot holding its stop.
  var loopStops: [Int: Int]
  /// How many slots in all.
  var count: Int

  /// Numbers the slots from `base`.
  init(_ kernel: Kernel, base: Int) {
    var next = base
    offsets = kernel.instructions.map { inst in
      inst.operation.operands.filter { $0.role != .runtimeOffset }.map { use in
        use.view.runtimeOffsets.map { _ in
          defer { next += 1 }
          return next
        }
      }
    }
    loopStops = [:]
    for (pc, inst) in kernel.instructions.enumerated() {
      if case .loopBegin(let l) = inst.operation, l.dynamic != nil {
        loopStops[pc] = next
        next += 1
      }
    }
    count = next - base
  }
}

extension Interpreter {
  /// The induction variables of the kernel's dynamic loops.
  static func runtimeVariables(_ kernel: Kernel) -> Set<IndexVar> {
    var vars = Set<IndexVar>()
    for inst in kernel.instructions {
      if case .loopBegin(let l) = inst.operation, l.dynamic != nil { vars.insert(l.variable) }
    }
    return vars
  }
}

extension ExecutionState {
  /// Reads an instruction's runtime values into their slots and checks the views that depend on
  /// them: a value that is not an integer, or a view that leaves its tensor, stops the run.
  func prepareRuntime(_ ci: CompiledInstruction) throws(KernelError) {
    let envp = UnsafePointer(env)
    for l in ci.facts.runtimeLoads {
      env[l.slot] = try runtimeInteger(at: l.source.offset(envp), operand: l.name, ci.instruction)
    }
    for r in ci.facts.runtimeProbes where !r.probe.holds(UnsafePointer(env)) {
      var s = r.probe.constant
      for t in r.probe.terms { s &+= t.coef &* env[t.slot] }
      throw KernelError(
        .outOfBounds(
          tensor: r.tensor, dimension: r.dimension, low: s + r.probe.lo, high: s + r.probe.hi, size: r.probe.size),
        operation: ci.instruction.operation.nkiName, at: ci.instruction.location)
    }
  }

  /// The integer a runtime value holds (a register, a `[1, 1]` tile), or a located error.
  func runtimeInteger(at offset: Int, operand: String, _ inst: Instruction) throws(KernelError) -> Int {
    let x = arena[offset]
    guard x.isFinite, x == x.rounded(), let i = Int(exactly: x) else {
      throw KernelError(
        .malformed(
          "\(operand) holds \(x.isNaN ? "a never-written value" : "\(x)"), not an integer; a runtime offset or loop bound must be one"
        ),
        operation: inst.operation.nkiName, at: inst.location)
    }
    return i
  }

  /// Starts a dynamic loop at `pc`: reads its bound and returns where execution continues (the
  /// body, or past the loop when it runs no iteration).
  func enterDynamicLoop(_ pc: Int, _ l: Loop, _ inst: Instruction) throws(KernelError) -> Int {
    guard let bound = l.dynamic, let (view, slot) = interpreter.dynamicLoops[pc] else { return l.end + 1 }
    let value = try runtimeInteger(at: view.offset(UnsafePointer(env)), operand: l.kind.rawValue, inst)
    let runs: Bool
    switch bound {
    case .stop:
      env[slot] = value
      runs = l.start < value
    case .condition:
      runs = value != 0
    }
    guard runs else { return l.end + 1 }
    env[l.variable.index] = l.start
    for t in groups.freshEachIteration[pc] { groups.state[t] = .none }
    makeFresh(interpreter.freshLoops[pc])
    return pc + 1
  }

  /// Ends an iteration of the dynamic loop that begins at `begin`: returns the body's start for
  /// another iteration, or the instruction after the loop.
  func continueDynamicLoop(_ begin: Int, _ l: Loop, _ inst: Instruction) throws(KernelError) -> Int {
    guard let bound = l.dynamic, let (view, slot) = interpreter.dynamicLoops[begin] else { return l.end + 1 }
    let next = env[l.variable.index] &+ l.step
    let again: Bool
    switch bound {
    case .stop: again = next < env[slot]
    case .condition:
      again = try runtimeInteger(at: view.offset(UnsafePointer(env)), operand: l.kind.rawValue, inst) != 0
    }
    guard again else { return l.end + 1 }
    env[l.variable.index] = next
    for t in groups.freshEachIteration[begin] { groups.state[t] = .none }
    makeFresh(interpreter.freshLoops[begin])
    return begin + 1
  }
}
