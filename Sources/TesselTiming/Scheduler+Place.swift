import TesselIR

extension Scheduler {
  /// Places one execution of instruction `pc` on `track` of `core` (or on its alternative lane
  /// when that would finish it first).
  mutating func schedule(_ pc: Int, core: Int, track defaultTrack: Int, dmaQueue: Int?) {
    var track = defaultTrack
    let other = dmaQueue == nil ? ins[pc].alternativeLane : -1
    var busy = ins[pc].busyNs
    var otherBusy = ins[pc].alternativeBusyNs
    var latency = ins[pc].latencyNs
    var dmaUsed = ins[pc].dmaEngines
    var laneBusy = ins[pc].laneNs
    var kept = (partitions: ins[pc].partitions, free: ins[pc].free)
    if ins[pc].hasMask {
      let inst = ins[pc]
      kept = keptExtent(inst)
      let (p, f) = kept
      func masked(on engine: Engine) -> InstructionCost {
        model.cost(
          inst.rule, engine: engine, inputs: inst.costInputs, partitions: p, free: f, fullPartitions: inst.partitions,
          fullFree: inst.free)
      }
      let c = masked(on: inst.engine)
      busy = c.busyNs
      laneBusy = c.laneNs
      latency = c.latencyNs
      dmaUsed = c.dmaEngines
      if other >= 0 { otherBusy = masked(on: TimedProgram.lanes[other]).busyNs }
    }
    let id = Int32(truncatingIfNeeded: nextEvent)
    nextEvent += 1

    // Dependencies: the latest conflicting access of every region the instruction touches.
    var ready = 0.0
    var released = 0.0
    var predecessor: Int32 = -1
    var cause = StartCause.start
    var waitedOnTrack = -1
    scratch.removeAll(keepingCapacity: true)
    let termBase = UnsafePointer(terms.baseAddress ?? UnsafeMutablePointer(env))
    let firstFootprint = ins[pc].footprintStart
    for f in firstFootprint..<(firstFootprint + ins[pc].footprintCount) {
      let fp = fps[f]
      var slot = fp.firstSlot
      if fp.rotatingLoop >= 0 { slot += Swift.max(0, iterationCounter[fp.rotatingLoop] - 1) % fp.buffers }
      let o = fp.outer.value(env, termBase)
      let i = fp.inner.value(env, termBase)
      let box = Access(box: fp.extent.shifted(outer: o, inner: i), time: 0, end: 0, event: id, track: Int16(track))
      scratch.append((slot, box, fp.isWrite))
      for w in scoreboard.writes[slot] where w.overlaps(box) {
        // A read waits for the result; a write only for the earlier write to finish.
        let base = fp.isWrite ? w.end : w.time
        let t = base + semaphore(from: w, to: track, readAfterWrite: !fp.isWrite)
        if t > ready {
          ready = t
          released = base
          predecessor = w.event
          cause = .dependency
          waitedOnTrack = Int(w.track)
        }
      }
      if fp.isWrite {
        for r in scoreboard.reads[slot] where r.overlaps(box) {
          let t = r.time + semaphore(from: r, to: track, readAfterWrite: false)
          if t > ready {
            ready = t
            released = r.time
            predecessor = r.event
            cause = .dependency
            waitedOnTrack = Int(r.track)
          }
        }
      }
    }
    // An instruction the compiler may place on either of two engines goes to the one that would
    // finish it first.
    if other >= 0,
      Swift.max(ready, trackFree[core][other]) + otherBusy < Swift.max(ready, trackFree[core][track]) + busy
    {
      track = other
      busy = otherBusy
      for k in scratch.indices { scratch[k].access.track = Int16(other) }
    }
    let onAlternative = other >= 0 && track == other
    if waitedOnTrack == track && cause == .dependency { waitedOnTrack = Scheduler.idleEngineLatency }

    let free = trackFree[core][track]
    var start = ready
    if free > start {
      start = free
      released = free
      cause = .engineOrder
      predecessor = trackLast[core][track]
      waitedOnTrack = -1
    }
    var end: Double
    var resumed = start
    var transfer = (start: 0.0, end: 0.0, engine: Int16(-1))
    var trackBusy = busy
    if dmaQueue != nil {
      let issue = constants.dmaIssueNs.value
      dmaTransfers += 1
      let full = ins[pc].free
      dmaBytes +=
        ins[pc].costInputs.dmaBytesPerPartition * Double(kept.partitions)
        * (full > 0 ? Double(kept.free) / Double(full) : 1)
      let issueStart = issueSlot[core].book(earliest: start, duration: issue)
      if issueStart > start {
        released = issueStart
        cause = .dmaIssue
        predecessor = lastDMAEvent[core]
        waitedOnTrack = Scheduler.idleIssueSlot
      }
      trackBusy = issue
      resumed = issueStart
      let idleBefore = issueStart - trackFree[core][track]
      start = issueStart
      trackFree[core][track] = issueStart + issue
      let engines = dmaEngines[core].count
      let used = Swift.min(engines, Swift.max(1, dmaUsed))
      let first = used >= engines ? 0 : nextDMAEngine[core]
      nextDMAEngine[core] = (first + used) % engines
      end = issueStart + issue
      var engineWait: (event: Int32, end: Double)?
      // Each engine serves this queue's lane in order at the single-queue rate, and all
      // queues together at its full rate.
      let lane = ins[pc].dmaLane
      let laneBase = lane * engines
      for j in 0..<used {
        let e = (first + j) % engines
        let earliest = Swift.max(issueStart + issue, laneFree[core][laneBase + e])
        let s = dmaEngines[core][e].book(earliest: earliest, duration: busy)
        let pieceEnd = s + Swift.max(busy, laneBusy)
        laneFree[core][laneBase + e] = pieceEnd
        if s > issueStart + issue, pieceEnd >= end { engineWait = (dmaEngineLast[core][e], pieceEnd) }
        if pieceEnd > end { end = pieceEnd }
        if j == 0 { transfer = (s, s + busy, Int16(e)) }
        dmaEngineLast[core][e] = id
        dmaEngineBusy[core][e] += busy
        laneBusyTotal[lane] += Swift.max(busy, laneBusy)
      }
      if let w = engineWait, w.end >= end {
        cause = .dmaEngine
        predecessor = w.event
        resumed = w.end - Swift.max(busy, laneBusy)
        released = resumed
      }
      lastDMAEvent[core] = id
      account(track: track, core: core, busy: trackBusy, idle: idleBefore, waitedOn: waitedOnTrack, at: issueStart)
    } else {
      end = start + busy
      account(
        track: track, core: core, busy: trackBusy, idle: start - trackFree[core][track], waitedOn: waitedOnTrack,
        at: start)
      trackFree[core][track] = end
    }
    trackLast[core][track] = id
    instructionBusy[pc] += trackBusy
    if onAlternative { alternativeBusy[pc] += trackBusy }
    instructionCount[pc] += 1
    if end > makespan { makespan = end }

    let horizon = self.horizon()
    let drain = sameEngineLatency(streamFree: ins[pc].costInputs.streamFree, track: track)
    for (slot, box, isWrite) in scratch {
      var a = box
      a.end = end
      if isWrite {
        a.time = end + latency
        a.sameEngineLatency = drain
        scoreboard.recordWrite(a, slot: slot, horizon: horizon)
      } else {
        a.time = end
        scoreboard.recordRead(a, slot: slot, horizon: horizon)
      }
    }

    guard recording else { return }
    if events.count >= options.maxRecordedEvents {
      recording = false
      return
    }
    events.instruction.append(Int32(pc))
    events.start.append(start)
    events.end.append(end)
    events.resumed.append(resumed)
    events.released.append(released)
    events.predecessor.append(predecessor)
    events.cause.append(cause)
    events.track.append(Int16(track))
    events.core.append(UInt8(truncatingIfNeeded: core))
    events.transferStart.append(transfer.start)
    events.transferEnd.append(transfer.end)
    events.transferEngine.append(transfer.engine)
    if options.recordIterations {
      if !snapshotValid {
        snapshots.append(envValues)
        snapshotValid = true
      }
      events.iteration.append(Int32(snapshots.count - 1))
    } else {
      events.iteration.append(-1)
    }
  }

