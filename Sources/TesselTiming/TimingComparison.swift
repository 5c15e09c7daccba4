import Foundation

/// Two estimates side by side: a kernel before and after a change, and where the time moved.
public struct TimingComparison: Sendable, Hashable, Codable {
  /// What the first estimate is of (a file name, a kernel name).
  public var beforeName: String
  /// What the second estimate is of.
  public var afterName: String
  /// The first estimate.
  public var before: TimingReport
  /// The second estimate.
  public var after: TimingReport

  /// Creates a comparison.
  public init(before: TimingReport, beforeName: String, after: TimingReport, afterName: String) {
    self.before = before
    self.beforeName = beforeName
    self.after = after
    self.afterName = afterName
  }

  /// `after.latencyNs / before.latencyNs`.
  public var latencyRatio: Double { before.latencyNs > 0 ? after.latencyNs / before.latencyNs : 1 }

  /// Per engine or queue key: the change of its time on the critical path (after − before),
  /// largest moves first, including `semaphores`.
  public var criticalPathChanges: [(key: String, ns: Double)] {
    let a = before.criticalPath?.ns ?? [:]
    let b = after.criticalPath?.ns ?? [:]
    let keys = Set(a.keys).union(b.keys)
    return keys.map { ($0, (b[$0] ?? 0) - (a[$0] ?? 0)) }.filter { $0.1 != 0 }
      .sorted { abs($0.1) != abs($1.1) ? abs($0.1) > abs($1.1) : $0.0 < $1.0 }
  }

  /// The comparison `--compare` prints.
  public func summary() -> String {
    let d = TimingReport.formatDuration
    func signed(_ ns: Double) -> String { ns >= 0 ? "+" + d(ns) : "-" + d(-ns) }
    func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
      guard s.count < n else { return s }
      let fill = String(repeating: " ", count: n - s.count)
      return left ? fill + s : s + fill
    }
    var out = "compare (\(after.target) model): \(beforeName) \(d(before.latencyNs)) → \(afterName) "
    out +=
      "\(d(after.latencyNs)) (" + String(format: "%.2f×", latencyRatio)
      + ", \(signed(after.latencyNs - before.latencyNs)))\n"
    out += "bound by: \(TimingReport.displayName(before.boundBy)) → \(TimingReport.displayName(after.boundBy))\n"
    out += pad("engine", 20) + pad("busy before", 13, left: true) + pad("after", 13, left: true)
    out += pad("change", 13, left: true) + pad("util", 16, left: true) + "\n"
    for key in TimingModel.trackKeys {
      let a = before.engines[key]
      let b = after.engines[key]
      guard (a?.instructions ?? 0) + (b?.instructions ?? 0) > 0 else { continue }
      let busyA = a?.busyNs ?? 0
      let busyB = b?.busyNs ?? 0
      out += pad(a?.name ?? b?.name ?? key, 20) + pad(d(busyA), 13, left: true) + pad(d(busyB), 13, left: true)
      out += pad(signed(busyB - busyA), 13, left: true)
      out += pad(
        String(format: "%.0f%% → %.0f%%", (a?.utilization ?? 0) * 100, (b?.utilization ?? 0) * 100), 16, left: true)
      out += "\n"
    }
    if before.dma.transfers + after.dma.transfers > 0 {
      out += pad("DMA engines (avg)", 20) + pad(d(before.dma.busyNs), 13, left: true)
      out +=
        pad(d(after.dma.busyNs), 13, left: true) + pad(signed(after.dma.busyNs - before.dma.busyNs), 13, left: true)
      out += pad(
        String(format: "%.0f%% → %.0f%%", before.dma.utilization * 100, after.dma.utilization * 100), 16, left: true)
      out += "\n"
      out += "DMA: \(before.dma.transfers) → \(after.dma.transfers) transfers, "
      out += "\(TimingReport.formatBytes(before.dma.bytes)) → \(TimingReport.formatBytes(after.dma.bytes)), "
      out += String(format: "%.1f → %.1f GB/s\n", before.dma.gigabytesPerSecond, after.dma.gigabytesPerSecond)
    }
    let moves = criticalPathChanges.prefix(4)
    if !moves.isEmpty {
      out += "where the time moved (critical path): "
      out += moves.map { "\(TimingReport.displayName($0.key)) \(signed($0.ns))" }.joined(separator: ", ") + "\n"
    }
    for (name, r) in [(beforeName, before), (afterName, after)] {
      guard let top = r.topLines.first else { continue }
      let share = r.scheduleNs > 0 ? top.criticalNs / r.scheduleNs * 100 : 0
      out += "top line of \(name): \(top.location) \(top.operation) "
      out += String(format: "(%.0f%% of the critical path)\n", share)
    }
    return out
  }
}
