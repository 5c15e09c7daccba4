import TesselIR
import TesselInterpreter
import Testing

/// `c0·p + c1·f + k >= 0` over a `[P, F]` iteration space.
private func atLeast(_ c0: Int, _ c1: Int, _ k: Int) -> AffineCondition {
  AffineCondition(coefficients: [c0, c1], offset: AffineExpr(constant: k), comparison: .greaterEqual)
}

/// `c0·p + c1·f + k == 0` over a `[P, F]` iteration space.
private func equal(_ c0: Int, _ c1: Int, _ k: Int) -> AffineCondition {
  AffineCondition(coefficients: [c0, c1], offset: AffineExpr(constant: k), comparison: .equal)
}

extension TileKernel {
  /// Loads every element of `dst` from `src` but those `skip` names, in masked loads of row and
  /// column ranges: rows to skip (`rows`), or columns (`columns`), or one element (both).
  mutating func load(_ dst: TensorID, _ src: TensorID, skippingRow row: Int? = nil, column: Int? = nil) {
    var masks: [[AffineCondition]] = []
    switch (row, column) {
    case (let r?, let c?):
      masks = [
        [atLeast(-1, 0, r - 1)], [atLeast(1, 0, -r - 1)],
        [equal(1, 0, -r), atLeast(0, -1, c - 1)], [equal(1, 0, -r), atLeast(0, 1, -c - 1)],
      ]
    case (let r?, nil): masks = [[atLeast(-1, 0, r - 1)], [atLeast(1, 0, -r - 1)]]
    case (nil, let c?): masks = [[atLeast(0, -1, c - 1)], [atLeast(0, 1, -c - 1)]]
    case (nil, nil): masks = [[]]
    }
    for m in masks { b.emit(.load(dst: whole(dst), src: whole(src)), mask: m) }
  }
}

/// Origins by "output <- operation tensor.operand", each the set of output elements (row-major).
func originSets(_ report: RunReport) -> [String: Set<Int>] {
  var out: [String: Set<Int>] = [:]
  for o in report.uninitializedOrigins {
    let key = "\(o.output) <- \(o.read.operation) \(o.read.tensor).\(o.read.operand)"
    #expect(out[key] == nil, "two origins with the key \(key)")
    out[key] = Set(o.elements)
  }
  return out
}

/// The elements `(i, j)` of a `[rows, cols]` tensor for which `keep` holds, row-major.
func elements(_ rows: Int, _ cols: Int, where keep: (Int, Int) -> Bool) -> Set<Int> {
  var s = Set<Int>()
  for i in 0..<rows { for j in 0..<cols where keep(i, j) { s.insert(i * cols + j) } }
  return s
}

/// Every operation propagates the shadow of never-written elements along its own data flow; each
/// test computes the expected output elements with plain loops over the operation's definition.
@Suite("Origins of values computed from never-written memory")
struct UninitializedOriginTests {
  @Test(
    "transpose moves an unwritten column to a row (Vector and Tensor engines)", arguments: [Engine.vector, .tensor])
  func transpose(engine: Engine) throws {
    var k = TileKernel()
    let a = k.input("a", [8, 16])
    let out = k.output("out", [16, 8])
    let t = k.tile("t", [8, 16])
    k.load(t, a, column: 5)
    let u = k.tile("u", [16, 8], space: engine == .tensor ? .psum : .sbuf)
    k.b.emit(.transpose(dst: k.whole(u), src: k.whole(t)), engine: engine)
    let v = k.tile("v", [16, 8])
    k.b.emit(.tensorCopy(dst: k.whole(v), src: k.whole(u)))
    k.store(out, v)
    let r = try k.run([out], [Array(repeating: 1, count: 128)], trackOrigins: true)
    // out[j, i] = t[i, j]: column 5 of t is row 5 of out.
    #expect(originSets(r.report) == ["out <- nc_transpose t.data": elements(16, 8) { j, _ in j == 5 }])
  }

