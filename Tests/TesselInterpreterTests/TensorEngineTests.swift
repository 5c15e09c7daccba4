import TesselIR
import TesselInterpreter
import TesselNumerics
import TesselTestSupportCore
import Testing

@Suite("Tensor engine, reductions, scans and structured loops")
struct TensorEngineTests {
  /// stationary[K, M]ᵀ · moving[K, N] as a plain triple loop in Double.
  func refMatmul(_ s: [Float], _ m: [Float], K: Int, M: Int, N: Int) -> [Float] {
    var out = Array(repeating: Float(0), count: M * N)
    for i in 0..<M {
      for j in 0..<N {
        var acc: Double = 0
        for k in 0..<K { acc += Double(s[k * M + i]) * Double(m[k * N + j]) }
        out[i * N + j] = Float(acc)
      }
    }
    return out
  }

  @Test(
    "nc_matmul over swept K, M, N and operand dtypes",
    arguments: [(1, 1, 1), (7, 5, 3), (128, 128, 512), (64, 7, 33), (128, 1, 512)], [DType.float32, .bfloat16])
  func matmul(dims: (Int, Int, Int), dtype: DType) throws {
    let (K, M, N) = dims
    var k = TileKernel()
    let s = k.input("s", [K, M], dtype)
    let m = k.input("m", [K, N], dtype)
    let ts = k.tile("ts", [K, M], dtype)
    let tm = k.tile("tm", [K, N], dtype)
    let ps = k.tile("ps", [M, N], .float32, space: .psum)
    let out = k.output("out", [M, N])
    k.load(ts, s)
    k.load(tm, m)
    k.b.emit(.matmul(dst: k.whole(ps), stationary: k.whole(ts), moving: k.whole(tm), accumulation: .overwrite))
    k.store(out, ps)
    var rng = SeededGenerator(seed: UInt64(K * 1000 + M * 10 + N))
    let sv = rng.array(K * M).map { refRound($0, dtype) }
    let mv = rng.array(K * N).map { refRound($0, dtype) }
    let r = try k.run([out], [sv, mv])
    let e = refMatmul(sv, mv, K: K, M: M, N: N)
    for i in 0..<(M * N) {
      #expect(abs(r.outputs[0][i] - e[i]) <= 1e-4 * Float(K), "at \(i): \(r.outputs[0][i]) vs \(e[i])")
    }
    #expect(r.report.engines[.tensor]?.flops == 2 * K * M * N)
  }

  @Test(
    "a matmul that adds into never-written PSUM reports the read; an accumulation group's first write does not read")
  func accumulateIntoNeverWritten() throws {
    for mode in [Accumulation.add, .auto, .overwrite] {
      let K = 16
      let M = 8
      let N = 12
      var k = TileKernel()
      let ps = k.tile("ps", [M, N], .float32, space: .psum)
      let (ts, tm) = (k.tile("ts", [K, M]), k.tile("tm", [K, N]))
      for (tile, input) in [(ts, k.input("s", [K, M])), (tm, k.input("m", [K, N]))] { k.load(tile, input) }
      let out = k.output("out", [M, N])
      k.b.emit(.matmul(dst: k.whole(ps), stationary: k.whole(ts), moving: k.whole(tm), accumulation: mode))
      k.store(out, ps)
      var rng = SeededGenerator(seed: 9)
      let sv = rng.array(K * M)
      let mv = rng.array(K * N)
      let r = try k.run([out], [sv, mv])
      let reads = r.report.warnings.map(\.message).filter { $0.contains("never written") && !$0.hasPrefix("output") }
      if mode == .add {
        #expect(
          reads == ["'nc_matmul' accumulates into 96 of 96 elements of `ps` (operand 'dst') that were never written"])
        let numbers = r.outputs[0].filter { !$0.isNaN }.count
        #expect(numbers == 0, "never-written plus a product is not a number")
      } else {
        #expect(reads.isEmpty, "\(mode)")
        let e = refMatmul(sv, mv, K: K, M: M, N: N)
        for i in 0..<(M * N) { #expect(abs(r.outputs[0][i] - e[i]) <= 1e-4 * Float(K), "\(mode) at \(i)") }
      }
    }
  }

