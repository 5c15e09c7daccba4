import TesselIR

/// Per-track running totals kept while scheduling.
struct TrackTotals: Sendable {
  var busyNs: Double = 0
  var instructions: Int = 0
  /// When the track last became free.
  var lastEnd: Double = 0
  /// Idle time before each event, by the track it waited on (index ``Scheduler/idleIssueSlot``
  /// and ``Scheduler/idleEngineLatency`` for the two other causes).
  var idleByCause: [Double]
}

/// The timing walk: executes the program's control flow over index values only and places every
/// instruction execution on its engine, DMA queue and DMA engines.
///
/// Engines run their instructions in program order; a DMA queue issues in program order through
/// the core's one issue slot; DMA engines serve every queue, earliest-ready first. An instruction
/// starts when its engine is free and every region it reads was written (RAW), every region it
/// writes was read and written by earlier instructions (WAR, WAW), plus the semaphore latency
/// between engines. Tiles declared in a loop body rotate through several physical buffers.
struct Scheduler {
  static let computeTracks = 4
  static let queueTrackBase = 4
  static var trackCount: Int { computeTracks + TimedProgram.queueNames.count }
  static var idleIssueSlot: Int { trackCount }
  static var idleEngineLatency: Int { trackCount + 1 }
  static var idleCauseCount: Int { trackCount + 2 }

  let program: TimedProgram
  let kernel: Kernel
  let constants: TimingConstants
  let model: CostModel
  let options: TimingOptions

  var scoreboard: Scoreboard
  var events = EventLog()
  /// Per core: when each engine lane and DMA queue is free, and its last event.
  var trackFree: [[Double]]
  var trackLast: [[Int32]]
  var issueSlot: [Calendar]
  var dmaEngines: [[Calendar]]
  var dmaEngineLast: [[Int32]]
  var dmaEngineBusy: [[Double]]
  /// Per core, per DMA queue lane and DMA engine: when the lane is free.
  var laneFree: [[Double]]
  /// Per DMA queue lane: busy time summed over its engines and cores.
  var laneBusyTotal: [Double]
  var nextDMAEngine: [Int]
  var totals: [[TrackTotals]]
  /// Busy time per static instruction (summed over executions and cores).
  var instructionBusy: [Double]
  var instructionCount: [Int]
  /// The part of ``instructionBusy`` spent on the instruction's alternative lane.
  var alternativeBusy: [Double]
  /// Loop iteration counters (rotate physical buffers), by `loopBegin` index.
  var iterationCounter: [Int]
  /// Iterations of a dynamic loop's current entry, by `loopBegin` index.
  var dynamicIteration: [Int]
  /// The loop indices and program ids (index-variable slots).
  let env: UnsafeMutablePointer<Int>
  let envCount: Int
  /// The program's instructions, footprints and packed terms, read without reference counting.
  let ins: UnsafeMutableBufferPointer<TimedInstruction>
  let fps: UnsafeMutableBufferPointer<PackedFootprint>
  let terms: UnsafeMutableBufferPointer<Int>
  var executed = 0
  var nextEvent = 0
  var makespan = 0.0
  var dmaBytes = 0.0
  var dmaTransfers = 0
  var lastDMAEvent: [Int32]
  var scratch: [(slot: Int, access: Access, isWrite: Bool)] = []
  /// The longest semaphore latency between two tracks.
  let maxSemaphoreNs: Double
  var recording = true
  var snapshots: [[Int]] = []
  var snapshotValid = false

  init(program: TimedProgram, kernel: Kernel, constants: TimingConstants, options: TimingOptions) {
    self.program = program
    self.kernel = kernel
    self.constants = constants
    self.model = CostModel(constants: constants)
    self.options = options
    self.scoreboard = Scoreboard(slots: program.slotCount)
    let programs = (kernel.instructions.map(\.program).max() ?? 0) + 1
    let cores = Swift.max(1, options.logicalCores, programs)
    let tracks = Scheduler.trackCount
    let dmaCount = Swift.max(1, Int(constants.dmaEngines.value))
    trackFree = Array(repeating: Array(repeating: 0, count: tracks), count: cores)
    trackLast = Array(repeating: Array(repeating: -1, count: tracks), count: cores)
    issueSlot = Array(repeating: Calendar(), count: cores)
    dmaEngines = Array(repeating: Array(repeating: Calendar(), count: dmaCount), count: cores)
    dmaEngineLast = Array(repeating: Array(repeating: -1, count: dmaCount), count: cores)
    dmaEngineBusy = Array(repeating: Array(repeating: 0, count: dmaCount), count: cores)
    laneFree = Array(repeating: Array(repeating: 0, count: program.dmaLanes * dmaCount), count: cores)
    laneBusyTotal = Array(repeating: 0, count: program.dmaLanes)
    nextDMAEngine = Array(repeating: 0, count: cores)
    lastDMAEvent = Array(repeating: -1, count: cores)
    totals = Array(
      repeating: Array(
        repeating: TrackTotals(idleByCause: Array(repeating: 0, count: Scheduler.idleCauseCount)), count: tracks),
      count: cores)
    instructionBusy = Array(repeating: 0, count: program.instructions.count)
    instructionCount = Array(repeating: 0, count: program.instructions.count)
    alternativeBusy = Array(repeating: 0, count: program.instructions.count)
    iterationCounter = Array(repeating: 0, count: program.instructions.count)
    dynamicIteration = Array(repeating: 0, count: program.instructions.count)
    envCount = kernel.indexVars.count
    env = UnsafeMutablePointer<Int>.allocate(capacity: Swift.max(1, envCount))
    env.initialize(repeating: 0, count: Swift.max(1, envCount))
    ins = UnsafeMutableBufferPointer.allocate(capacity: program.instructions.count)
    _ = ins.initialize(from: program.instructions)
    fps = UnsafeMutableBufferPointer.allocate(capacity: program.footprints.count)
    _ = fps.initialize(from: program.footprints)
    terms = UnsafeMutableBufferPointer.allocate(capacity: program.terms.count)
    _ = terms.initialize(from: program.terms)
    let rawLatency = TimedProgram.lanes.map { constants.sameEngineDependencyLatency.value / constants.clockGHz($0) }
    maxSemaphoreNs =
      ([
        constants.computeToDMALatency.value, constants.dmaToComputeLatency.value,
        constants.computeToComputeLatency.value,
      ] + rawLatency).max() ?? 0
  }

