import TesselDSL
import TesselHost
import TesselIR
import TesselTestSupport
import Testing

@Suite("The vocabulary computes what NKI computes (interpreted and eager)")
struct VocabularyRunTests {
  /// Runs a one-input `[p, f]` kernel whose body maps the loaded tile to a result tile, both ways.
  func run(
    _ x: [Float], _ shape: [Int], outShape: [Int]? = nil,
    _ body: @escaping @Sendable (Tile<SBUF>) -> Tile<SBUF>
  ) throws -> [Float] {
    let k = SwiftKernel(name: "op", parameters: [KernelParameter("x", shape: shape)]) { args in
      let out = output("out", shape: outShape ?? shape, dtype: .float32)
      store(out, value: body(load(args[0])))
    }
    let arg = try host(x, shape)
    let interpreted = try k.run([arg]).outputs[0].floatValues()
    let eager = try k.runEagerly([arg]).outputs[0].floatValues()
    #expect(interpreted == eager)
    return interpreted
  }

  let x: [Float] = (0..<(4 * 6)).map { Float($0) - 10 }

  @Test("elementwise ops with tiles and scalars, reversed scalars, comparisons")
  func elementwise() throws {
    let reversed: [Float] = x.map { 3 - $0 }
    #expect(try run(x, [4, 6]) { subtract(3, $0) } == reversed)
    let magnitudes: [Float] = x.map { Swift.abs($0) }
    let positive: [Float] = x.map { $0 > 0 ? 1 : 0 }
    let relu: [Float] = x.map { Swift.max($0, 0) }
    let affine: [Float] = x.map { ($0 + 1) * 2 }
    #expect(try run(x, [4, 6]) { maximum($0, multiply($0, -1)) } == magnitudes)
    #expect(try run(x, [4, 6]) { copy(greater($0, 0), dtype: .float32) } == positive)
    #expect(try run(x, [4, 6]) { select(less($0, 0), 0, .tile($0)) } == relu)
    #expect(try run(x, [4, 6]) { tensorScalar($0, op0: .add, operand0: 1, op1: .multiply, operand1: 2) } == affine)
    let largerMagnitude: [Float] = x.map { Swift.max(Swift.abs($0), 3) }
    let smallerMagnitude: [Float] = x.map { Swift.min(Swift.abs($0), Swift.abs(-$0 / 2)) }
    #expect(try run(x, [4, 6]) { absMax($0, -3) } == largerMagnitude)
    #expect(try run(x, [4, 6]) { absMin($0, multiply($0, -0.5)) } == smallerMagnitude)
  }

  @Test("reductions keep or drop dimensions, and broadcast back")
  func reductions() throws {
    let rowSums: [Float] = (0..<4).map { r in (0..<6).reduce(Float(0)) { $0 + x[r * 6 + $1] } }
    #expect(try run(x, [4, 6], outShape: [4, 1]) { sum($0, axes: [1], keepDims: true) } == rowSums)
    let centred: [Float] = (0..<24).map { i in x[i] - x[(i / 6) * 6 + 5] }
    #expect(try run(x, [4, 6]) { subtract($0, max($0, axes: [1], keepDims: true)) } == centred)
    let columnSums: [Float] = (0..<6).map { c in (0..<4).reduce(Float(0)) { $0 + x[$1 * 6 + c] } }
    #expect(try run(x, [4, 6], outShape: [1, 6]) { partitionReduce(.add, $0) } == columnSums)
    let m = try run(x, [4, 6], outShape: [4, 1]) { mean($0, axes: [1], keepDims: true) }
    #expect(zip(m, rowSums).allSatisfy { abs($0 - $1 / 6) < 1e-5 })
    let rows = (0..<4).map { r in Array(x[(r * 6)..<(r * 6 + 6)]) }
    let rowMins: [Float] = rows.map { $0.reduce(Float.infinity) { Swift.min($0, $1) } }
    let rowProducts: [Float] = rows.map { $0.reduce(Float(1), *) }
    let rowsAllNonzero: [Float] = rows.map { $0.allSatisfy { $0 != 0 } ? 1 : 0 }  // row 1 holds a 0
    #expect(try run(x, [4, 6], outShape: [4, 1]) { min($0, axes: [1], keepDims: true) } == rowMins)
    #expect(try run(x, [4, 6], outShape: [4, 1]) { prod($0, axes: [1], keepDims: true) } == rowProducts)
    #expect(try run(x, [4, 6], outShape: [4, 1]) { all($0, axes: [1], keepDims: true) } == rowsAllNonzero)
  }

