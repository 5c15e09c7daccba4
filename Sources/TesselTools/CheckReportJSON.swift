import Foundation
import TesselIR
import TesselTiming

/// The `--json` report of `tessel check`: the traced kernel's size, its on-chip memory and the
/// timing model's estimate (shapes only, no data).
public enum CheckReportJSON {
  /// The keys only `check` reports.
  struct Details: Encodable {
    var estimate: TimingReport
    var compare: CompareReportJSON?
  }

  /// Renders the report as pretty-printed JSON with sorted keys.
  public static func render(
    kernel: Kernel, target: Target, sbufHighWater: Int, psumHighWater: Int, warnings: [Diagnostic],
    estimate: TimingReport, comparison: CompareReportJSON? = nil
  ) -> String {
    ReportJSON(
      summary: KernelSummaryJSON(
        kernel: kernel.name, instructions: kernel.instructions.count, sbufHighWater: sbufHighWater,
        psumHighWater: psumHighWater, sbufCapacity: target.sbufBytesPerPartition,
        psumCapacity: target.psumBytesPerPartition, warnings: warnings),
      details: Details(estimate: estimate, compare: comparison)
    ).rendered
  }
}

/// The `compare` object of `run --json` and `check --json` with `--compare`.
public struct CompareReportJSON: Encodable, Sendable {
  /// How one returned tensor of the other kernel differs from this one's.
  public struct OutputDifference: Encodable, Sendable {
    /// The output's position.
    public var index: Int
    /// Whether the shapes agree (the difference is only computed when they do).
    public var shapesAgree: Bool
    /// The largest absolute difference; nil when the shapes differ or a NaN meets a number.
    public var maxDifference: Double?
    /// Where it is.
    public var at: [Int]?

    /// Creates an entry.
    public init(index: Int, shapesAgree: Bool, maxDifference: Double?, at: [Int]?) {
      self.index = index
      self.shapesAgree = shapesAgree
      self.maxDifference = maxDifference
      self.at = at
    }
  }

  /// The other kernel's file.
  public var file: String
  /// Its estimate.
  public var estimate: TimingReport
  /// Its latency over this kernel's.
  public var latencyRatio: Double
  /// Per engine or queue: the change of its time on the critical path, in ns.
  public var criticalPathChangeNs: [String: Double]
  /// Per output, after `run` (absent after `check`).
  public var outputs: [OutputDifference]?

  /// Creates the object from a comparison.
  public init(file: String, comparison: TimingComparison, outputs: [OutputDifference]?) {
    self.file = file
    self.estimate = comparison.after
    self.latencyRatio = comparison.latencyRatio
    var changes: [String: Double] = [:]
    for c in comparison.criticalPathChanges { changes[c.key] = c.ns }
    self.criticalPathChangeNs = changes
    self.outputs = outputs
  }
}
