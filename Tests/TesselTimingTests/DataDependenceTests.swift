import TesselIR
import Testing

@testable import TesselTiming

/// Kernels whose control flow or addresses depend on tensor data: the data-free walk assumes,
/// and says so.
@Suite("Data-dependent control flow")
struct DataDependenceTests {
  /// `for i in nl.dynamic_range(n)`: a `[128, 512]` add per iteration, its rows placed by a
  /// counter read at run time (`scalar_offset`).
  static func dynamicAdd() throws -> Kernel {
    var b = KernelBuilder(name: "dynamic_add")
    let loc = SourceLocation(file: "dyn.py", line: 7)
    let a = b.addParameter(name: "a", shape: [1024, 512], dtype: .float32)
    let n = b.addParameter(name: "n", shape: [1, 1], dtype: .int32)
    let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [1024, 512], dtype: .float32)
    func whole(_ t: TensorID, _ shape: [Int]) -> View { .whole(t, shape: shape) }
    let nSB = b.declareTensor(name: "n_sb", space: .sbuf, shape: [1, 1], dtype: .int32)
    let reg = b.declareTensor(name: "reg", space: .sbuf, shape: [1, 1], dtype: .int32)
    let row = b.declareTensor(name: "row", space: .sbuf, shape: [1, 1], dtype: .int32)
    b.emit(.dmaCopy(dst: whole(nSB, [1, 1]), src: whole(n, [1, 1])))
    b.emit(.registerLoad(dst: whole(reg, [1, 1]), src: whole(nSB, [1, 1])))
    b.emit(.memset(dst: whole(row, [1, 1]), value: 0))
    _ = b.beginDynamicLoop(name: "i", bound: .stop(whole(reg, [1, 1])), location: loc)
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 512], dtype: .float32)
    let block = { (tensor: TensorID) in
      View(
        tensor: tensor, start: [AffineExpr(), AffineExpr()],
        dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: 512)],
        runtimeOffsets: [RuntimeOffset(source: whole(row, [1, 1]), steps: [1, 0])])
    }
    b.emit(.dmaCopy(dst: whole(t, [128, 512]), src: block(a)), location: SourceLocation(file: "dyn.py", line: 8))
    b.emit(
      .tensorScalar(
        dst: whole(t, [128, 512]), src: whole(t, [128, 512]), op0: .add, operand0: .scalar(1), reverse0: false,
        op1: nil, operand1: nil, reverse1: false))
    b.emit(.dmaCopy(dst: block(out), src: whole(t, [128, 512])))
    b.emit(
      .tensorScalar(
        dst: whole(row, [1, 1]), src: whole(row, [1, 1]), op0: .add, operand0: .scalar(128), reverse0: false,
        op1: nil, operand1: nil, reverse1: false))
    try b.endLoop()
    b.setOutputs([out])
    return try b.finish(target: .trn2)
  }

  @Test("a loop whose trip count is read at run time runs the assumed number of iterations, and the report says so")
  func dynamicLoops() throws {
    let k = try Self.dynamicAdd()
    var counts: [Int] = []
    for trips in [0, 1, 3] {
      var options = TimingOptions()
      options.assumedDynamicTrips = trips
      let e = try TimingModel(kernel: k, target: .trn2, options: options).estimate()
      counts.append(e.report.instructions)
      #expect(e.report.notes.contains { $0.contains("1 loop(s) read their trip count at run time (dyn.py:7)") })
      #expect(e.report.notes.contains { $0.contains("assumes \(trips) iteration(s) per entry") })
      #expect(
        e.report.notes.contains {
          $0.contains("2 instruction(s) place an operand by a value read at run time") && $0.contains("dyn.py:8")
        })
    }
    // Three instructions before the loop, four per iteration.
    #expect(counts == [3, 7, 15])
  }

  @Test("an operand placed at run time depends on every earlier access of its tensor")
  func runtimePlacedFootprint() throws {
    let k = try Self.dynamicAdd()
    var options = TimingOptions(recordIterations: true)
    options.assumedDynamicTrips = 2
    let e = try TimingModel(kernel: k, target: .trn2, options: options).estimate()
    let copies = executions(e, "dma_copy")
    // dma_copy: n, then load and store per iteration. The second store waits for the first
    // (a write after a write to wherever the counter points).
    #expect(copies.count == 5)
    #expect(copies[4].start >= copies[2].end)
  }
}
