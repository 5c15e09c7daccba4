import Foundation
import TesselIR
import Testing

@testable import TesselTiming

/// The `--profile` file: Chrome trace-event JSON as Perfetto and chrome://tracing read it.
@Suite("Perfetto trace")
struct PerfettoTraceTests {
  /// The parsed `traceEvents` of an estimate's trace.
  func traceEvents(_ e: TimingEstimate) throws -> [[String: Any]] {
    let bytes = try #require(e.perfettoTrace())
    let object = try JSONSerialization.jsonObject(with: Data(bytes))
    let root = try #require(object as? [String: Any])
    #expect(root["displayTimeUnit"] as? String == "ns")
    return try #require(root["traceEvents"] as? [[String: Any]])
  }

  @Test("named tracks, one complete slice per execution (two per DMA), no overlap within a track")
  func validTrace() throws {
    for target in Target.allCases {
      let k = try traceFile(
        "kernels/matmul_tiled.py", [([512, 256], .bfloat16), ([512, 1024], .bfloat16)], target: target)
      let e = try estimate(k, target: target)
      let events = try traceEvents(e)
      var threadNames: [String: String] = [:]
      var slices: [String: [(start: Int, end: Int)]] = [:]
      var count = 0
      var dma = 0
      for ev in events {
        let ph = try #require(ev["ph"] as? String)
        let pid = try #require(ev["pid"] as? Int)
        if ph == "M" {
          if ev["name"] as? String == "thread_name", let tid = ev["tid"] as? Int,
            let args = ev["args"] as? [String: Any], let name = args["name"] as? String
          {
            threadNames["\(pid)/\(tid)"] = name
          }
          continue
        }
        #expect(ph == "X")
        let tid = try #require(ev["tid"] as? Int)
        let ts = try #require((ev["ts"] as? NSNumber)?.doubleValue)
        let dur = try #require((ev["dur"] as? NSNumber)?.doubleValue)
        #expect(ts >= 0 && dur >= 0)
        #expect(ev["name"] is String)
        let args = try #require(ev["args"] as? [String: Any])
        #expect((args["loc"] as? String)?.contains("matmul_tiled.py:") == true)
        #expect(args["iteration"] is String)
        // Tenths of a nanosecond: exact integers, so abutting slices compare exactly.
        let start = Int((ts * 10_000).rounded())
        let end = Int(((ts + dur) * 10_000).rounded())
        slices["\(pid)/\(tid)", default: []].append((start, end))
        if ev["cat"] as? String == "dmaTransfer" { dma += 1 } else { count += 1 }
      }
      #expect(count == e.report.instructions)
      #expect(dma == e.report.dma.transfers)
      for (track, list) in slices {
        #expect(threadNames[track] != nil, "track \(track) has no name")
        let sorted = list.sorted { $0.start < $1.start }
        for (a, b) in zip(sorted, sorted.dropFirst()) {
          #expect(a.end <= b.start, "overlapping slices on \(threadNames[track] ?? track)")
        }
      }
      #expect(
        Set(threadNames.values).isSuperset(of: ["Tensor (PE)", "Vector (DVE)", "DMA queue (loads)", "DMA engine 0"]))
    }
  }

  @Test("names and locations are escaped as JSON strings")
  func escaping() {
    var w = TraceWriter()
    w.string("a\"b\\c\nd")
    #expect(String(decoding: w.bytes, as: UTF8.self) == #""a\"b\\c\u000ad""#)
    var t = TraceWriter()
    t.microseconds(tenthsOfNs: 123_456_789)
    t.raw(" ")
    t.microseconds(tenthsOfNs: 50_000)
    t.raw(" ")
    t.microseconds(tenthsOfNs: 7)
    #expect(String(decoding: t.bytes, as: UTF8.self) == "12345.6789 5 0.0007")
  }
}
