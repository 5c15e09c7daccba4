import Foundation

extension TimingReport {
  /// The display name of an engine, queue or cause key.
  static func displayName(_ key: String) -> String {
    switch key {
    case "tensor": "Tensor"
    case "vector": "Vector"
    case "scalar": "Scalar"
    case "gpsimd": "GpSimd"
    case "dmaLoads": "DMA loads"
    case "dmaStores": "DMA stores"
    case "dma": "DMA engines"
    case "dmaIssue": "DMA issue"
    case "issueSlot": "DMA issue slot"
    case "sameEngineLatency": "same-engine latency"
    default: key
    }
  }

  /// A duration with a unit that keeps three or four significant digits.
  public static func formatDuration(_ ns: Double) -> String {
    let a = abs(ns)
    if a >= 1e9 { return String(format: "%.3f s", ns / 1e9) }
    if a >= 1e6 { return String(format: "%.3f ms", ns / 1e6) }
    if a >= 1e3 { return String(format: "%.2f us", ns / 1e3) }
    return String(format: "%.0f ns", ns)
  }

  /// The human-readable summary `--estimate` prints.
  public func summary() -> String {
    var out = ""
    let d = TimingReport.formatDuration
    out += "estimate (\(target) model): \(d(latencyNs)) = \(d(scheduleNs)) schedule + \(d(launchNs)) launch; "
    out += "bound by \(TimingReport.displayName(boundBy))\n"
    func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
      let c = s.count
      guard c < n else { return s }
      let fill = String(repeating: " ", count: n - c)
      return left ? fill + s : s + fill
    }
    out += pad("engine", 20) + pad("busy", 11, left: true) + pad("util", 8, left: true) + pad("instr", 9, left: true)
    out += "   idle waiting on\n"
    for key in TimingModel.trackKeys {
      guard let e = engines[key], e.instructions > 0 else { continue }
      let idle = e.idleNs.filter { $0.key != "finished" }.sorted { $0.value > $1.value }.prefix(3)
        .map { "\(TimingReport.displayName($0.key)) \(d($0.value))" }
      let busyText = key.hasPrefix("dma") ? d(e.busyNs) + "*" : d(e.busyNs)
      out += pad(e.name, 20) + pad(busyText, 11, left: true)
      out += pad(String(format: "%.1f %%", e.utilization * 100), 8, left: true)
      out +=
        pad("\(e.instructions)", 9, left: true) + "   " + (idle.isEmpty ? "-" : idle.joined(separator: ", ")) + "\n"
    }
    if dma.transfers > 0 {
      out += pad("DMA engines (avg)", 20) + pad(d(dma.busyNs), 11, left: true)
      out += pad(String(format: "%.1f %%", dma.utilization * 100), 8, left: true)
      out += "   \(dma.transfers) transfers, \(TimingReport.formatBytes(dma.bytes)), "
      out += String(format: "%.1f GB/s\n", dma.gigabytesPerSecond)
      out += "  * DMA queue busy time is instruction issue; data moves on the DMA engines\n"
    }
    if let c = criticalPath {
      let total = c.ns.values.reduce(0, +)
      let parts = c.ns.sorted { $0.value > $1.value }.filter { $0.value > 0 }
        .map { TimingReport.displayName($0.key) + String(format: " %.0f %%", total > 0 ? $0.value / total * 100 : 0) }
      out += "critical path (\(c.length) instructions): \(parts.joined(separator: ", "))\n"
    }
    if !topLines.isEmpty {
      out += "top lines (time on the critical path, busy time):\n"
      for l in topLines.prefix(5) {
        let share = scheduleNs > 0 ? l.criticalNs / scheduleNs * 100 : 0
        out += "  " + pad(l.location, 28) + " " + pad(l.operation, 22)
        out += String(format: "%5.1f %%  ", share) + "busy \(d(l.busyNs)) on \(TimingReport.displayName(l.engine))"
        out += ", \(l.executions)x\n"
      }
    }
    for n in notes { out += "note: \(n)\n" }
    return out
  }

  /// A byte count with a binary unit.
  static func formatBytes(_ b: Double) -> String {
    if b >= 1_073_741_824 { return String(format: "%.2f GiB", b / 1_073_741_824) }
    if b >= 1_048_576 { return String(format: "%.2f MiB", b / 1_048_576) }
    if b >= 1024 { return String(format: "%.1f KiB", b / 1024) }
    return String(format: "%.0f B", b)
  }
}
