import Foundation
import Tessel
import TesselTools
import Testing

/// `tessel bench`'s machinery on its cheapest cases (the figures themselves come from release
/// builds; see docs/performance.md).
@Suite("The benchmark suite runs its cases and checks them against their baselines")
struct BenchTests {
  @Test("add and the dispatch cases (both dialects): exact results, counters, table and JSON")
  func quickCases() throws {
    var suite = BenchmarkSuite(kernelsDirectory: kernelsDirectory, quick: true, filter: "add 4096")
    suite.numpy = false
    var results = try suite.run()
    suite.filter = "dispatch"
    results += try suite.run()
    #expect(
      results.map(\.name) == ["add 4096x512", "dispatch 25600 [1,8] tiles", "dispatch current 25600 [1,8] tiles"])
    for r in results {
      #expect(r.maxError == 0, "\(r.name): the kernel's result differs from its baseline")
      #expect(r.runMs > 0 && (r.baselineMs ?? 0) > 0)
      #expect(r.runs == 3)
    }
    #expect(results[0].instructions == 32 * 4, "one load, load, add and store per 128-row tile")
    #expect(results[1].instructions == 25_600 * 4)
    #expect(results[2].instructions == 25_600 * 4)
    // The host-array path is timed with every case; the whole-process and bridge paths need the
    // executable, which a test run does not give the suite.
    #expect(results.allSatisfy { ($0.userPaths.hostMs ?? 0) > 0 })
    #expect(results.allSatisfy { $0.userPaths.commandMs == nil && $0.userPaths.bridgeMs == nil })
    let table = BenchmarkSuite.table(results)
    #expect(table.contains("add 4096x512") && table.contains("maxerr"))
    let paths = BenchmarkSuite.userPathTable(results)
    #expect(paths.contains("host/run") && paths.contains("add 4096x512"))
    let json = BenchmarkSuite.json(results)
    let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    #expect((decoded?["results"] as? [Any])?.count == 3)
  }
}