  @Test("load_transpose2d of a partly stored HBM scratch tensor")
  func loadTranspose() throws {
    var k = TileKernel()
    let a = k.input("a", [8, 16])
    let out = k.output("out", [16, 8])
    let h = k.b.declareTensor(name: "h", space: .hbm, shape: [8, 16], dtype: .float32)
    let t = k.tile("t", [8, 16])
    k.load(t, a)
    k.b.emit(.store(dst: k.whole(h), src: k.whole(t)), mask: [atLeast(-1, 0, 3)])  // rows 0..<4
    let u = k.tile("u", [16, 8])
    k.b.emit(.loadTranspose(dst: k.whole(u), src: k.whole(h)))
    k.store(out, u)
    let r = try k.run([out], [Array(repeating: 1, count: 128)], trackOrigins: true)
    #expect(originSets(r.report) == ["out <- load_transpose2d h.src": elements(16, 8) { _, i in i >= 4 }])
  }

  @Test("a partition reduction: one unwritten element taints its column")
  func partitionReduce() throws {
    var k = TileKernel()
    let a = k.input("a", [8, 16])
    let out = k.output("out", [1, 16])
    let t = k.tile("t", [8, 16])
    k.load(t, a, skippingRow: 3, column: 5)
    let r1 = k.tile("r", [1, 16])
    k.b.emit(.tensorPartitionReduce(dst: k.whole(r1), src: k.whole(t), op: .maximum))
    k.store(out, r1)
    let r = try k.run([out], [Array(repeating: 1, count: 128)], trackOrigins: true)
    #expect(originSets(r.report) == ["out <- tensor_partition_reduce t.data": [5]])
  }

