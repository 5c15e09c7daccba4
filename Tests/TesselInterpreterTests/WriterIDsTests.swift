import Testing

@testable import TesselInterpreter

/// The per-element writer ids of the SPMD shared-write check, in 1, 2 or 4 bytes.
@Suite("Writer ids of shared SPMD writes")
struct WriterIDsTests {
  @Test(
    "every id of the grid and 'none' read back as written, at each width's limits",
    arguments: [2, 254, 255, 65534, 65535, 200_000])
  func roundTrip(instances: Int) {
    let ids = [0, 1, instances / 2, instances - 2, instances - 1].filter { $0 >= 0 }
    var w = WriterIDs(count: ids.count + 2, instances: instances)
    for e in 0..<(ids.count + 2) { #expect(w[e] == nil) }
    for (e, id) in ids.enumerated() { w[e + 1] = id }
    #expect(w[0] == nil)
    for (e, id) in ids.enumerated() { #expect(w[e + 1] == id, "element \(e + 1)") }
    #expect(w[ids.count + 1] == nil)
    w[1] = nil
    #expect(w[1] == nil && w[2] == ids[1])
  }
}
