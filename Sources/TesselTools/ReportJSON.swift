import Foundation
import TesselIR

/// The fields that `run --json` and `check --json` share: the kernel, its size, its on-chip
/// memory against the target's capacity, and its warnings as `file:line:col: message` strings.
struct KernelSummaryJSON: Encodable {
  var kernel: String
  /// Instructions executed (`run`) or traced (`check`).
  var instructions: Int
  var sbufHighWaterBytes: Int
  var psumHighWaterBytes: Int
  var sbufCapacityBytes: Int
  var psumCapacityBytes: Int
  var warnings: [String]

  /// Creates the summary; each warning is rendered with its location when it has one.
  init(
    kernel: String, instructions: Int, sbufHighWater: Int, psumHighWater: Int, sbufCapacity: Int, psumCapacity: Int,
    warnings: [Diagnostic]
  ) {
    self.kernel = kernel
    self.instructions = instructions
    self.sbufHighWaterBytes = sbufHighWater
    self.psumHighWaterBytes = psumHighWater
    self.sbufCapacityBytes = sbufCapacity
    self.psumCapacityBytes = psumCapacity
    self.warnings = warnings.map { d in d.location.map { "\($0): \(d.message)" } ?? d.message }
  }
}

/// A `--json` report: the shared summary's keys and the command's own keys in one JSON object.
struct ReportJSON<Details: Encodable>: Encodable {
  var summary: KernelSummaryJSON
  var details: Details

  func encode(to encoder: any Encoder) throws {
    try summary.encode(to: encoder)
    try details.encode(to: encoder)
  }

  /// The report as pretty-printed JSON with sorted keys.
  var rendered: String {
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys]
    guard let data = try? enc.encode(self) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }
}
