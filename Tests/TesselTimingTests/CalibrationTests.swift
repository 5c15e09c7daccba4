import Foundation
import TesselIR
import TesselLang
import Testing

@testable import TesselTiming

/// One published hardware latency (kernels/calibration/published.json).
struct PublishedRow: Decodable, Sendable, CustomTestStringConvertible {
  var id: String
  var family: String
  var file: String
  var kernel: String?
  var arguments: [String]
  var target: String
  var measuredMicroseconds: Double
  var testDescription: String { id }

  /// The estimated latency in microseconds.
  func estimatedMicroseconds() throws -> Double {
    var tensors: [([Int], DType)] = []
    var keywords: [String: KernelArgument] = [:]
    for a in arguments {
      if let eq = a.firstIndex(of: "=") {
        let value = try #require(Int(a[a.index(after: eq)...]))
        keywords[String(a[..<eq])] = .literal(.int(value))
      } else {
        let parts = a.split(separator: ":")
        let shape = parts[0].split(separator: "x").compactMap { Int($0) }
        tensors.append((shape, try #require(DType(nkiName: String(parts[1])))))
      }
    }
    let t = try #require(Target(rawValue: target))
    let k = try traceFile(file, kernel: kernel, tensors, keywords: keywords, target: t)
    return try TimingModel(kernel: k, target: t).estimate().report.latencyNs / 1000
  }
}

func publishedRows() throws -> [PublishedRow] {
  struct Table: Decodable { var rows: [PublishedRow] }
  let url = repositoryRoot.appendingPathComponent("kernels/calibration/published.json")
  return try JSONDecoder().decode(Table.self, from: Data(contentsOf: url)).rows
}

@Suite("Calibration against published latencies")
struct CalibrationTests {
  @Test("at least 75% of the published rows within ±25%, median error at most 20%, every family and target")
  func publishedLatencies() throws {
    let rows = try publishedRows()
    #expect(rows.count >= 30)
    var errors: [Double] = []
    var families: [String: [Double]] = [:]
    for r in rows {
      let ratio = try r.estimatedMicroseconds() / r.measuredMicroseconds
      errors.append(abs(ratio - 1))
      families["\(r.family) \(r.target)", default: []].append(abs(ratio - 1))
    }
    let within = Double(errors.filter { $0 <= 0.25 }.count) / Double(errors.count)
    let median = errors.sorted()[errors.count / 2]
    #expect(within >= 0.75, "\(Int(within * 100))% within ±25%")
    #expect(median <= 0.20, "median error \(median)")
    for (family, e) in families {
      let sorted = e.sorted()
      #expect(sorted[sorted.count / 2] <= 0.25, "\(family): median error \(sorted[sorted.count / 2])")
    }
  }

  /// Estimates pinned so that a change to the model is deliberate: update these numbers (and the
  /// calibration table in docs/timing.md) in the commit that changes the model.
  static let pinned: [(file: String, kernel: String?, tensors: [([Int], DType)], target: Target, latencyNs: Double)] = [
    (
      "kernels/matmul_tiled.py", nil, [([1024, 512], .bfloat16), ([1024, 1024], .bfloat16)], .trn1, 104318.98292220122
    ),
    (
      "kernels/matmul_hoisted.py", nil, [([1024, 512], .float32), ([1024, 1024], .float32)], .trn2, 87115.61904761904
    ),
    ("kernels/softmax.py", nil, [([512, 1000], .float32)], .trn2, 36989.04761904762),
    (
      "kernels/layernorm_bn.py", nil, [([300, 1024], .float32), ([1024], .float32), ([1024], .float32)], .trn1,
      45309.25115207373
    ),
    (
      "kernels/attention.py", nil, [([512, 128], .bfloat16), ([512, 128], .bfloat16), ([512, 128], .bfloat16)], .trn3,
      40386.66666666668
    ),
  ]

  @Test("pinned estimates of five kernels")
  func pinnedEstimates() throws {
    for p in Self.pinned {
      let k = try traceFile(p.file, kernel: p.kernel, p.tensors, target: p.target)
      let latency = try TimingModel(kernel: k, target: p.target).estimate().report.latencyNs
      #expect(abs(latency - p.latencyNs) <= 1e-6 * p.latencyNs, "\(p.file) on \(p.target): \(latency)")
    }
  }
}
