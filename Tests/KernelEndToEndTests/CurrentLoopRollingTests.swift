import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselTestSupport
import Testing

/// Current-dialect loops run their Python once per index; iterations that emitted the same
/// instructions become one IR loop.
///
/// Outputs match plain loops whether or not a loop rolled.
@Suite("Current dialect: traced iterations rolled into loops")
struct CurrentLoopRollingTests {
  /// Traces a current-dialect kernel `k(x)` whose body is `body` over one fp32 `[rows, cols]`
  /// input, runs it, and returns its first output and the number of IR loops.
  static func run(_ body: String, rows: Int, cols: Int, _ x: [Float]) throws -> (out: [Float], loops: Int) {
    let r = try traced(body, rows: rows, cols: cols, x)
    return (r.out, r.kinds.count)
  }

  /// ``run(_:rows:cols:_:)``, returning the kinds of the IR loops in program order.
  static func traced(_ body: String, rows: Int, cols: Int, _ x: [Float]) throws -> (out: [Float], kinds: [LoopKind]) {
    let source = """
      import nki
      import nki.isa as nisa
      import nki.language as nl


      @nki.jit
      def k(x):
          rows, cols = x.shape
          out = nl.ndarray((rows, cols), dtype=x.dtype, buffer=nl.shared_hbm)
      \(body)
          return out
      """
    let traced = try NKIFile(source: source, file: "rolling.py").trace(
      arguments: [.tensor(shape: [rows, cols], dtype: .float32)])
    let kinds = traced.kernel.instructions.compactMap { i -> LoopKind? in
      if case .loopBegin(let l) = i.operation { l.kind } else { nil }
    }
    let r = try Interpreter(kernel: traced.kernel, options: RunOptions()).run(
      hostArrays: [try HostArray(shape: [rows, cols], dtype: .float32, values: x)])
    return (r.outputs[0].floatValues(), kinds)
  }

  /// `out[:, 8t : 8t + 8] = f(x[:, 8t : 8t + 8])` for each 8-column block, `f` chosen per block.
  static func reference(_ x: [Float], rows: Int, cols: Int, _ f: (Int, Float) -> Float) -> [Float] {
    var out = [Float](repeating: 0, count: rows * cols)
    for r in 0..<rows {
      for c in 0..<cols { out[r * cols + c] = f(c / 8, x[r * cols + c]) }
    }
    return out
  }

  static let blockBody = """
        tile = nl.ndarray((rows, 8), dtype=x.dtype, buffer=nl.sbuf)
        nisa.dma_copy(dst=tile, src=x[0:rows, t * 8 : t * 8 + 8])
        y = nl.ndarray((rows, 8), dtype=x.dtype, buffer=nl.sbuf)
        nisa.tensor_scalar(dst=y, data=tile, op0=nl.multiply, operand0=2.0, op1=nl.add, operand1=1.0)
        nisa.dma_copy(dst=out[0:rows, t * 8 : t * 8 + 8], src=y)
    """

