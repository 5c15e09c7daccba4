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
  /// Which elements may still be never-written, and which tiles are fresh (``PoisonTracking``).
  var poison: PoisonTracking
  /// Whether each program instance starts with fresh top-level tiles (off for ``Interpreter/runPreset(_:)``,
  /// whose tiles start with given contents).
  var freshInstances = true
  /// Whether PSUM accumulation groups carry over from before the run (set by
  /// ``Interpreter/runPreset(_:accumulation:)``) instead of starting empty at each instance.
  var presetAccumulation = false
  /// PSUM accumulation groups (``AccumulationGroups``).
  var groups: AccumulationGroups
  /// Per output in ``Interpreter/recordsWrites``: which elements this state wrote, allocated
  /// on the first write.
  var writeMaps: [WriteBitmap?]
  /// Executions per instruction.
  var executions: [Int]
  var executed = 0
  /// When the run must stop (``RunOptions/maxSeconds``), in `DispatchTime` nanoseconds.
  let deadline: UInt64
  /// Warnings about reads of never-written memory, with the instruction that made each.
  var warnings: [(pc: Int, diagnostic: Diagnostic)] = []
  /// Per instruction: whether it has warned already (each warns once per run).
  var warned: [Bool]
  /// Reused buffers: an operand gathered into row-major order (a copy, a matmul's stationary
  /// operand, an activation's work row), a second one (a transpose's result, a matmul's moving
  /// operand, a scan's second operand), and a result being assembled (per-partition sums, a
  /// matmul's product, a scan's output).
  var operandBuffer: [Float] = []
  var secondOperandBuffer: [Float] = []
  var resultBuffer: [Float] = []
  /// The states of parallel loops' workers after the first, created on first use.
  var workers: [ExecutionState] = []
  /// The shadow memory of a run with ``RunOptions/trackUninitializedOrigins`` (serial runs only).
  var originTracker: OriginTracker?
  /// The SPMD program instance being run (what ``PausedRun/instance`` reports).
  var instance = 0
  /// The caller's encoded bytes of each parameter the kernel never writes, by tensor index, when
  /// the caller gave them (``ParameterSource/encoded(_:)``): bitcast views read these instead of
  /// the decoded values, which cannot hold every bit pattern.
  var parameterBytes: [Int: UnsafeRawBufferPointer] = [:]

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
    // Parameters are filled by the caller; HBM locals (outputs, operandBuffer) start poisoned, except
    // outputs whose writes are recorded instead. On-chip tiles are made fresh by their scopes.
    let k = interpreter.kernel
    for (i, t) in k.tensors.enumerated()
    where t.role == .local && t.alias == nil && !interpreter.onChip[i] && !interpreter.recordsWrites[i] {
      let base = arena + tensorBase(i)
      if let values = t.constantValues {
        // A shared constant holds its trace-time contents.
        values.withUnsafeBufferPointer { v in
          if let src = v.baseAddress { base.initialize(from: src, count: Swift.min(v.count, t.elementCount)) }
        }
        continue
      }
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
    poison = PoisonTracking(interpreter)
    executions = Array(repeating: 0, count: interpreter.program.count)
    warned = Array(repeating: false, count: interpreter.program.count)
    writeMaps = Array(repeating: nil, count: k.tensors.count)
    groups = AccumulationGroups(interpreter)
  }

  func release() {
    for w in workers { w.release() }
    workers = []
    if ownsArena { ArenaPool.shared.give(arena, capacity: arenaCapacity) }
    env.deallocate()
    groups.release(interpreter.kernel)
    poison.release()
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

}