  @Test("PSUM accumulation groups: auto overwrites first, then adds; add and overwrite modes")
  func accumulation() throws {
    for mode in [Accumulation.auto, .add, .overwrite] {
      let K = 32
      let M = 16
      let N = 24
      let tiles = 4
      var k = TileKernel()
      let s = k.input("s", [K * tiles, M])
      let m = k.input("m", [K * tiles, N])
      let ts = k.tile("ts", [K, M])
      let tm = k.tile("tm", [K, N])
      let ps = k.tile("ps", [M, N], .float32, space: .psum)
      let out = k.output("out", [M, N])
      if mode == .add { k.b.emit(.memset(dst: k.whole(ps), value: 0)) }
      let i = k.b.beginLoop(name: "i", kind: .affine, stop: tiles)
      k.b.emit(
        .load(
          dst: k.whole(ts),
          src: View(
            tensor: s, start: [AffineExpr(i) * K, 0], dims: [.along(0, of: 2, count: K), .along(1, of: 2, count: M)])))
      k.b.emit(
        .load(
          dst: k.whole(tm),
          src: View(
            tensor: m, start: [AffineExpr(i) * K, 0], dims: [.along(0, of: 2, count: K), .along(1, of: 2, count: N)])))
      k.b.emit(.matmul(dst: k.whole(ps), stationary: k.whole(ts), moving: k.whole(tm), accumulation: mode))
      try k.b.endLoop()
      k.store(out, ps)
      var rng = SeededGenerator(seed: 5)
      let sv = rng.array(K * tiles * M)
      let mv = rng.array(K * tiles * N)
      let r = try k.run([out], [sv, mv])
      // auto and add: the full product; overwrite: only the last K-tile's product.
      let e: [Float]
      if mode == .overwrite {
        e = refMatmul(Array(sv[(K * (tiles - 1) * M)...]), Array(mv[(K * (tiles - 1) * N)...]), K: K, M: M, N: N)
      } else {
        e = refMatmul(sv, mv, K: K * tiles, M: M, N: N)
      }
      for j in 0..<(M * N) { #expect(abs(r.outputs[0][j] - e[j]) <= 1e-3, "\(mode) at \(j)") }
    }
  }

  @Test("auto accumulation restarts for a PSUM tile declared inside an outer loop")
  func accumulationRestartsPerIteration() throws {
    let K = 16
    let M = 8
    let N = 8
    let blocks = 3
    var k = TileKernel()
    let s = k.input("s", [K, M])
    let m = k.input("m", [K, N * blocks])
    let out = k.output("out", [M, N * blocks])
    let ts = k.tile("ts", [K, M])
    k.load(ts, s)
    let j = k.b.beginLoop(name: "j", kind: .affine, stop: blocks)
    let ps = k.tile("ps", [M, N], .float32, space: .psum)
    let tm = k.tile("tm", [K, N])
    let sb = k.tile("sb", [M, N])
    k.b.emit(
      .load(
        dst: k.whole(tm),
        src: View(
          tensor: m, start: [0, AffineExpr(j) * N], dims: [.along(0, of: 2, count: K), .along(1, of: 2, count: N)])))
    k.b.emit(.matmul(dst: k.whole(ps), stationary: k.whole(ts), moving: k.whole(tm), accumulation: .auto))
    k.b.emit(.tensorCopy(dst: k.whole(sb), src: k.whole(ps)))
    k.b.emit(
      .store(
        dst: View(
          tensor: out, start: [0, AffineExpr(j) * N], dims: [.along(0, of: 2, count: M), .along(1, of: 2, count: N)]),
        src: k.whole(sb)))
    try k.b.endLoop()
    var rng = SeededGenerator(seed: 12)
    let sv = rng.array(K * M)
    let mv = rng.array(K * N * blocks)
    let r = try k.run([out], [sv, mv])
    let e = refMatmul(sv, mv, K: K, M: M, N: N * blocks)
    for i in 0..<(M * N * blocks) { #expect(abs(r.outputs[0][i] - e[i]) <= 1e-4, "at \(i)") }
  }

  @Test("nc_transpose on the Tensor and Vector engines", arguments: [(1, 1), (7, 5), (32, 32), (128, 96)])
  func transpose(shape: (Int, Int)) throws {
    let (p, f) = shape
    for engine in [Engine.tensor, .vector] where engine == .tensor || (p <= 32 && f <= 32) {
      var k = TileKernel()
      let a = k.input("a", [p, f])
      let ta = k.tile("ta", [p, f])
      let tt = k.tile("tt", [f, p], .float32, space: engine == .tensor ? .psum : .sbuf)
      let out = k.output("out", [f, p])
      k.load(ta, a)
      k.b.emit(.transpose(dst: k.whole(tt), src: k.whole(ta)), engine: engine)
      k.store(out, tt)
      var rng = SeededGenerator(seed: 9)
      let av = rng.array(p * f)
      let r = try k.run([out], [av])
      for i in 0..<p { for j in 0..<f { #expect(r.outputs[0][j * p + i] == av[i * f + j]) } }
    }
  }

  @Test(
    "tensor_reduce over trailing, middle and several axes, with negate",
    arguments: [ALUOp.add, .maximum, .minimum, .multiply])
  func tensorReduce(op: ALUOp) throws {
    let shape = [7, 3, 5]
    for axes in [[2], [1], [1, 2]] {
      var k = TileKernel()
      let a = k.input("a", shape)
      let ta = k.tile("ta", shape)
      let kept = shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
      let tr = k.tile("tr", kept)
      let out = k.output("out", kept)
      k.load(ta, a)
      k.b.emit(.tensorReduce(dst: k.whole(tr), src: k.whole(ta), op: op, axes: axes, negate: true))
      k.store(out, tr)
      var rng = SeededGenerator(seed: 2)
      let av = rng.array(105, 0.5, 1.5)
      let r = try k.run([out], [av])
      var expected: [Float] = []
      for p in 0..<7 {
        if axes == [2] {
          for x in 0..<3 {
            var acc: Double = op == .multiply ? 1 : (op == .add ? 0 : (op == .maximum ? -1e9 : 1e9))
            for y in 0..<5 {
              let v = Double(av[p * 15 + x * 5 + y])
              acc = op == .add ? acc + v : op == .multiply ? acc * v : op == .maximum ? max(acc, v) : min(acc, v)
            }
            expected.append(Float(-acc))
          }
        } else if axes == [1] {
          for y in 0..<5 {
            var acc: Double = op == .multiply ? 1 : (op == .add ? 0 : (op == .maximum ? -1e9 : 1e9))
            for x in 0..<3 {
              let v = Double(av[p * 15 + x * 5 + y])
              acc = op == .add ? acc + v : op == .multiply ? acc * v : op == .maximum ? max(acc, v) : min(acc, v)
            }
            expected.append(Float(-acc))
          }
        } else {
          var acc: Double = op == .multiply ? 1 : (op == .add ? 0 : (op == .maximum ? -1e9 : 1e9))
          for x in 0..<15 {
            let v = Double(av[p * 15 + x])
            acc = op == .add ? acc + v : op == .multiply ? acc * v : op == .maximum ? max(acc, v) : min(acc, v)
          }
          expected.append(Float(-acc))
        }
      }
      for i in expected.indices {
        #expect(abs(r.outputs[0][i] - expected[i]) <= 1e-5 * max(1, abs(expected[i])), "\(op) \(axes) at \(i)")
      }
    }
  }

  @Test("tensor_tensor_scan, tensor_partition_reduce, bn_stats + bn_aggr")
  func scansAndStats() throws {
    let p = 7
    let f = 40
    var k = TileKernel()
    let a = k.input("a", [p, f])
    let b = k.input("b", [p, f])
    let ta = k.tile("ta", [p, f])
    let tb = k.tile("tb", [p, f])
    let sc = k.tile("sc", [p, f])
    let pr = k.tile("pr", [1, f])
    let st = k.tile("st", [p, 12])
    let ag = k.tile("ag", [p, 2])
    let o1 = k.output("o1", [p, f])
    let o2 = k.output("o2", [1, f])
    let o3 = k.output("o3", [p, 2])
    k.load(ta, a)
    k.load(tb, b)
    k.b.emit(
      .tensorTensorScan(
        dst: k.whole(sc), data0: k.whole(ta), data1: k.whole(tb), initial: .scalar(0.5), op0: .multiply, op1: .add))
    k.b.emit(.tensorPartitionReduce(dst: k.whole(pr), src: k.whole(ta), op: .add))
    // bn_stats on two halves of the free dimension, then aggregate.
    for h in 0..<2 {
      k.b.emit(
        .bnStats(
          dst: View(
            tensor: st, start: [0, AffineExpr(constant: 6 * h)],
            dims: [.along(0, of: 2, count: p), .along(1, of: 2, count: 6)]),
          src: View(
            tensor: ta, start: [0, AffineExpr(constant: 20 * h)],
            dims: [.along(0, of: 2, count: p), .along(1, of: 2, count: 20)])))
    }
    k.b.emit(.bnAggr(dst: k.whole(ag), src: k.whole(st)))
    k.store(o1, sc)
    k.store(o2, pr)
    k.store(o3, ag)
    var rng = SeededGenerator(seed: 4)
    let av = rng.array(p * f, -1, 1)
    let bv = rng.array(p * f, -1, 1)
    let r = try k.run([o1, o2, o3], [av, bv])
    for i in 0..<p {
      var state: Float = 0.5
      var sum: Double = 0
      for j in 0..<f {
        state = av[i * f + j] * state + bv[i * f + j]
        #expect(abs(r.outputs[0][i * f + j] - state) <= 1e-5)
        sum += Double(av[i * f + j])
      }
      let mean = sum / Double(f)
      var v: Double = 0
      for j in 0..<f { v += (Double(av[i * f + j]) - mean) * (Double(av[i * f + j]) - mean) }
      v /= Double(f)
      #expect(abs(Double(r.outputs[2][i * 2]) - mean) <= 1e-5)
      #expect(abs(Double(r.outputs[2][i * 2 + 1]) - v) <= 1e-5)
    }
    for j in 0..<f {
      var s: Float = 0
      for i in 0..<p { s += av[i * f + j] }
      #expect(abs(r.outputs[1][j] - s) <= 1e-5)
    }
  }

  @Test("bn_stats under a mask: every element kept, or the first columns only", arguments: [40, 40 - 7, 1])
  func maskedBNStats(keep: Int) throws {
    let p = 7
    let f = 40
    var k = TileKernel()
    let a = k.input("a", [p, f])
    let ta = k.tile("ta", [p, f])
    let st = k.tile("st", [p, 6])
    let o = k.output("o", [p, 6])
    k.load(ta, a)
    k.b.emit(
      .bnStats(dst: k.whole(st), src: k.whole(ta)),
      mask: [AffineCondition(coefficients: [0, 1], offset: AffineExpr(constant: -keep), comparison: .less)])
    k.store(o, st)
    var rng = SeededGenerator(seed: 11)
    let av = rng.array(p * f, -1, 1)
    let r = try k.run([o], [av])
    // Per half (even and odd columns below `keep`): the count, the mean, the sum of squared deviations.
    for i in 0..<p {
      for half in 0..<2 {
        let xs = stride(from: half, to: keep, by: 2).map { Double(av[i * f + $0]) }
        let mean = xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count)
        let m2 = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        #expect(r.outputs[0][i * 6 + half * 3] == Float(xs.count))
        #expect(abs(Double(r.outputs[0][i * 6 + half * 3 + 1]) - mean) <= 1e-6)
        #expect(abs(Double(r.outputs[0][i * 6 + half * 3 + 2]) - m2) <= 1e-5)
      }
    }
  }

  @Test("iota, affine_select (causal mask) and where")
  func iotaSelect() throws {
    let p = 7
    let f = 9
    var k = TileKernel()
    let a = k.input("a", [p, f])
    let ta = k.tile("ta", [p, f])
    let io = k.tile("io", [p, f], .int32)
    let sel = k.tile("sel", [p, f])
    let w = k.tile("w", [p, f])
    let o1 = k.output("o1", [p, f], .int32)
    let o2 = k.output("o2", [p, f])
    let o3 = k.output("o3", [p, f])
    k.load(ta, a)
    k.b.emit(
      .iota(dst: k.whole(io), expression: AffineCondition(coefficients: [10, 1], offset: 3, comparison: .equal)))
    // Keep where p - f >= 0 (lower triangle), else -inf.
    k.b.emit(
      .affineSelect(
        dst: k.whole(sel), predicate: AffineCondition(coefficients: [1, -1], offset: 0, comparison: .greaterEqual),
        onTrue: k.whole(ta), onFalse: -.infinity))
    k.b.emit(.select(dst: k.whole(w), predicate: k.whole(ta), onTrue: .scalar(1), onFalse: .view(k.whole(ta))))
    k.store(o1, io)
    k.store(o2, sel)
    k.store(o3, w)
    var rng = SeededGenerator(seed: 8)
    var av = rng.array(p * f)
    av[3] = 0
    let r = try k.run([o1, o2, o3], [av])
    for i in 0..<p {
      for j in 0..<f {
        #expect(r.outputs[0][i * f + j] == Float(10 * i + j + 3))
        #expect(r.outputs[1][i * f + j] == (i - j >= 0 ? av[i * f + j] : -.infinity))
        #expect(r.outputs[2][i * f + j] == (av[i * f + j] != 0 ? 1 : 0))
      }
    }
  }

  @Test("masked loads of a ragged last tile, with loop-carried offsets, and SPMD program ids")
  func maskedTiles() throws {
    let rows = 300
    let cols = 50
    var k = TileKernel()
    let a = k.input("a", [rows, cols])
    let out = k.output("out", [rows, cols])
    let tiles = (rows + 127) / 128
    let i = k.b.beginLoop(name: "i", kind: .affine, stop: tiles)
    let t = k.tile("t", [128, cols])
    // mask: 128*i + p < rows  ⇔  rows - 1 - 128*i - p >= 0
    let mask = [
      AffineCondition(
        coefficients: [-1, 0], offset: AffineExpr(constant: rows - 1) - AffineExpr(i) * 128, comparison: .greaterEqual)
    ]
    let hbm = View(
      tensor: a, start: [AffineExpr(i) * 128, 0], dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: cols)])
    let hbmOut = View(
      tensor: out, start: [AffineExpr(i) * 128, 0], dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: cols)])
    k.b.emit(.load(dst: k.whole(t), src: hbm), mask: mask)
    k.b.emit(
      .tensorScalar(
        dst: k.whole(t), src: k.whole(t), op0: .multiply, operand0: .scalar(2), reverse0: false, op1: nil,
        operand1: nil, reverse1: false), mask: mask)
    k.b.emit(.store(dst: hbmOut, src: k.whole(t)), mask: mask)
    try k.b.endLoop()
    var rng = SeededGenerator(seed: 1)
    let av = rng.array(rows * cols)
    let r = try k.run([out], [av])
    for i in 0..<(rows * cols) { #expect(r.outputs[0][i] == av[i] * 2) }
    #expect(r.report.warnings.isEmpty, "\(r.report.warnings)")
    #expect(r.report.engines[.dma]?.instructions == 2 * tiles)
  }

