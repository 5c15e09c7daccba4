import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselTestSupportCore
import Testing

/// Traces inline NKI source on a grid and runs it.
private func run(_ source: String, _ arrays: [HostArray], grid: [Int] = []) throws -> (Kernel, HostRunResult) {
  let file = try NKIFile(source: header + source, file: "p.py")
  let traced = try file.trace(
    arguments: arrays.map { .tensor(shape: $0.shape, dtype: $0.dtype ?? .float32) }, grid: grid)
  return (traced.kernel, try Interpreter(kernel: traced.kernel).run(hostArrays: arrays))
}

@Suite("nl.device_print: the tile's values at each execution, tagged with loop variables and program ids")
struct DevicePrintTests {
  @Test(
    "every iteration prints its tile, in program order, equal to plain loops",
    arguments: [(1, 1), (7, 5), (128, 33)])
  func perIteration(partitions: Int, columns: Int) throws {
    let src = """
      @nki.jit
      def k(x):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          for i in nl.affine_range(3):
              t = nl.load(x[i * \(partitions):(i + 1) * \(partitions), :])
              nl.device_print("t =", t)
              e = nl.multiply(t, 3.0)
              nl.device_print("e =", e)
              nl.store(out[i * \(partitions):(i + 1) * \(partitions), :], value=e)
          return out
      """
    var rng = SeededGenerator(seed: UInt64(partitions * 100 + columns))
    let n = 3 * partitions * columns
    let xv = (0..<n).map { _ in Float.random(in: -2...2, using: &rng) }
    let (_, r) = try run(src, [try HostArray(shape: [3 * partitions, columns], dtype: .float32, values: xv)])
    let prints = r.report.devicePrints
    #expect(prints.count == 6)
    for i in 0..<3 {
      let block = Array(xv[(i * partitions * columns)..<((i + 1) * partitions * columns)])
      let t = prints[2 * i]
      let e = prints[2 * i + 1]
      #expect(t.prefix == "t =" && e.prefix == "e =")
      #expect(t.tags.map(\.name) == ["i"] && t.tags.map(\.value) == [i] && e.tags.map(\.value) == [i])
      #expect(t.shape == [partitions, columns] && t.tile == "t")
      #expect(t.values == block)
      #expect(e.values == block.map { $0 * 3 })
      #expect(t.text.hasPrefix("t = (i=\(i)) ["))
    }
    // Printing does not change what the kernel computes.
    #expect(r.outputs[0].floatValues() == xv.map { $0 * 3 })
  }

  @Test("program ids, nested loops with a step, a mask, and loops cut to their first iterations")
  func gridLoopsMasks() throws {
    let src = """
      @nki.jit
      def k(x):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          pid = nl.program_id(0)
          for i in nl.sequential_range(20):
              for j in nl.affine_range(2, 8, 3):
                  t = nl.load(x[pid, j:j + 1])
                  nl.device_print("t", t, mask=(i < 3))
              nl.device_print("outer", nl.load(x[pid, 0:2]))
          nl.store(out[pid, 0:8], value=nl.load(x[pid, 0:8]))
          return out
      """
    let xv = (0..<16).map(Float.init)
    let (_, r) = try run(src, [try HostArray(shape: [2, 8], dtype: .float32, values: xv)], grid: [2])
    // The expected executions, by plain loops: 8 of the 20 `i` are kept.
    var expected: [(String, [Int], [Float])] = []
    for pid in 0..<2 {
      for i in 0..<8 {
        for j in stride(from: 2, to: 8, by: 3) where i < 3 { expected.append(("t", [pid, i, j], [xv[pid * 8 + j]])) }
        expected.append(("outer", [pid, i], [xv[pid * 8], xv[pid * 8 + 1]]))
      }
    }
    let got = r.report.devicePrints
    #expect(got.count == expected.count)
    for (g, e) in zip(got, expected) {
      #expect(g.prefix == e.0 && g.tags.map(\.value) == e.1 && g.values == e.2, "\(g.text)")
    }
    #expect(got.first?.tags.map(\.name) == ["program_id(0)", "i", "j"])
    let notes = got.compactMap(\.omitted)
    #expect(
      notes == Array(repeating: "later iterations not shown: the first 8 of 20 iterations of `i` are kept", count: 2))
  }

  @Test("a bf16 tile prints its rounded values; a non-tile and a too-big log are located errors")
  func dtypesAndErrors() throws {
    let src = """
      @nki.jit
      def k(x):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          t = nl.load(x, dtype=nl.bfloat16)
          nl.device_print("b", t)
          nl.store(out, value=t)
          return out
      """
    let xv: [Float] = [1.00390625, 3.14159, -2.7182817, 1e-3]
    let (_, r) = try run(src, [try HostArray(shape: [1, 4], dtype: .float32, values: xv)])
    #expect(r.report.devicePrints.first?.values == xv.map { DType.bfloat16.quantize($0) })
    #expect(r.report.devicePrints.first?.dtype == .bfloat16)

    let notTile = """
      @nki.jit
      def k(x):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          nl.device_print("n", 3)
          nl.store(out, value=nl.load(x))
          return out
      """
    #expect {
      _ = try run(notTile, [try HostArray(shape: [1, 4], dtype: .float32, values: xv)])
    } throws: { "\($0)".contains("nl.device_print prints a tile or tensor, not int") && "\($0)".contains("p.py:7:5") }

    // One execution alone would log more than the limit.
    let big = """
      @nki.jit
      def k(x):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          nl.device_print("big", nl.load(x))
          nl.store(out, value=nl.load(x))
          return out
      """
    #expect {
      _ = try run(
        big, [try HostArray(shape: [128, 40_000], dtype: .float32, values: Array(repeating: 0, count: 128 * 40_000))])
    } throws: { "\($0)".contains("print a slice of it") }
  }
}
