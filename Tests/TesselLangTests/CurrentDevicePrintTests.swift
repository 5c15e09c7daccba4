import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import TesselTestSupportCore
import Testing

/// `nl.device_print(prefix, tensor)` in the current dialect: the tensor's values at each call,
/// tagged with the enclosing loops' iterations and the program id, in the run report.
@Suite("Current dialect: nl.device_print prints tensors at run time")
struct CurrentDevicePrintTests {
  static let header = """
    import nki
    import nki.isa as nisa
    import nki.language as nl


    """

  static func run(_ source: String, _ arrays: [HostArray], grid: [Int] = []) throws -> HostRunResult {
    let traced = try NKIFile(source: header + source, file: "cp.py").trace(
      arguments: arrays.map { .tensor(shape: $0.shape, dtype: $0.dtype ?? .float32) }, grid: grid)
    #expect(traced.warnings.isEmpty)
    return try Interpreter(kernel: traced.kernel).run(hostArrays: arrays)
  }

  @Test(
    "every iteration of nested loops prints its tile in program order, equal to plain loops",
    arguments: [(1, 1), (7, 5), (128, 33)])
  func nestedLoops(partitions: Int, columns: Int) throws {
    let src = """
      @nki.jit
      def k(x):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          for i in nl.affine_range(2):
              for j in nl.sequential_range(3):
                  r = (i * 3 + j) * \(partitions)
                  t = nl.ndarray((\(partitions), \(columns)), dtype=x.dtype, buffer=nl.sbuf)
                  nisa.dma_copy(dst=t, src=x[r:r + \(partitions), :])
                  e = nl.ndarray((\(partitions), \(columns)), dtype=x.dtype, buffer=nl.sbuf)
                  nisa.activation(dst=e, op=nl.copy, data=t, scale=3.0)
                  nl.device_print("e =", e)
                  nisa.dma_copy(dst=out[r:r + \(partitions), :], src=e)
          return out
      """
    var rng = SeededGenerator(seed: UInt64(partitions * 1000 + columns))
    let block = partitions * columns
    let xv = (0..<(6 * block)).map { _ in Float.random(in: -2...2, using: &rng) }
    let r = try Self.run(src, [try HostArray(shape: [6 * partitions, columns], dtype: .float32, values: xv)])
    let prints = r.report.devicePrints
    try #require(prints.count == 6)
    for i in 0..<2 {
      for j in 0..<3 {
        let p = prints[i * 3 + j]
        let b = i * 3 + j
        #expect(p.prefix == "e =" && p.tile == "e" && p.shape == [partitions, columns])
        #expect(p.tags.map(\.name) == ["i", "j"] && p.tags.map(\.value) == [i, j])
        #expect(p.values == xv[(b * block)..<((b + 1) * block)].map { $0 * 3 })
        #expect(p.text.hasPrefix("e = (i=\(i), j=\(j)) ["))
        #expect(p.omitted == nil)
      }
    }
    #expect(r.outputs[0].floatValues() == xv.map { $0 * 3 })
  }

  @Test("a long loop keeps its first 8 iterations and says so; each program is tagged")
  func cutAndPrograms() throws {
    let src = """
      @nki.jit
      def k(x):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          pid = nl.program_id(0)
          for i in nl.affine_range(20):
              t = nl.ndarray((1, 1), dtype=x.dtype, buffer=nl.sbuf)
              nisa.dma_copy(dst=t, src=x[pid, i:i + 1])
              nl.device_print("t", t)
              nisa.dma_copy(dst=out[pid, i:i + 1], src=t)
          return out
      """
    let xv = (0..<40).map { Float($0) }
    let r = try Self.run(src, [try HostArray(shape: [2, 20], dtype: .float32, values: xv)], grid: [2])
    let prints = r.report.devicePrints
    try #require(prints.count == 16)
    for (n, p) in prints.enumerated() {
      let (pid, i) = (n / 8, n % 8)
      #expect(p.tags.map(\.name) == ["program_id(0)", "i"] && p.tags.map(\.value) == [pid, i])
      #expect(p.values == [xv[pid * 20 + i]])
      #expect((p.omitted != nil) == (i == 7))
    }
    #expect(prints[7].omitted == "later iterations not shown: the first 8 of 20 iterations of `i` are kept")
    #expect(r.outputs[0].floatValues() == xv)
  }

  @Test("printing something other than a tensor is a located TypeError")
  func notATensor() throws {
    let src = """
      @nki.jit
      def k(x):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          nl.device_print("n", 3)
          nisa.dma_copy(dst=out, src=x)
          return out
      """
    let error = #expect(throws: TraceError.self) {
      _ = try Self.run(src, [try HostArray(shape: [1, 1], dtype: .float32, values: [1])])
    }
    #expect(error?.message.hasPrefix("TypeError: nl.device_print prints a tensor, not int") == true)
    #expect(error?.location.line == 8)
  }
}