  @Test("SPMD grid: each program instance adds its own tile")
  func spmd() throws {
    var b = KernelBuilder(name: "spmd_add")
    let a = b.addParameter(name: "a", shape: [4 * 8, 6], dtype: .float32)
    let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [4 * 8, 6], dtype: .float32)
    let p0 = b.programID(axis: 0)
    let p1 = b.programID(axis: 1)
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [8, 6], dtype: .float32)
    let start: [AffineExpr] = [AffineExpr(p0) * 16 + AffineExpr(p1) * 8, 0]
    let dims: [View.Dim] = [.along(0, of: 2, count: 8), .along(1, of: 2, count: 6)]
    b.emit(.load(dst: .whole(t, shape: [8, 6]), src: View(tensor: a, start: start, dims: dims)))
    b.emit(
      .tensorScalar(
        dst: .whole(t, shape: [8, 6]), src: .whole(t, shape: [8, 6]), op0: .add, operand0: .scalar(1), reverse0: false,
        op1: nil, operand1: nil, reverse1: false))
    b.emit(.store(dst: View(tensor: out, start: start, dims: dims), src: .whole(t, shape: [8, 6])))
    b.setOutputs([out])
    b.setGrid([2, 2])
    let k = try b.finish(target: .trn1)
    let av = (0..<(32 * 6)).map { Float($0) }
    let r = try Interpreter(kernel: k, options: RunOptions(target: .trn1)).run([av])
    for i in 0..<(32 * 6) { #expect(r.outputs[0][i] == av[i] + 1) }
  }
}
