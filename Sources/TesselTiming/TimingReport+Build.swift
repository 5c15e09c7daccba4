import TesselIR

/// Turns a finished timing walk into a ``TimingReport``.
struct TimingReportBuilder {
  let scheduler: Scheduler
  let model: TimingModel

  func build() -> TimingReport {
    let s = scheduler
    let k = model.constants
    let cores = s.trackFree.count
    let span = s.makespan
    let capacity = Swift.max(span * Double(cores), 1e-9)
    let keys = TimingModel.trackKeys
    var engines: [String: TimingReport.EngineTiming] = [:]
    for (t, key) in keys.enumerated() {
      var busy = 0.0
      var count = 0
      var idle: [String: Double] = [:]
      for c in 0..<cores {
        let totals = s.totals[c][t]
        busy += totals.busyNs
        count += totals.instructions
        for (cause, ns) in totals.idleByCause.enumerated() where ns > 0 {
          idle[TimingReportBuilder.causeKey(cause), default: 0] += ns
        }
        if totals.instructions > 0, span > totals.lastEnd { idle["finished", default: 0] += span - totals.lastEnd }
      }
      engines[key] = TimingReport.EngineTiming(
        name: TimingModel.trackNames[t], busyNs: busy, utilization: busy / capacity, instructions: count, idleNs: idle)
    }
    let dmaCount = Double(s.dmaEngineBusy.first?.count ?? 1)
    let dmaBusy = s.dmaEngineBusy.flatMap { $0 }.reduce(0, +) / (dmaCount * Double(cores))
    // A queue limited to its single-stream rate keeps the DMA as busy as it can be even when the
    // engines' full rate is not reached: the busiest queue counts too.
    let laneBusy = (s.laneBusyTotal.max() ?? 0) / (dmaCount * Double(cores))
    let dmaUtilization = Swift.max(dmaBusy, laneBusy) / Swift.max(span, 1e-9)
    let dma = TimingReport.DMATiming(
      transfers: s.dmaTransfers, bytes: s.dmaBytes, busyNs: Swift.max(dmaBusy, laneBusy), utilization: dmaUtilization,
      gigabytesPerSecond: span > 0 ? s.dmaBytes / span : 0)
    var candidates: [(String, Double)] = keys.prefix(Scheduler.computeTracks).map {
      ($0, engines[$0]?.utilization ?? 0)
    }
    candidates.append(("dma", dma.utilization))
    let issue = (engines["dmaLoads"]?.busyNs ?? 0) + (engines["dmaStores"]?.busyNs ?? 0)
    candidates.append(("dmaIssue", issue / capacity))
    let bound = candidates.max { $0.1 < $1.1 }?.0 ?? "none"

    var lineCritical = Array(repeating: 0.0, count: s.program.instructions.count)
    var critical: TimingReport.CriticalPath?
    var notes: [String] = []
    if s.recording, s.events.count > 0 {
      critical = criticalPath(&lineCritical)
    } else if !s.recording {
      notes.append(
        "the critical path and the trace are not available: more than \(model.options.maxRecordedEvents) executions")
    }
    if !s.program.approximateMasks.isEmpty {
      let places = Set(s.program.approximateMasks.map { "\($0.file):\($0.line)" }).sorted()
      notes.append(
        "masks over several dimensions are costed over their whole extent (\(places.joined(separator: ", ")))")
    }
    let p = s.program
    func places(_ l: [SourceLocation]) -> String {
      let all = Set(l.map { "\($0.file):\($0.line)" }).sorted()
      return all.prefix(5).joined(separator: ", ") + (all.count > 5 ? ", …" : "")
    }
    if !p.dynamicLoops.isEmpty {
      let n = model.options.assumedDynamicTrips
      notes.append(
        "data-dependent control flow: \(p.dynamicLoops.count) loop(s) read their trip count at run time "
          + "(\(places(p.dynamicLoops))); the estimate assumes \(n) iteration(s) per entry")
    }
    if !p.runtimePlaced.isEmpty {
      notes.append(
        "data-dependent addresses: \(p.runtimePlaced.count) instruction(s) place an operand by a value read at "
          + "run time (\(places(p.runtimePlaced))); their dependencies are taken over the whole tensor")
    }
    if p.hoistedCount > 0 || p.fusedCount > 0 {
      notes.append(
        "as the Neuron compiler does, \(p.hoistedCount) loop-invariant instruction(s) run once per loop entry and "
          + "\(p.fusedCount) zero fill(s) of PSUM before an accumulation group are dropped")
    }
    if cores > 1 {
      notes.append(
        "the launch runs on \(cores) physical cores: each program of a multi-program launch (LNC = 2) on its own, SPMD instances round-robin"
      )
    }
    return TimingReport(
      target: k.target.rawValue, latencyNs: span + k.launchOverhead.value, scheduleNs: span,
      launchNs: k.launchOverhead.value, instructions: s.nextEvent, boundBy: bound, engines: engines, dma: dma,
      criticalPath: critical, topLines: topLines(lineCritical), notes: notes)
  }