  @Test("iota, affine_select and a scan")
  func gpsimdAndScan() throws {
    let iotaValues: [Float] = (0..<24).map { i in Float((i / 6) * 10 + i % 6) }
    let lower: [Float] = (0..<24).map { i in i / 6 >= i % 6 ? x[i] : -1 }
    let p = GridIndex.partition
    let f = GridIndex.free
    #expect(try run(x, [4, 6]) { _ in iota(p * 10 + f, shape: [4, 6], dtype: .float32) } == iotaValues)
    #expect(try run(x, [4, 6]) { affineSelect(p >= f, onTrue: $0, onFalse: -1) } == lower)
    let ones = [Float](repeating: 1, count: 24)
    let scanned = try run(ones, [4, 6]) { tensorTensorScan($0, $0, initial: 0, op0: .multiply, op1: .add) }
    #expect(scanned == referenceScan(a: ones, b: ones, rows: 4, cols: 6))
  }

  @Test("activation with scale, bias and a reduction; transposes; loadTranspose and dmaCopy")
  func activationAndMovement() throws {
    let y = try run(x, [4, 6]) { t in
      let bias = full([4, 1], 0.5, dtype: .float32, buffer: SBUF.self)
      return activation(.copy, t, scale: 2, bias: bias)
    }
    let scaled: [Float] = x.map { $0 * 2 + 0.5 }
    #expect(y == scaled)
    let sums = try run(x, [4, 6], outShape: [4, 1]) { t in
      let r = ndarray([4, 1], dtype: .float32)
      activation(.copy, t, reduceInto: r)
      return r
    }
    let rowSums: [Float] = (0..<4).map { r in (0..<6).reduce(Float(0)) { $0 + x[r * 6 + $1] } }
    #expect(sums == rowSums)
    #expect(try run(x, [4, 6], outShape: [6, 4]) { copy(transpose($0)) } == referenceTranspose(x, rows: 4, cols: 6))
    #expect(
      try run(x, [4, 6], outShape: [6, 4]) { transposeOnVectorEngine($0) } == referenceTranspose(x, rows: 4, cols: 6))

    let k = SwiftKernel(name: "dma", parameters: [KernelParameter("x", shape: [4, 6])]) { args in
      let out = output("out", shape: [6, 4], dtype: .float32)
      let copyOut = output("copy", shape: [4, 6], dtype: .float32)
      store(out, value: loadTranspose(args[0]))
      dmaCopy(dst: copyOut, src: args[0])
    }
    let r = try k.run([try host(x, [4, 6])])
    #expect(r.outputs[0].floatValues() == referenceTranspose(x, rows: 4, cols: 6))
    #expect(r.outputs[1].floatValues() == x)
    let e = try k.runEagerly([try host(x, [4, 6])])
    #expect(e.outputs == r.outputs)
  }

  @Test("bn_stats and bn_aggr give the mean and the population variance")
  func batchNormStats() throws {
    let mv = try run(x, [4, 6], outShape: [4, 2]) { bnAggr(bnStats($0, dtype: .float32)) }
    for r in 0..<4 {
      let row = x[(r * 6)..<(r * 6 + 6)]
      let mean = row.reduce(0, +) / 6
      let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 6
      #expect(abs(mv[r * 2] - mean) < 1e-4 && abs(mv[r * 2 + 1] - variance) < 1e-3)
    }
  }
}
