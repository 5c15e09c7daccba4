import Foundation
import TesselHost
import TesselIR
import TesselInterpreter

/// The `--json` report of `tessel run`.
public enum RunReportJSON {
  struct Output: Encodable {
    var name: String
    var shape: [Int]
    var dtype: String
  }

  struct Report: Encodable {
    var kernel: String
    var outputs: [Output]
    var engines: [String: EngineCounters]
    var sbufHighWaterBytes: Int
    var psumHighWaterBytes: Int
    var sbufCapacityBytes: Int
    var psumCapacityBytes: Int
    var instructions: Int
    var warnings: [String]
  }

  /// Renders the report of a run as pretty-printed JSON with sorted keys.
  public static func render(_ r: HostRunResult, kernel: Kernel) -> String {
    let outputs = zip(kernel.outputs, r.outputs).map { Output(name: kernel[$0.0].name, shape: $0.1.shape, dtype: kernel[$0.0].dtype.nkiName) }
    var engines: [String: EngineCounters] = [:]
    for (e, c) in r.report.engines { engines[e.rawValue] = c }
    let rep = Report(
      kernel: kernel.name, outputs: outputs, engines: engines, sbufHighWaterBytes: r.report.sbufHighWaterBytes,
      psumHighWaterBytes: r.report.psumHighWaterBytes, sbufCapacityBytes: r.report.sbufCapacityBytes,
      psumCapacityBytes: r.report.psumCapacityBytes, instructions: r.report.instructionsExecuted,
      warnings: r.report.warnings.map { d in d.location.map { "\($0): \(d.message)" } ?? d.message })
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys]
    guard let data = try? enc.encode(rep) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }
}