  /// Adds an event's busy time and the idle gap before it to its track's totals.
  private mutating func account(track: Int, core: Int, busy: Double, idle: Double, waitedOn: Int, at start: Double) {
    totals[core][track].busyNs += busy
    totals[core][track].instructions += 1
    if idle > 0 {
      let cause = waitedOn >= 0 ? waitedOn : track
      totals[core][track].idleByCause[cause] += idle
    }
    totals[core][track].lastEnd = Swift.max(totals[core][track].lastEnd, start + busy)
  }

  /// The earliest time an access can still delay a later instruction: every track the program
  /// uses is busy until at least its free time, minus the longest semaphore latency.
  func horizon() -> Double {
    var h = Double.infinity
    for c in trackFree.indices {
      for t in program.usedTracks { h = Swift.min(h, trackFree[c][t]) }
    }
    return h.isFinite ? h - maxSemaphoreNs : 0
  }

  /// The semaphore latency between the track that made an access and the one that waits.
  func semaphore(from access: Access, to consumer: Int, readAfterWrite: Bool) -> Double {
    let k = constants
    let producer = Int(access.track)
    if consumer >= Scheduler.queueTrackBase { return k.computeToDMALatency.value }
    if producer >= Scheduler.queueTrackBase { return k.dmaToComputeLatency.value }
    if producer == consumer { return readAfterWrite ? access.sameEngineLatency : 0 }
    return k.computeToComputeLatency.value
  }

  /// The pipeline drain a dependent instruction on the same engine waits after this one: the
  /// full same-engine latency after a short instruction, overlapping the streaming of a long one
  /// (scaled by `MIN_II / N`).
  func sameEngineLatency(streamFree: Int, track: Int) -> Double {
    guard track < Scheduler.computeTracks else { return 0 }
    let k = constants
    let n = Swift.max(1, Double(streamFree))
    let scale = Swift.min(1, k.minInitiationInterval.value / n)
    return k.sameEngineDependencyLatency.value * scale / k.clockGHz(TimedProgram.lanes[track])
  }

  /// The partitions and free elements a masked instruction keeps at the current indices.
  func keptExtent(_ inst: TimedInstruction) -> (partitions: Int, free: Int) {
    var low = Array(repeating: 0, count: inst.counts.count)
    var high = inst.counts.map { $0 - 1 }
    for b in inst.mask where b.dimension < low.count {
      let off = b.offset.value(UnsafePointer(env))
      let k = b.coefficient
      if k > 0 {
        // k·i + off >= 0  ⇔  i >= ceil(-off / k)
        let q = -off
        low[b.dimension] = Swift.max(low[b.dimension], q >= 0 ? (q + k - 1) / k : -((-q) / k))
      } else if k < 0 {
        // off >= -k·i  ⇔  i <= floor(off / -k)
        let m = -k
        high[b.dimension] = Swift.min(high[b.dimension], off >= 0 ? off / m : -((-off + m - 1) / m))
      }
    }
    let kept = zip(low, high).map { Swift.max(0, $0.1 - $0.0 + 1) }
    let partitions = kept.first ?? 1
    let free = kept.dropFirst().reduce(1, *)
    return (partitions, free)
  }
}