  static func indented(_ s: String, _ by: String) -> String {
    s.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : by + $0 }.joined(
      separator: "\n")
  }

  /// Its iterations touch disjoint memory, so the loop rolled from `nl.affine_range` stays an
  /// `affine_range` loop (run in parallel); the other ranges give sequential loops.
  @Test(
    "an index-independent body rolls into one loop", arguments: ["affine_range", "sequential_range", "range"],
    [(1, 8), (7, 40), (128, 64)])
  func rolls(range: String, shape: (Int, Int)) throws {
    let (rows, cols) = shape
    let x = randomArray(count: rows * cols, in: -1...1, seed: 31)
    let body = "    for t in nl.\(range)(cols // 8):\n" + Self.indented(Self.blockBody, "    ")
    let (out, kinds) = try Self.traced(body, rows: rows, cols: cols, x)
    _ = expectClose(
      out, Self.reference(x, rows: rows, cols: cols) { _, v in v * 2 + 1 }, shape: [rows, cols], rtol: 0, atol: 0)
    #expect(kinds == (cols / 8 >= 2 ? [range == "affine_range" ? .affine : .sequential] : []))
  }

  @Test("nested loops roll level by level; the last iteration's tile is readable after the loop")
  func nested() throws {
    let rows = 4
    let cols = 64
    let x = randomArray(count: rows * cols, in: -1...1, seed: 32)
    let body =
      "    for b in nl.affine_range(cols // 32):\n        for t0 in nl.affine_range(4):\n            t = b * 4 + t0\n"
      + Self.indented(Self.blockBody, "        ") + """

            last = nl.ndarray((rows, 8), dtype=x.dtype, buffer=nl.sbuf)
            nisa.tensor_copy(dst=last, src=y)
            nisa.dma_copy(dst=out[0:rows, 0:8], src=last)
        """
    let (out, kinds) = try Self.traced(body, rows: rows, cols: cols, x)
    // Block 0 of the output holds the last block's result, copied after the loops.
    let ref = Self.reference(x, rows: rows, cols: cols) { _, v in v * 2 + 1 }
    var expected = ref
    for r in 0..<rows { for c in 0..<8 { expected[r * cols + c] = ref[r * cols + 56 + c] } }
    _ = expectClose(out, expected, shape: [rows, cols], rtol: 0, atol: 0)
    // The inner loop's last tile is read after it, and every outer iteration writes block 0:
    // both loops run in program order.
    #expect(kinds == [.sequential, .sequential])
  }

  @Test("an affine_range accumulating into a tile made before it runs in program order", arguments: [1, 7, 128])
  func accumulatorKeepsProgramOrder(rows: Int) throws {
    let cols = 48
    let x = randomArray(count: rows * cols, in: -1...1, seed: 37)
    let body = """
          acc = nl.ndarray((rows, 8), dtype=x.dtype, buffer=nl.sbuf)
          nisa.memset(dst=acc, value=0.0)
          for t in nl.affine_range(cols // 8):
              tile = nl.ndarray((rows, 8), dtype=x.dtype, buffer=nl.sbuf)
              nisa.dma_copy(dst=tile, src=x[0:rows, t * 8 : t * 8 + 8])
              nisa.tensor_tensor(dst=acc, data1=acc, data2=tile, op=nl.add)
              nisa.dma_copy(dst=out[0:rows, t * 8 : t * 8 + 8], src=tile)
          nisa.dma_copy(dst=out[0:rows, 0:8], src=acc)
      """
    let (out, kinds) = try Self.traced(body, rows: rows, cols: cols, x)
    var expected = x
    for r in 0..<rows {
      for c in 0..<8 {
        var sum: Float = 0
        for t in 0..<(cols / 8) { sum += x[r * cols + t * 8 + c] }
        expected[r * cols + c] = sum
      }
    }
    _ = expectClose(out, expected, shape: [rows, cols], rtol: 0, atol: 0)
    #expect(kinds == [.sequential])
  }

  @Test(
    "a body whose Python branches on the index is not rolled, and still runs per index",
    arguments: [(1, 16), (7, 48), (128, 24)])
  func branching(shape: (Int, Int)) throws {
    let (rows, cols) = shape
    let x = randomArray(count: rows * cols, in: -1...1, seed: 33)
    let body = """
          for t in nl.affine_range(cols // 8):
              y = nl.ndarray((rows, 8), dtype=x.dtype, buffer=nl.sbuf)
              tile = nl.ndarray((rows, 8), dtype=x.dtype, buffer=nl.sbuf)
              nisa.dma_copy(tile, x[0:rows, t * 8 : t * 8 + 8])
              if t % 2 == 0:
                  nisa.tensor_scalar(dst=y, data=tile, op0=nl.multiply, operand0=2.0)
              else:
                  nisa.tensor_scalar(dst=y, data=tile, op0=nl.add, operand0=1.0)
              nisa.dma_copy(dst=out[0:rows, t * 8 : t * 8 + 8], src=y)
      """
    let (out, loops) = try Self.run(body, rows: rows, cols: cols, x)
    _ = expectClose(
      out, Self.reference(x, rows: rows, cols: cols) { b, v in b % 2 == 0 ? v * 2 : v + 1 }, shape: [rows, cols],
      rtol: 0, atol: 0)
    #expect(loops == 0)
  }

  @Test(
    "a ragged last tile stays after the loop; the full tiles before it roll", arguments: [(1, 35), (7, 61), (128, 19)])
  func raggedLastTile(shape: (Int, Int)) throws {
    let (rows, cols) = shape
    let x = randomArray(count: rows * cols, in: -1...1, seed: 35)
    let body = """
          for t in nl.affine_range((cols + 7) // 8):
              w = min(8, cols - t * 8)
              tile = nl.ndarray((rows, w), dtype=x.dtype, buffer=nl.sbuf)
              nisa.dma_copy(dst=tile, src=x[0:rows, t * 8 : t * 8 + w])
              y = nl.ndarray((rows, w), dtype=x.dtype, buffer=nl.sbuf)
              nisa.tensor_scalar(dst=y, data=tile, op0=nl.multiply, operand0=2.0, op1=nl.add, operand1=1.0)
              nisa.dma_copy(dst=out[0:rows, t * 8 : t * 8 + w], src=y)
      """
    let (out, loops) = try Self.run(body, rows: rows, cols: cols, x)
    _ = expectClose(
      out, Self.reference(x, rows: rows, cols: cols) { _, v in v * 2 + 1 }, shape: [rows, cols], rtol: 0, atol: 0)
    #expect(loops == (cols / 8 >= 2 ? 1 : 0))
  }

  @Test("tiles kept in a Python list across iterations keep the loop unrolled", arguments: [1, 3, 128])
  func tilesInAList(rows: Int) throws {
    let cols = 32
    let x = randomArray(count: rows * cols, in: -1...1, seed: 34)
    let body = """
          kept = []
          for t in nl.affine_range(cols // 8):
              tile = nl.ndarray((rows, 8), dtype=x.dtype, buffer=nl.sbuf)
              nisa.dma_copy(dst=tile, src=x[0:rows, t * 8 : t * 8 + 8])
              kept.append(tile)
          for t in nl.static_range(cols // 8):
              nisa.dma_copy(dst=out[0:rows, t * 8 : t * 8 + 8], src=kept[cols // 8 - 1 - t])
      """
    let (out, loops) = try Self.run(body, rows: rows, cols: cols, x)
    let blocks = cols / 8
    var expected = x
    for r in 0..<rows {
      for c in 0..<cols { expected[r * cols + c] = x[r * cols + (blocks - 1 - c / 8) * 8 + c % 8] }
    }
    _ = expectClose(out, expected, shape: [rows, cols], rtol: 0, atol: 0)
    #expect(loops == 0)
  }
}
