import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselTiming

/// The `--json` report of `tessel run`.
public enum RunReportJSON {
  struct Output: Encodable {
    var name: String
    var shape: [Int]
    var dtype: String
  }

  /// The keys only `run` reports.
  struct Details: Encodable {
    var outputs: [Output]
    var engines: [String: EngineCounters]
    var uninitializedOrigins: [Origin]
    /// What the kernel's `nl.device_print` calls printed, in the order they ran.
    var devicePrints: [DevicePrint]
    /// The timing model's estimate (`--json` always includes it).
    var estimate: TimingReport?
    /// With `--compare`: the other kernel's estimate and outputs.
    var compare: CompareReportJSON?
  }

  /// One execution of a `nl.device_print`: values row-major, null where the call's mask left an
  /// element out.
  struct DevicePrint: Encodable {
    var prefix: String
    var tile: String
    var tags: [String: Int]
    var shape: [Int]
    var values: [Float?]
    var line: Int
  }

  static func devicePrint(_ p: DevicePrintOutput) -> DevicePrint {
    DevicePrint(
      prefix: p.prefix, tile: p.tile,
      tags: Dictionary(p.tags.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }),
      shape: p.shape, values: p.values.map { $0.isNaN ? nil : $0 }, line: p.location.line)
  }

  /// Output elements that derive from one read of never-written memory (`--origins`).
  struct Origin: Encodable {
    var output: String
    var isParameter: Bool
    var elementCount: Int
    var firstElement: [Int]
    /// The smallest box holding every affected element: per dimension, `[low, high]` inclusive.
    var bounds: [[Int]]
    var read: Read
  }

  /// The read an origin starts from.
  struct Read: Encodable {
    var operation: String
    var operand: String
    var tensor: String
    var firstElement: [Int]
    var elementCount: Int
    var file: String
    var line: Int
    var column: Int
  }

  static func origin(_ o: UninitializedOrigin) -> Origin {
    var low = Array(repeating: Int.max, count: o.shape.count)
    var high = Array(repeating: Int.min, count: o.shape.count)
    for e in o.elements {
      let index = UninitializedOrigin.index(e, in: o.shape)
      for d in index.indices {
        low[d] = Swift.min(low[d], index[d])
        high[d] = Swift.max(high[d], index[d])
      }
    }
    let r = o.read
    return Origin(
      output: o.output, isParameter: o.isParameter, elementCount: o.elements.count,
      firstElement: o.elements.first.map { UninitializedOrigin.index($0, in: o.shape) } ?? [],
      bounds: o.elements.isEmpty ? [] : zip(low, high).map { [$0, $1] },
      read: Read(
        operation: r.operation, operand: r.operand, tensor: r.tensor, firstElement: r.firstElement,
        elementCount: r.elementCount, file: r.location.file, line: r.location.line, column: r.location.column))
  }

  /// Renders the report of a run as pretty-printed JSON with sorted keys; `traceWarnings` (the
  /// trace's) come first in its warnings.
  public static func render(
    _ r: HostRunResult, kernel: Kernel, traceWarnings: [Diagnostic] = [], estimate: TimingReport? = nil,
    comparison: CompareReportJSON? = nil
  ) -> String {
    let outputs = zip(kernel.outputs, r.outputs).map {
      Output(name: kernel[$0.0].name, shape: $0.1.shape, dtype: kernel[$0.0].dtype.nkiName)
    }
    var engines: [String: EngineCounters] = [:]
    for (e, c) in r.report.engines { engines[e.rawValue] = c }
    let report = r.report
    return ReportJSON(
      summary: KernelSummaryJSON(
        kernel: kernel.name, instructions: report.instructionsExecuted, sbufHighWater: report.sbufHighWaterBytes,
        psumHighWater: report.psumHighWaterBytes, sbufCapacity: report.sbufCapacityBytes,
        psumCapacity: report.psumCapacityBytes, warnings: traceWarnings + report.warnings),
      details: Details(
        outputs: outputs, engines: engines, uninitializedOrigins: report.uninitializedOrigins.map(origin),
        devicePrints: report.devicePrints.map(devicePrint), estimate: estimate, compare: comparison)
    ).rendered
  }
}