  @Test(
    "tensor_tensor_scan: an unwritten element taints the rest of its partition; an unwritten initial value, the whole partition"
  )
  func scan() throws {
    var k = TileKernel()
    let a = k.input("a", [4, 16])
    let b = k.input("b", [4, 16])
    let c = k.input("c", [4, 1])
    let out = k.output("out", [4, 16])
    let t = k.tile("t", [4, 16])
    let u = k.tile("u", [4, 16])
    let iv = k.tile("iv", [4, 1])
    k.load(t, a, skippingRow: 1, column: 6)
    k.load(u, b)
    k.load(iv, c, skippingRow: 2)
    let s = k.tile("s", [4, 16])
    k.b.emit(
      .tensorTensorScan(
        dst: k.whole(s), data0: k.whole(t), data1: k.whole(u), initial: .view(k.whole(iv)), op0: .multiply, op1: .add))
    k.store(out, s)
    let r = try k.run(
      [out], [Array(repeating: 1, count: 64), Array(repeating: 1, count: 64), Array(repeating: 1, count: 4)],
      trackOrigins: true)
    #expect(
      originSets(r.report) == [
        "out <- tensor_tensor_scan t.data0": elements(4, 16) { p, j in p == 1 && j >= 6 },
        "out <- tensor_tensor_scan iv.initial": elements(4, 16) { p, _ in p == 2 },
      ])
  }

  @Test("bn_stats: an unwritten odd element taints that half's mean and variance, not the counts; bn_aggr passes it on")
  func bnStats() throws {
    var k = TileKernel()
    let a = k.input("a", [4, 10])
    let outS = k.output("stats", [4, 6])
    let outA = k.output("aggr", [4, 2])
    let t = k.tile("t", [4, 10])
    k.load(t, a, skippingRow: 2, column: 3)
    let st = k.tile("st", [4, 6])
    let ag = k.tile("ag", [4, 2])
    k.b.emit(.bnStats(dst: k.whole(st), src: k.whole(t)))
    k.b.emit(.bnAggr(dst: k.whole(ag), src: k.whole(st)))
    k.store(outS, st)
    k.store(outA, ag)
    let r = try k.run([outS, outA], [Array(repeating: 1, count: 40)], trackOrigins: true)
    // Element 3 is odd: half 1, whose (count, mean, m2) are stats[p, 3...5].
    #expect(
      originSets(r.report) == [
        "stats <- bn_stats t.data": elements(4, 6) { p, s in p == 2 && (s == 4 || s == 5) },
        "aggr <- bn_stats t.data": elements(4, 2) { p, _ in p == 2 },
      ])
  }

  @Test("activation with a reduction: data taints its element and its row's sum; a [P, 1] bias its whole partition")
  func activation() throws {
    var k = TileKernel()
    let a = k.input("a", [4, 8])
    let c = k.input("c", [4, 1])
    let outY = k.output("y", [4, 8])
    let outR = k.output("sums", [4, 1])
    let t = k.tile("t", [4, 8])
    let bt = k.tile("bt", [4, 1])
    k.load(t, a, skippingRow: 1, column: 2)
    k.load(bt, c, skippingRow: 3)
    let y = k.tile("yt", [4, 8])
    let rs = k.tile("rs", [4, 1])
    k.b.emit(
      .activation(
        dst: k.whole(y), src: k.whole(t), function: .exp, scale: .scalar(1), bias: k.whole(bt), reduceOp: .add,
        reduceDst: k.whole(rs)))
    k.store(outY, y)
    k.store(outR, rs)
    let r = try k.run(
      [outY, outR], [Array(repeating: 0.5, count: 32), Array(repeating: 0, count: 4)], trackOrigins: true)
    #expect(
      originSets(r.report) == [
        "y <- activation t.data": elements(4, 8) { p, f in p == 1 && f == 2 },
        "sums <- activation t.data": [1],
        "y <- activation bt.bias": elements(4, 8) { p, _ in p == 3 },
        "sums <- activation bt.bias": [3],
      ])
  }

  @Test("affine_select only reads on_true where the predicate holds")
  func affineSelect() throws {
    var k = TileKernel()
    let a = k.input("a", [8, 8])
    let out = k.output("out", [8, 8])
    let t = k.tile("t", [8, 8])
    k.load(t, a, skippingRow: 6)
    let u = k.tile("u", [8, 8])
    k.b.emit(.affineSelect(dst: k.whole(u), predicate: atLeast(1, -1, 0), onTrue: k.whole(t), onFalse: -1e9))
    k.store(out, u)
    let r = try k.run([out], [Array(repeating: 1, count: 64)], trackOrigins: true)
    #expect(
      originSets(r.report) == ["out <- affine_select t.on_true_tile": elements(8, 8) { p, f in p == 6 && p - f >= 0 }])
  }

  @Test("memset and iota write defined values over tainted ones, only where their masks hold")
  func memsetAndIota() throws {
    var k = TileKernel()
    _ = k.input("a", [8, 8])
    let out = k.output("out", [8, 8])
    let t = k.tile("t", [8, 8])
    let u = k.tile("u", [8, 8])
    k.b.emit(.tensorCopy(dst: k.whole(u), src: k.whole(t)))
    k.b.emit(.memset(dst: k.whole(u), value: 0), mask: [atLeast(-1, 0, 3)])  // rows 0..<4
    // rows 4, 5
    k.b.emit(.iota(dst: k.whole(u), expression: atLeast(8, 1, 0)), mask: [atLeast(1, 0, -4), atLeast(-1, 0, 5)])
    k.store(out, u)
    let r = try k.run([out], [Array(repeating: 1, count: 64)], trackOrigins: true)
    #expect(originSets(r.report) == ["out <- tensor_copy t.data": elements(8, 8) { p, _ in p >= 6 }])
  }

  @Test("where: the predicate's value picks the operand that taints; an unwritten predicate taints the result")
  func select() throws {
    var k = TileKernel()
    let a = k.input("a", [8, 8])
    let out1 = k.output("out1", [8, 8])
    let out2 = k.output("out2", [8, 8])
    let t = k.tile("t", [8, 8])
    let full = k.tile("full", [8, 8])
    k.load(t, a, column: 2)
    k.load(full, a)
    // c[p, f] = p - f: nonzero (true) off the diagonal.
    let c = k.tile("c", [8, 8])
    k.b.emit(.iota(dst: k.whole(c), expression: atLeast(1, -1, 0)))
    let u = k.tile("u", [8, 8])
    k.b.emit(.select(dst: k.whole(u), predicate: k.whole(c), onTrue: .view(k.whole(t)), onFalse: .scalar(0)))
    k.store(out1, u)
    // d is written on rows 0..<4 only.
    let d = k.tile("d", [8, 8])
    k.b.emit(.iota(dst: k.whole(d), expression: atLeast(0, 0, 1)), mask: [atLeast(-1, 0, 3)])
    let w = k.tile("w", [8, 8])
    k.b.emit(.select(dst: k.whole(w), predicate: k.whole(d), onTrue: .view(k.whole(full)), onFalse: .scalar(0)))
    k.store(out2, w)
    let r = try k.run([out1, out2], [Array(repeating: 1, count: 64)], trackOrigins: true)
    #expect(
      originSets(r.report) == [
        "out1 <- where t.x": elements(8, 8) { p, f in f == 2 && p != f },
        "out2 <- where d.condition": elements(8, 8) { p, _ in p >= 4 },
      ])
  }

  @Test("dma_copy between shapes follows row-major order")
  func dmaCopyReshape() throws {
    var k = TileKernel()
    let a = k.input("a", [4, 8])
    let out = k.output("out", [8, 4])
    let t = k.tile("t", [4, 8])
    k.load(t, a, skippingRow: 1)
    k.b.emit(.dmaCopy(dst: k.whole(out), src: k.whole(t)))
    let r = try k.run([out], [Array(repeating: 1, count: 32)], trackOrigins: true)
    #expect(originSets(r.report) == ["out <- dma_copy t.src": Set(8..<16)])
  }

  @Test(
    "a matmul that adds to never-written PSUM reads it; one that starts an accumulation group does not",
    arguments: [Accumulation.add, .auto, .overwrite])
  func matmulAccumulator(accumulation: Accumulation) throws {
    var k = TileKernel()
    let a = k.input("a", [4, 4])
    let b = k.input("b", [4, 8])
    let out = k.output("out", [4, 8])
    let s = k.tile("s", [4, 4])
    let m = k.tile("m", [4, 8])
    k.load(s, a)
    k.load(m, b)
    let p = k.tile("p", [4, 8], space: .psum)
    k.b.emit(.matmul(dst: k.whole(p), stationary: k.whole(s), moving: k.whole(m), accumulation: accumulation))
    let y = k.tile("y", [4, 8])
    k.b.emit(.tensorCopy(dst: k.whole(y), src: k.whole(p)))
    k.store(out, y)
    let r = try k.run([out], [Array(repeating: 1, count: 16), Array(repeating: 1, count: 32)], trackOrigins: true)
    let expected: [String: Set<Int>] = accumulation == .add ? ["out <- nc_matmul p.dst": Set(0..<32)] : [:]
    #expect(originSets(r.report) == expected)
  }

  @Test("broadcast_to copies an unwritten element down its column; reciprocal keeps it")
  func broadcast() throws {
    var k = TileKernel()
    let a = k.input("a", [1, 8])
    let out = k.output("out", [4, 8])
    let t = k.tile("t", [1, 8])
    k.load(t, a, column: 3)
    let u = k.tile("u", [4, 8])
    let v = k.tile("v", [4, 8])
    let src = View(
      tensor: t, start: [AffineExpr(), AffineExpr()], dims: [.broadcast(rank: 2, count: 4), .along(1, of: 2, count: 8)])
    k.b.emit(.broadcast(dst: k.whole(u), src: src))
    k.b.emit(.reciprocal(dst: k.whole(v), src: k.whole(u)))
    k.store(out, v)
    let r = try k.run([out], [Array(repeating: 2, count: 8)], trackOrigins: true)
    #expect(originSets(r.report) == ["out <- broadcast_to t.data": elements(4, 8) { _, f in f == 3 }])
  }

  @Test("tensor_scalar with a [P, 1] operand missing one partition")
  func tensorScalarVector() throws {
    var k = TileKernel()
    let a = k.input("a", [4, 8])
    let c = k.input("c", [4, 1])
    let out = k.output("out", [4, 8])
    let t = k.tile("t", [4, 8])
    let sc = k.tile("sc", [4, 1])
    k.load(t, a)
    k.load(sc, c, skippingRow: 2)
    let u = k.tile("u", [4, 8])
    k.b.emit(
      .tensorScalar(
        dst: k.whole(u), src: k.whole(t), op0: .multiply, operand0: .view(k.whole(sc)), reverse0: false, op1: .add,
        operand1: .scalar(1), reverse1: false))
    k.store(out, u)
    let r = try k.run([out], [Array(repeating: 1, count: 32), Array(repeating: 3, count: 4)], trackOrigins: true)
    #expect(originSets(r.report) == ["out <- tensor_scalar sc.operand0": elements(4, 8) { p, _ in p == 2 }])
  }

  @Test("int32 bitwise_and with zero keeps the taint: the result is defined by accident, not by the kernel")
  func bitwise() throws {
    var k = TileKernel()
    let a = k.input("a", [4, 8], .int32)
    let out = k.output("out", [4, 8], .int32)
    let t = k.tile("t", [4, 8], .int32)
    let z = k.tile("z", [4, 8], .int32)
    k.load(t, a, column: 0)
    k.b.emit(.memset(dst: k.whole(z), value: 0))
    let u = k.tile("u", [4, 8], .int32)
    k.b.emit(.tensorTensor(dst: k.whole(u), a: k.whole(z), b: k.whole(t), op: .bitwiseAnd))
    k.store(out, u)
    let r = try k.run([out], [Array(repeating: 7, count: 32)], trackOrigins: true)
    #expect(r.outputs[0] == Array(repeating: 0, count: 32))
    #expect(originSets(r.report) == ["out <- tensor_tensor t.data2": elements(4, 8) { _, f in f == 0 }])
  }

  @Test("tensor_reduce reads only what its mask keeps", arguments: [false, true])
  func maskedReduce(masked: Bool) throws {
    var k = TileKernel()
    let a = k.input("a", [4, 8])
    let out = k.output("out", [4, 1])
    let t = k.tile("t", [4, 8])
    k.load(t, a, skippingRow: 1, column: 2)
    let s = k.tile("s", [4, 1])
    k.b.emit(
      .tensorReduce(dst: k.whole(s), src: k.whole(t), op: .add, axes: [1], negate: false),
      mask: masked ? [atLeast(0, 1, -3)] : [])
    k.store(out, s)
    let r = try k.run([out], [Array(repeating: 1, count: 32)], trackOrigins: true)
    #expect(originSets(r.report) == (masked ? [:] : ["out <- tensor_reduce t.data": [1]]))
  }

  @Test("the origin warning: exact text, location at the read, notes on what was read and where the output is")
  func message() throws {
    var k = TileKernel()
    let a = k.input("a", [8, 8])
    let outLoc = SourceLocation(file: "k.py", line: 3, column: 5)
    let out = k.b.declareTensor(name: "out", space: .sharedHBM, shape: [8, 8], dtype: .float32, location: outLoc)
    let t = k.tile("t", [8, 8])
    k.load(t, a, column: 5)
    let u = k.tile("u", [8, 8])
    let here = SourceLocation(file: "k.py", line: 12, column: 9)
    k.b.emit(.tensorTensor(dst: k.whole(u), a: k.whole(t), b: k.whole(t), op: .add), location: here)
    k.store(out, u)
    let r = try k.run([out], [Array(repeating: 1, count: 64)], trackOrigins: true)
    let o = try #require(r.report.uninitializedOrigins.first)
    #expect(r.report.uninitializedOrigins.count == 1)
    #expect(
      o.message
        == "output `out` elements [0:8, 5:6] (8 of 64) derive from the read of never-written `t` by 'tensor_tensor' at line 12"
    )
    #expect(o.diagnostic.location == here)
    #expect(
      o.diagnostic.notes.map(\.message) == [
        "'tensor_tensor' read 8 never-written elements of `t` (operand 'data1'), the first `t[0, 5]`",
        "`out` is declared here",
      ])
    #expect(o.diagnostic.notes.last?.location == outLoc)
    #expect(r.report.warnings.contains(o.diagnostic))
    // The same kernel without tracking: the read warning only, no origins.
    let plain = try k.run([out], [Array(repeating: 1, count: 64)])
    #expect(plain.report.uninitializedOrigins.isEmpty)
    #expect(plain.report.readsNeverWrittenMemory)
    #expect(plain.outputs[0].map(\.bitPattern) == r.outputs[0].map(\.bitPattern))
  }
}
