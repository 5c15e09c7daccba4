import Foundation
import TesselIR
import TesselTiming

/// The `--json` report of `tessel check`: the traced kernel's size, its on-chip memory and the
/// timing model's estimate (shapes only, no data).
public enum CheckReportJSON {
  struct Report: Encodable {
    var kernel: String
    var instructions: Int
    var sbufHighWaterBytes: Int
    var psumHighWaterBytes: Int
    var sbufCapacityBytes: Int
    var psumCapacityBytes: Int
    var warnings: [String]
    var estimate: TimingReport
  }

  /// Renders the report as pretty-printed JSON with sorted keys.
  public static func render(
    kernel: Kernel, target: Target, sbufHighWater: Int, psumHighWater: Int, warnings: [Diagnostic],
    estimate: TimingReport
  ) -> String {
    let rep = Report(
      kernel: kernel.name, instructions: kernel.instructions.count, sbufHighWaterBytes: sbufHighWater,
      psumHighWaterBytes: psumHighWater, sbufCapacityBytes: target.sbufBytesPerPartition,
      psumCapacityBytes: target.psumBytesPerPartition,
      warnings: warnings.map { d in d.location.map { "\($0): \(d.message)" } ?? d.message }, estimate: estimate)
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys]
    guard let data = try? enc.encode(rep) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }
}
