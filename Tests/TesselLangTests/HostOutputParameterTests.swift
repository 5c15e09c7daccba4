import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import Testing

/// `run(hostArrays:)` on kernels that write an output parameter: the returned parameter holds the
/// kernel's writes and the values passed in wherever no program instance wrote, and the argument
/// itself is left as it was.
@Suite("Host runs of kernels that write an output parameter")
struct HostOutputParameterTests {
  /// `c[tile] = a[tile] + b[tile]` per program on a `[128, 512]` tile grid; with `accumulate`,
  /// `c[tile] += a[tile] + b[tile]` (the kernel reads `c`).
  static func source(accumulate: Bool) -> String {
    """
    import neuronxcc.nki as nki
    import neuronxcc.nki.language as nl

    @nki.jit
    def k(a, b, c):
        r0 = nl.program_id(0) * 128
        c0 = nl.program_id(1) * 512
        i, j = nl.mgrid[0:128, 0:512]
        s = nl.add(nl.load(a[r0 + i, c0 + j]), nl.load(b[r0 + i, c0 + j]))
        \(accumulate ? "s = nl.add(s, nl.load(c[r0 + i, c0 + j]))" : "")
        nl.store(c[r0 + i, c0 + j], value=s)
    """
  }

  @Test(
    "the returned parameter matches plain loops; the argument is unchanged",
    arguments: [([1, 1], false), ([2, 1], false), ([2, 2], false), ([1, 2], true), ([2, 2], true)])
  func outputParameter(grid: [Int], accumulate: Bool) throws {
    let shape = [256, 1024]
    let n = shape[0] * shape[1]
    let a = (0..<n).map { Float($0 % 251) * 0.25 }
    let b = (0..<n).map { Float($0 % 17) - 8 }
    let c0 = (0..<n).map { Float($0 % 5) + 100 }
    let arrays = try [a, b, c0].map { try HostArray(shape: shape, dtype: .float32, values: $0) }
    let file = try NKIFile(source: Self.source(accumulate: accumulate), file: "out_param.py")
    let traced = try file.trace(arguments: arrays.map { .tensor(shape: $0.shape, dtype: .float32) }, grid: grid)
    let r = try Interpreter(kernel: traced.kernel).run(hostArrays: arrays)
    var expected = c0
    for row in 0..<(grid[0] * 128) {
      for col in 0..<(grid[1] * 512) {
        let e = row * shape[1] + col
        expected[e] = a[e] + b[e] + (accumulate ? c0[e] : 0)
      }
    }
    #expect(r.parameters["c"]?.floatValues() == expected)
    #expect(arrays[2].floatValues() == c0)
    // Coverage is checked for parameters the kernel only writes.
    let partial = r.report.warnings.contains { $0.message.hasPrefix("parameter `c`:") }
    #expect(partial == (grid != [2, 2] && !accumulate))
  }

  @Test(
    "a block that ends mid-row keeps the passed values around it (runs of unwritten elements at any offset)",
    arguments: [(9, 11), (1, 70), (130, 67)])
  func raggedBlock(rows: Int, cols: Int) throws {
    let h = Swift.max(1, rows - 2)
    let w = Swift.max(1, cols - 6)
    let source = """
      import neuronxcc.nki as nki
      import neuronxcc.nki.language as nl

      @nki.jit
      def k(a, c):
          i, j = nl.mgrid[0:\(Swift.min(h, 128)), 0:\(w)]
          nl.store(c[\(rows > 1 ? 1 : 0) + i, 3 + j], value=nl.load(a[i, j]))
      """
    let n = rows * cols
    let a = (0..<n).map { Float($0) + 0.5 }
    let c0 = (0..<n).map { -Float($0) }
    let arrays = try [a, c0].map { try HostArray(shape: [rows, cols], dtype: .float32, values: $0) }
    let file = try NKIFile(source: source, file: "ragged.py")
    let traced = try file.trace(arguments: arrays.map { .tensor(shape: $0.shape, dtype: .float32) })
    let r = try Interpreter(kernel: traced.kernel).run(hostArrays: arrays)
    let r0 = rows > 1 ? 1 : 0
    var expected = c0
    for i in 0..<Swift.min(h, 128) {
      for j in 0..<w { expected[(r0 + i) * cols + 3 + j] = a[i * cols + j] }
    }
    #expect(r.parameters["c"]?.floatValues() == expected)
    #expect(arrays[1].floatValues() == c0)
  }
}
