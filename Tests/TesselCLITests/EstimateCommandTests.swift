import Foundation
import TesselHost
import Testing

/// `--estimate`, `--profile`, `--timing-constants` and the `estimate` object of `--json`.
@Suite("Estimate commands")
struct EstimateCommandTests {
  static let matmul = ["kernels/matmul_tiled.py", "256x128:bfloat16", "256x512:bfloat16"]

  @Test("check --estimate prints the summary; check --json carries the estimate")
  func checkEstimate() throws {
    let r = try runTessel(["check"] + Self.matmul + ["--estimate", "--target", "trn1"])
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.contains("estimate (trn1 model):"))
    #expect(r.out.contains("Tensor (PE)") && r.out.contains("critical path"))
    let j = try runTessel(["check"] + Self.matmul + ["--json"])
    #expect(j.status == 0, "\(j.err)")
    let object = try JSONSerialization.jsonObject(with: Data(j.out.utf8)) as? [String: Any]
    let estimate = try #require(object?["estimate"] as? [String: Any])
    let latency = try #require(estimate["latencyNs"] as? Double)
    #expect(latency > 0)
    let engines = try #require(estimate["engines"] as? [String: Any])
    let tensor = try #require(engines["tensor"] as? [String: Any])
    #expect((tensor["busyNs"] as? Double ?? 0) > 0)
    #expect((tensor["instructions"] as? Int) == 2)
  }

  @Test("run --json carries the estimate; run --estimate prints it after the outputs")
  func runEstimate() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tessel-estimate-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    func npy(_ name: String, rows: Int, cols: Int) throws -> String {
      let path = dir.appendingPathComponent(name).path
      let values = (0..<(rows * cols)).map { Float($0 % 7) }
      try HostArray(shape: [rows, cols], dtype: .float32, values: values).writeNPY(to: path)
      return path
    }
    let a = try npy("a.npy", rows: 256, cols: 128)
    let b = try npy("b.npy", rows: 256, cols: 512)
    let j = try runTessel(["run", "kernels/matmul_tiled.py", a, b, "--json"])
    #expect(j.status == 0, "\(j.err)")
    let object = try JSONSerialization.jsonObject(with: Data(j.out.utf8)) as? [String: Any]
    let estimate = try #require(object?["estimate"] as? [String: Any])
    #expect((estimate["latencyNs"] as? Double ?? 0) > 0)
    let r = try runTessel([
      "run", "kernels/matmul_tiled.py", a, b, "--estimate", "-o", dir.appendingPathComponent("o.npy").path,
    ])
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.hasPrefix("estimate (trn2 model):"))
  }

  @Test("--compare: both estimates and where the time moved; with run, whether the outputs agree")
  func compare() throws {
    let c = try runTessel(["check"] + Self.matmul + ["--compare", "kernels/matmul_hoisted.py", "--target", "trn2"])
    #expect(c.status == 0, "\(c.err)")
    #expect(c.out.contains("compare (trn2 model): matmul_tiled.py "))
    #expect(c.out.contains("→ matmul_hoisted.py"))
    #expect(c.out.contains("where the time moved (critical path):"))
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tessel-compare-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = dir.appendingPathComponent("a.npy").path
    let b = dir.appendingPathComponent("b.npy").path
    try HostArray(shape: [256, 128], dtype: .float32, values: (0..<(256 * 128)).map { Float($0 % 5) }).writeNPY(to: a)
    try HostArray(shape: [256, 512], dtype: .float32, values: (0..<(256 * 512)).map { Float($0 % 3) }).writeNPY(to: b)
    let r = try runTessel(["run", "kernels/matmul_tiled.py", a, b, "--compare", "kernels/matmul_hoisted.py"])
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.hasPrefix("output 0: identical\n"))
    let j = try runTessel(["run", "kernels/matmul_tiled.py", a, b, "--compare", "kernels/matmul_hoisted.py", "--json"])
    let object = try JSONSerialization.jsonObject(with: Data(j.out.utf8)) as? [String: Any]
    let compare = try #require(object?["compare"] as? [String: Any])
    #expect((compare["latencyRatio"] as? Double ?? 0) > 0)
    let outputs = try #require(compare["outputs"] as? [[String: Any]])
    #expect(outputs.first?["maxDifference"] as? Double == 0)
    let missing = try runTessel(["check"] + Self.matmul + ["--compare", "kernels/none.py"])
    #expect(missing.status == 2)
  }

  @Test("--profile writes a Chrome trace that parses, with one slice per instruction")
  func profile() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tessel-\(UUID().uuidString).json").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let r = try runTessel(["check"] + Self.matmul + ["--profile", path])
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.hasPrefix("ok:") && !r.out.contains("estimate ("))
    let data = try #require(FileManager.default.contents(atPath: path))
    let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let events = try #require(root["traceEvents"] as? [[String: Any]])
    #expect(events.contains { $0["name"] as? String == "nc_matmul" && $0["ph"] as? String == "X" })
  }

  @Test("bad --profile and --timing-constants arguments are usage errors")
  func usageErrors() throws {
    let noDir = try runTessel(["check"] + Self.matmul + ["--profile", "/nonexistent-dir/x.json"])
    #expect(noDir.status == 2)
    #expect(noDir.err.contains("cannot write /nonexistent-dir/x.json"))
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tc-\(UUID().uuidString).json").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    FileManager.default.createFile(atPath: path, contents: Data(#"{"dmaBytesPerNanosecond": 3}"#.utf8))
    let unknown = try runTessel(["check"] + Self.matmul + ["--estimate", "--timing-constants", path])
    #expect(unknown.status == 2)
    #expect(unknown.err.contains("unknown timing constant 'dmaBytesPerNanosecond'"))
    FileManager.default.createFile(atPath: path, contents: Data(#"{"dmaBytesPerNs": 3}"#.utf8))
    let ok = try runTessel(["check"] + Self.matmul + ["--estimate", "--timing-constants", path])
    #expect(ok.status == 0, "\(ok.err)")
    FileManager.default.createFile(atPath: path, contents: Data("[1, 2]".utf8))
    let bad = try runTessel(["check"] + Self.matmul + ["--estimate", "--timing-constants", path])
    #expect(bad.status == 2)
  }

  @Test("--lnc 2: the two programs of a current-dialect launch run on two cores")
  func lnc2() throws {
    func estimate(_ lnc: String) throws -> [String: Any] {
      let r = try runTessel(
        ["check", "kernels/current/lnc_row_norm.py", "128x8192:float32", "--lnc", lnc, "--target", "trn2", "--json"])
      #expect(r.status == 0, "\(r.err)")
      let object = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
      return try #require(object?["estimate"] as? [String: Any])
    }
    let one = try estimate("1")
    let two = try estimate("2")
    let oneNs = try #require(one["scheduleNs"] as? Double)
    let twoNs = try #require(two["scheduleNs"] as? Double)
    // Each program moves and scales half the columns on its own core's DMA engines and engines.
    #expect(twoNs < oneNs * 0.8, "\(twoNs) vs \(oneNs)")
    #expect((two["notes"] as? [String] ?? []).contains { $0.contains("2 physical cores") })
    #expect(!(one["notes"] as? [String] ?? []).contains { $0.contains("physical cores") })
  }
}
