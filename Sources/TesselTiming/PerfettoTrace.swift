import TesselIR

extension TimingEstimate {
  /// The estimate as a Chrome trace-event JSON file that Perfetto and `chrome://tracing` open.
  ///
  /// One process per modelled core; one thread (track) per compute engine, per DMA queue (issue
  /// slices) and per DMA engine (transfer slices). Every executed instruction is one complete
  /// (`X`) slice named by its NKI operation, with its source line and loop indices in `args`; a
  /// DMA also has a slice for its transfer on the first DMA engine it uses. Times are
  /// microseconds with 0.1 ns resolution; slices on one track never overlap. Nil when the walk did
  /// not record every execution (``isComplete``).
  public func perfettoTrace() -> [UInt8]? {
    guard let e = events else { return nil }
    var w = TraceWriter()
    let kernel = model.kernel
    let cores = Set(e.core).sorted()
    let laneNames = TimingModel.trackNames
    let dmaEngines = Int(model.constants.dmaEngines.value)
    w.raw("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"tessel timing model\",\"target\":")
    w.string(model.constants.target.rawValue)
    w.raw(",\"kernel\":")
    w.string(kernel.name)
    w.raw("},\"traceEvents\":[")
    var first = true
    func separator() {
      if first { first = false } else { w.raw(",\n") }
    }
    for c in cores.isEmpty ? [UInt8(0)] : cores {
      let pid = Int(c) + 1
      separator()
      w.raw("{\"ph\":\"M\",\"pid\":\(pid),\"name\":\"process_name\",\"args\":{\"name\":")
      w.string("NeuronCore \(c) · \(model.constants.target.rawValue) model (Tessel)")
      w.raw("}}")
      for t in 0..<(laneNames.count + dmaEngines) {
        let name = t < laneNames.count ? laneNames[t] : "DMA engine \(t - laneNames.count)"
        separator()
        w.raw("{\"ph\":\"M\",\"pid\":\(pid),\"tid\":\(t + 1),\"name\":\"thread_name\",\"args\":{\"name\":")
        w.string(name)
        w.raw("}},\n{\"ph\":\"M\",\"pid\":\(pid),\"tid\":\(t + 1),\"name\":\"thread_sort_index\",")
        w.raw("\"args\":{\"sort_index\":\(t)}}")
      }
    }
    let names = kernel.instructions.map { $0.operation.nkiName }
    let locations = kernel.instructions.map { "\($0.location.file):\($0.location.line)" }
    let issue = model.constants.dmaIssueNs.value
    for i in 0..<e.count {
      let pc = Int(e.instruction[i])
      let pid = Int(e.core[i]) + 1
      let track = Int(e.track[i])
      let isDMA = track >= Scheduler.queueTrackBase
      let sliceEnd = isDMA ? e.start[i] + issue : e.end[i]
      separator()
      slice(
        &w, pid: pid, tid: track + 1, start: e.start[i], end: sliceEnd, name: names[pc],
        category: TimingModel.trackKeys[track])
      args(&w, location: locations[pc], event: i, pc: pc)
      if isDMA, e.transferEngine[i] >= 0 {
        separator()
        slice(
          &w, pid: pid, tid: laneNames.count + Int(e.transferEngine[i]) + 1, start: e.transferStart[i],
          end: e.transferEnd[i], name: names[pc], category: "dmaTransfer")
        args(&w, location: locations[pc], event: i, pc: pc)
      }
    }
    w.raw("]}\n")
    return w.bytes
  }

  private func slice(
    _ w: inout TraceWriter, pid: Int, tid: Int, start: Double, end: Double, name: String, category: String
  ) {
    let s = Int((start * 10).rounded())
    let d = Swift.max(0, Int((end * 10).rounded()) - s)
    w.raw("{\"ph\":\"X\",\"pid\":\(pid),\"tid\":\(tid),\"ts\":")
    w.microseconds(tenthsOfNs: s)
    w.raw(",\"dur\":")
    w.microseconds(tenthsOfNs: d)
    w.raw(",\"name\":")
    w.string(name)
    w.raw(",\"cat\":")
    w.string(category)
  }

  private func args(_ w: inout TraceWriter, location: String, event i: Int, pc: Int) {
    guard let e = events else { return }
    w.raw(",\"args\":{\"loc\":")
    w.string(location)
    let snapshot = Int(e.iteration[i])
    if snapshot >= 0, snapshot < snapshots.count {
      let env = snapshots[snapshot]
      let vars = model.kernel.indexVars.enumerated().filter { $0.offset < env.count }
      if !vars.isEmpty {
        w.raw(",\"iteration\":")
        w.string(vars.map { "\($0.element.name)=\(env[$0.offset])" }.joined(separator: " "))
      }
    }
    w.raw(",\"waited\":")
    w.string(TimingEstimate.causeText(e.cause[i]))
    w.raw("}}")
  }

  static func causeText(_ c: StartCause) -> String {
    switch c {
    case .start: "nothing"
    case .engineOrder: "previous instruction on its engine"
    case .dependency: "a dependency"
    case .dmaIssue: "the DMA issue slot"
    case .dmaEngine: "a busy DMA engine"
    }
  }
}

/// Appends JSON text to a byte buffer.
struct TraceWriter {
  var bytes: [UInt8] = []

  mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

  /// A JSON string literal with the required escapes.
  mutating func string(_ s: String) {
    bytes.append(UInt8(ascii: "\""))
    for b in s.utf8 {
      switch b {
      case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
      case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
      default: bytes.append(b)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }

  /// A non-negative time in tenths of a nanosecond, written in microseconds (`12.3456`).
  mutating func microseconds(tenthsOfNs t: Int) {
    let whole = t / 10_000
    let frac = t % 10_000
    raw(String(whole))
    if frac != 0 {
      var digits = String(frac)
      digits = String(repeating: "0", count: 4 - digits.count) + digits
      while digits.hasSuffix("0") { digits.removeLast() }
      raw("." + digits)
    }
  }
}