  static func causeKey(_ cause: Int) -> String {
    if cause < TimingModel.trackKeys.count { return TimingModel.trackKeys[cause] }
    return cause == Scheduler.idleIssueSlot ? "issueSlot" : "sameEngineLatency"
  }

  /// Walks back from the last event along the constraints that fixed each start.
  private func criticalPath(_ lineCritical: inout [Double]) -> TimingReport.CriticalPath {
    let e = scheduler.events
    var last = 0
    for i in 0..<e.count where e.end[i] > e.end[last] { last = i }
    var ns: [String: Double] = [:]
    var length = 0
    var i = last
    var cursor = e.end[last]
    while i >= 0, i < e.count, length <= e.count {
      let own = Swift.max(0, cursor - e.resumed[i])
      let gap = Swift.max(0, Swift.min(cursor, e.resumed[i]) - e.released[i])
      ns[TimingModel.trackKeys[Int(e.track[i])], default: 0] += own
      if gap > 0 { ns["semaphores", default: 0] += gap }
      lineCritical[Int(e.instruction[i])] += own
      length += 1
      cursor = Swift.min(cursor, e.released[i])
      let p = Int(e.predecessor[i])
      guard p >= 0, p < i else { break }
      i = p
    }
    return TimingReport.CriticalPath(ns: ns, length: length)
  }

  private func topLines(_ lineCritical: [Double]) -> [TimingReport.LineTiming] {
    struct Line {
      var operations: [String] = []
      var critical = 0.0
      var busy = 0.0
      var executions = 0
      var engineBusy: [String: Double] = [:]
    }
    var lines: [String: Line] = [:]
    let kernel = model.kernel
    for (pc, inst) in model.program.instructions.enumerated() where scheduler.instructionCount[pc] > 0 {
      let loc = kernel.instructions[pc].location
      let key = "\(loc.file):\(loc.line)"
      var l = lines[key] ?? Line()
      let name = kernel.instructions[pc].operation.nkiName
      if !l.operations.contains(name) { l.operations.append(name) }
      l.critical += lineCritical[pc]
      l.busy += scheduler.instructionBusy[pc]
      l.executions += scheduler.instructionCount[pc]
      let track: Int
      switch inst.kind {
      case .compute(let lane): track = lane
      case .dma(let q): track = Scheduler.queueTrackBase + q
      default: track = 0
      }
      let elsewhere = scheduler.alternativeBusy[pc]
      l.engineBusy[TimingModel.trackKeys[track], default: 0] += scheduler.instructionBusy[pc] - elsewhere
      if elsewhere > 0 { l.engineBusy[TimingModel.trackKeys[inst.alternativeLane], default: 0] += elsewhere }
      lines[key] = l
    }
    let sorted = lines.sorted { a, b in
      if a.value.critical != b.value.critical { return a.value.critical > b.value.critical }
      if a.value.busy != b.value.busy { return a.value.busy > b.value.busy }
      return a.key < b.key
    }
    return sorted.prefix(10).map { key, l in
      TimingReport.LineTiming(
        location: key, operation: l.operations.joined(separator: ", "),
        engine: l.engineBusy.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? "",
        criticalNs: l.critical, busyNs: l.busy, executions: l.executions)
    }
  }
}