  /// Frees the walk's buffers (the scheduler is not used afterwards).
  func release() {
    env.deallocate()
    ins.deinitialize().deallocate()
    fps.deinitialize().deallocate()
    terms.deinitialize().deallocate()
  }

  /// The current loop indices and program ids.
  var envValues: [Int] { Array(UnsafeBufferPointer(start: env, count: envCount)) }

  /// Runs every SPMD instance (instances go round-robin to the cores; the instructions of
  /// program `p` of a multi-program launch run on the core `p` after the instance's).
  mutating func run() throws(KernelError) {
    let instances = kernel.instanceCount
    let cores = trackFree.count
    for instance in 0..<instances {
      setProgramIDs(instance)
      try runProgram(core: instance % cores)
    }
  }

  private mutating func setProgramIDs(_ instance: Int) {
    for (i, v) in kernel.indexVars.enumerated() {
      guard case .programID(let axis) = v.kind else { continue }
      let n = axis < kernel.grid.count ? kernel.grid[axis] : 1
      var r = instance
      for a in stride(from: kernel.grid.count - 1, to: axis, by: -1) { r /= kernel.grid[a] }
      env[i] = n > 0 ? r % n : 0
    }
    snapshotValid = false
  }

  private mutating func runProgram(core: Int) throws(KernelError) {
    var pc = 0
    while pc < ins.count {
      switch ins[pc].kind {
      case .loopBegin(let l):
        // A loop whose extent is read at run time runs the assumed number of iterations.
        let trips = l.dynamic == nil ? l.tripCount : Swift.max(0, options.assumedDynamicTrips)
        if trips == 0 {
          pc = l.end + 1
          continue
        }
        dynamicIteration[pc] = 1
        env[l.variable.index] = l.start
        iterationCounter[pc] += 1
        snapshotValid = false
        pc += 1
      case .loopEnd(let begin):
        guard case .loopBegin(let l) = ins[begin].kind else {
          pc += 1
          continue
        }
        let v = l.variable.index
        let next = env[v] &+ l.step
        let more =
          l.dynamic == nil
          ? (l.step > 0 && next < l.stop && next > env[v]) || (l.step < 0 && next > l.stop && next < env[v])
          : dynamicIteration[begin] < options.assumedDynamicTrips
        if more {
          dynamicIteration[begin] += 1
          env[v] = next
          iterationCounter[begin] += 1
          snapshotValid = false
          pc = begin + 1
        } else {
          pc += 1
        }
      case .skip:
        pc += 1
      case .compute(let laneOrQueue), .dma(let laneOrQueue):
        if skipsHoisted(pc) {
          pc += 1
          continue
        }
        try count(pc)
        let dmaQueue: Int? = if case .dma = ins[pc].kind { laneOrQueue } else { nil }
        schedule(
          pc, core: (core + ins[pc].program) % trackFree.count,
          track: dmaQueue.map { Scheduler.queueTrackBase + $0 } ?? laneOrQueue, dmaQueue: dmaQueue)
        pc += 1
      }
    }
  }

  /// Whether a hoisted instruction is past the first iteration of a loop it was hoisted from.
  private func skipsHoisted(_ pc: Int) -> Bool {
    guard ins[pc].isHoisted else { return false }
    for f in ins[pc].firstIterationOnly where env[f.slot] != f.start { return true }
    return false
  }

  private mutating func count(_ pc: Int) throws(KernelError) {
    executed += 1
    if executed > options.maxInstructions {
      throw KernelError(
        .resourceLimit(what: "estimated instruction executions", limit: options.maxInstructions),
        at: kernel.instructions[pc].location)
    }
  }
}
