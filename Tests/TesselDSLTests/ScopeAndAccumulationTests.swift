import TesselDSL
import TesselHost
import TesselIR
import TesselTestSupport
import Testing

/// Two NKI rules the DSL shares with the NKI front end, in the recorded and the eager mode.
///
/// A tile declared in a loop body is local to that body, and `psum += matmul(...)` into a tile
/// only matmuls wrote opens an accumulation group.
@Suite("DSL loop-body scope and PSUM accumulation groups")
struct ScopeAndAccumulationTests {
  /// The error of building `kernel`, and the error of running it eagerly, on `inputs`.
  func errors(_ kernel: SwiftKernel, _ inputs: [[Float]]) -> (built: KernelError?, eager: KernelError?) {
    var built: KernelError?
    var eager: KernelError?
    do { _ = try kernel.build(target: .trn2) } catch { built = error }
    do {
      let args = try zip(inputs, kernel.parameters).map { try host($0, $1.shape, $1.dtype) }
      _ = try kernel.runEagerly(args, target: .trn2)
    } catch {
      eager = error as? KernelError
    }
    return (built, eager)
  }

  /// Expects `error` to be the out-of-scope error at `line` of this file.
  func expectOutOfScope(_ error: KernelError?, line: Int, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    #expect(error?.location.file == "TesselDSLTests/ScopeAndAccumulationTests.swift", sourceLocation: sourceLocation)
    #expect(error?.location.line == line, sourceLocation: sourceLocation)
    #expect(
      error?.message.hasPrefix("Local variable '") == true
        && error?.message.contains("is referenced outside of its parent scope") == true,
      "\(String(describing: error))", sourceLocation: sourceLocation)
  }

  @Test("a tile made in an affineRange body and used after the loop is a located error in both modes")
  func tileUsedAfterAffineLoop() {
    let line = #line + 8
    let k = SwiftKernel(name: "leak", KernelParameter("x", shape: [512, 64])) { x in
      let out = output("out", shape: [128, 64], dtype: .float32)
      var last: Tile<SBUF>?
      affineRange(4) { i in
        let t = load(x[i * 128 ..+ 128, 0...])
        last = t
      }
      if let last { store(out, value: exp(last)) }
    }
    let (built, eager) = errors(k, [uniform(512 * 64, seed: 1)])
    expectOutOfScope(built, line: line)
    expectOutOfScope(eager, line: line)
    #expect(
      built?.message.contains("declared in a loop body (at TesselDSLTests/ScopeAndAccumulationTests.swift:") == true)
  }

  @Test("a tile of an inner loop used in the outer body after the inner loop is a located error")
  func tileUsedAfterInnerLoop() {
    let line = #line + 8
    let k = SwiftKernel(name: "leak_inner", KernelParameter("x", shape: [512, 64])) { x in
      let out = output("out", shape: [256, 64], dtype: .float32)
      affineRange(2) { i in
        var last: Tile<SBUF>?
        sequentialRange(2) { j in
          last = load(x[i * 256 + j * 128 ..+ 128, 0...])
        }
        if let last { store(out[i * 128 ..+ 128, 0...], value: last) }
      }
    }
    let (built, eager) = errors(k, [uniform(512 * 64, seed: 2)])
    expectOutOfScope(built, line: line)
    expectOutOfScope(eager, line: line)
  }

  @Test("a running result carried across sequentialRange iterations in a Swift variable is refused")
  func runningTileAcrossIterations() {
    let carried = #line + 7
    let after = #line + 8
    let k = SwiftKernel(name: "running_max", KernelParameter("x", shape: [512, 64])) { x in
      let out = output("out", shape: [128, 64], dtype: .float32)
      var acc: Tile<SBUF>?
      sequentialRange(4) { i in
        let t = load(x[i * 128 ..+ 128, 0...])
        acc = acc.map { maximum($0, t) } ?? t
      }
      if let acc { store(out, value: acc) }
    }
    let (built, eager) = errors(k, [uniform(512 * 64, seed: 3)])
    // Recorded, the body runs once: the tile escapes to the store after the loop. Eagerly, the
    // second iteration already uses the first one's tile.
    expectOutOfScope(built, line: after)
    expectOutOfScope(eager, line: carried)
  }

  @Test(
    "a tile declared before a loop, written in it and read after it runs (plain-loop reference)",
    arguments: [(1, 5), (7, 64), (128, 33)])
  func tileDeclaredOutsideLoop(rows: Int, cols: Int) throws {
    let k = SwiftKernel(name: "max_rows", KernelParameter("x", shape: [4 * rows, cols])) { x in
      let out = output("out", shape: [rows, cols], dtype: .float32)
      let acc = ndarray([rows, cols], dtype: .float32)
      dmaCopy(dst: acc, src: x[0..<rows, 0...])
      sequentialRange(1..<4) { i in
        let t = load(x[i * rows ..+ rows, 0...])
        tensorTensor(into: acc, acc, t, op: .maximum)
      }
      store(out, value: acc)
    }
    let x = uniform(4 * rows * cols, seed: UInt64(rows))
    var expected = Array(x[0..<(rows * cols)])
    for i in 1..<4 {
      for e in 0..<(rows * cols) { expected[e] = Swift.max(expected[e], x[i * rows * cols + e]) }
    }
    let input = try host(x, [4 * rows, cols])
    let recorded = try k.run([input], target: .trn2)
    let eager = try k.runEagerly([input], target: .trn2)
    #expect(recorded.outputs[0].floatValues() == expected)
    #expect(eager.outputs[0].floatValues() == expected)
    #expect(expectNoWarnings(recorded.report))
    #expect(expectNoWarnings(eager.report))
  }

  /// `Σ_k a_k.T @ b_k` with `a` `[kTiles * kRows, m]` and `b` `[kTiles * kRows, n]`, plus `initial`.
  func matmulSum(_ a: [Float], _ b: [Float], kTiles: Int, kRows: Int, m: Int, n: Int, initial: Float) -> [Float] {
    var out = [Double](repeating: Double(initial), count: m * n)
    for r in 0..<(kTiles * kRows) {
      for i in 0..<m {
        for j in 0..<n { out[i * n + j] += Double(a[r * m + i]) * Double(b[r * n + j]) }
      }
    }
    return out.map { Float($0) }
  }

  /// A kernel summing `a_k.T @ b_k` over `kTiles` contraction tiles with `+=` into a PSUM tile
  /// made by `make`.
  func accumulating(
    kTiles: Int, kRows: Int, m: Int, n: Int, make: @escaping @Sendable ([Int]) -> Tile<PSUM>
  ) -> SwiftKernel {
    SwiftKernel(
      name: "k_loop", KernelParameter("a", shape: [kTiles * kRows, m]),
      KernelParameter("b", shape: [kTiles * kRows, n])
    ) { a, b in
      let out = output("out", shape: [m, n], dtype: .float32)
      let acc = make([m, n])
      sequentialRange(kTiles) { k in
        acc += matmul(load(a[k * kRows ..+ kRows, 0...]), load(b[k * kRows ..+ kRows, 0...]))
      }
      store(out, value: copy(acc))
    }
  }

  @Test(
    "psum += matmul into a fresh ndarray PSUM tile: the first product overwrites, the rest add",
    arguments: [(1, 7, 1, 5), (3, 128, 7, 64), (2, 7, 128, 512)])
  func accumulationGroupIntoFreshTile(kTiles: Int, kRows: Int, m: Int, n: Int) throws {
    let k = accumulating(kTiles: kTiles, kRows: kRows, m: m, n: n) { ndarray($0, dtype: .float32) }
    let a = uniform(kTiles * kRows * m, seed: 5)
    let b = uniform(kTiles * kRows * n, seed: 6)
    let expected = matmulSum(a, b, kTiles: kTiles, kRows: kRows, m: m, n: n, initial: 0)
    let inputs = [try host(a, [kTiles * kRows, m]), try host(b, [kTiles * kRows, n])]
    let recorded = try k.run(inputs, target: .trn2)
    let eager = try k.runEagerly(inputs, target: .trn2)
    expectClose(recorded.outputs[0].floatValues(), expected, shape: [m, n], rtol: 1e-4, atol: 1e-4)
    expectClose(eager.outputs[0].floatValues(), expected, shape: [m, n], rtol: 1e-4, atol: 1e-4)
    #expect(expectNoWarnings(recorded.report))
    #expect(expectNoWarnings(eager.report))
    let accumulations = try k.build(target: .trn2).instructions.compactMap { inst -> Accumulation? in
      if case .matmul(let m) = inst.operation { return m.accumulation }
      return nil
    }
    #expect(accumulations == [.auto])
  }

  @Test("psum += matmul into a tile full() or zeros() set adds every product to what it holds")
  func accumulateIntoSetTile() throws {
    let (kTiles, kRows, m, n) = (2, 128, 7, 33)
    let a = uniform(kTiles * kRows * m, seed: 7)
    let b = uniform(kTiles * kRows * n, seed: 8)
    let inputs = [try host(a, [kTiles * kRows, m]), try host(b, [kTiles * kRows, n])]
    for initial: Float in [0, 0.5] {
      let k = accumulating(kTiles: kTiles, kRows: kRows, m: m, n: n) { full($0, initial, dtype: .float32) }
      let expected = matmulSum(a, b, kTiles: kTiles, kRows: kRows, m: m, n: n, initial: initial)
      expectClose(
        try k.run(inputs, target: .trn2).outputs[0].floatValues(), expected, shape: [m, n], rtol: 1e-4, atol: 1e-4)
      expectClose(
        try k.runEagerly(inputs, target: .trn2).outputs[0].floatValues(), expected, shape: [m, n], rtol: 1e-4,
        atol: 1e-4)
    }
  }

  @Test("matmul(into:, accumulation: .add) into a never-written tile still warns at the call")
  func explicitAddIntoFreshTileWarns() throws {
    let line = #line + 6
    let k = SwiftKernel(
      name: "add_fresh", KernelParameter("a", shape: [128, 128]), KernelParameter("b", shape: [128, 64])
    ) { a, b in
      let out = output("out", shape: [128, 64], dtype: .float32)
      let acc: Tile<PSUM> = ndarray([128, 64], dtype: .float32)
      matmul(into: acc, load(a), load(b), accumulation: .add)
      store(out, value: copy(acc))
    }
    let inputs = [
      try host(uniform(128 * 128, seed: 9), [128, 128]), try host(uniform(128 * 64, seed: 10), [128, 64]),
    ]
    let report = try k.run(inputs, target: .trn2).report
    let first = report.warnings.first
    #expect(first?.location?.line == line)
    #expect(first?.message.contains("'nc_matmul' accumulates into 8192 of 8192 elements") == true)
  }
}
