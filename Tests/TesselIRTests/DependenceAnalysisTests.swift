import TesselIR
import Testing

/// A location on `line` of the test kernel file `k.py`.
func at(_ line: Int) -> TesselIR.SourceLocation { TesselIR.SourceLocation(file: "k.py", line: line, column: 5) }

/// A block of a tensor: starts per dimension, counts per dimension, unit steps.
func block(_ t: TensorID, _ start: [AffineExpr], _ counts: [Int]) -> View {
  View(tensor: t, start: start, dims: counts.indices.map { .along($0, of: counts.count, count: counts[$0]) })
}

/// Builds and verifies a kernel, then returns every dependence the analysis finds.
func dependences(
  grid: [Int] = [], _ body: (inout KernelBuilder) throws -> Void
) throws -> [DependenceError] {
  var b = KernelBuilder(name: "k")
  try body(&b)
  if !grid.isEmpty { b.setGrid(grid) }
  let kernel = try b.finish(target: .trn2)
  return DependenceAnalysis().diagnose(kernel)
}

/// Builds and verifies a kernel, then returns the error `check` throws (nil when it passes).
func checkError(grid: [Int] = [], _ body: (inout KernelBuilder) throws -> Void) throws -> DependenceError? {
  var b = KernelBuilder(name: "k")
  try body(&b)
  if !grid.isEmpty { b.setGrid(grid) }
  let kernel = try b.finish(target: .trn2)
  do {
    try DependenceAnalysis().check(kernel)
    return nil
  } catch {
    return error
  }
}

@Suite("affine_range dependences")
struct LoopDependenceTests {
  /// `for i in affine_range(8): t = load(x[128i:128i+128]); t = exp(t); store(out[128i:...], t)`.
  @Test("tiled loads and stores, one tile per iteration, are independent")
  func tiledLoadStore() throws {
    let found = try dependences { b in
      let x = b.addParameter(name: "x", shape: [1024, 512], dtype: .float32)
      let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [1024, 512], dtype: .float32)
      let i = b.beginLoop(name: "i", kind: .affine, stop: 8)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 512], dtype: .float32)
      let rows = block(x, [AffineExpr(i) * 128, 0], [128, 512])
      b.emit(.load(dst: .whole(t, shape: [128, 512]), src: rows))
      b.emit(
        .activation(
          dst: .whole(t, shape: [128, 512]), src: .whole(t, shape: [128, 512]), function: .exp, scale: .scalar(1),
          bias: nil, reduceOp: nil, reduceDst: nil))
      b.emit(.store(dst: block(out, [AffineExpr(i) * 128, 0], [128, 512]), src: .whole(t, shape: [128, 512])))
      try b.endLoop()
      b.setOutputs([out])
    }
    #expect(found.isEmpty, "\(found)")
  }

  @Test("storing the same HBM block in every iteration is a write/write dependence, worded as NKI does")
  func sameBlockEveryIteration() throws {
    let e = try checkError { b in
      let x = b.addParameter(name: "x", shape: [1024, 512], dtype: .float32)
      let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [128, 512], dtype: .float32)
      let i = b.beginLoop(name: "i", kind: .affine, stop: 8, location: at(10))
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 512], dtype: .float32)
      b.emit(
        .load(dst: .whole(t, shape: [128, 512]), src: block(x, [AffineExpr(i) * 128, 0], [128, 512])), location: at(11))
      b.emit(.store(dst: .whole(out, shape: [128, 512]), src: .whole(t, shape: [128, 512])), location: at(12))
      try b.endLoop()
      b.setOutputs([out])
    }
    let err = try #require(e)
    #expect(
      err.message
        == "Unexpected output dependencies: `out[0, 0]` is written by 'store' (line 12) in iteration i = 0 and by 'store' (line 12) in iteration i = 1 of affine_range `i`; make the iterations touch disjoint elements (index by `i`) or use nl.sequential_range"
    )
    #expect(err.conflict == .writeWrite)
    #expect(err.tensor == "out")
    #expect(err.first.iteration == [0] && err.second.iteration == [1])
    #expect(err.location == at(12))
    #expect(err.diagnostic.location == at(12))
    #expect(err.diagnostic.notes.isEmpty, "a self-conflict needs no note")
    #expect(err.description == "k.py:12:5: " + err.message)
  }

  @Test("reading what another iteration writes is a write/read dependence, with a note at the first access")
  func readOfAnotherIterationsWrite() throws {
    let e = try checkError { b in
      let acc = b.declareTensor(name: "acc", space: .sbuf, shape: [128, 512], dtype: .float32, location: at(3))
      b.emit(.memset(dst: .whole(acc, shape: [128, 512]), value: 0), location: at(4))
      let i = b.beginLoop(name: "i", kind: .affine, stop: 4)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 128], dtype: .float32)
      b.emit(.memset(dst: .whole(t, shape: [128, 128]), value: 1), location: at(9))
      b.emit(
        .tensorCopy(dst: block(acc, [0, AffineExpr(i) * 128], [128, 128]), src: .whole(t, shape: [128, 128])),
        location: at(10))
      let u = b.declareTensor(name: "u", space: .sbuf, shape: [128, 128], dtype: .float32)
      b.emit(.tensorCopy(dst: .whole(u, shape: [128, 128]), src: block(acc, [0, 0], [128, 128])), location: at(11))
      try b.endLoop()
    }
    let err = try #require(e)
    #expect(
      err.message
        == "Unexpected output dependencies: `acc[0, 0]` is written by 'tensor_copy' (line 10) in iteration i = 0 and read by 'tensor_copy' (line 11) in iteration i = 1 of affine_range `i`; make the iterations touch disjoint elements (index by `i`) or use nl.sequential_range"
    )
    #expect(err.conflict == .writeRead)
    #expect(err.first.kind == .write && err.second.kind == .read)
    #expect(err.second.operand == "data")
    let note = try #require(err.diagnostic.notes.first)
    #expect(note.location == at(10))
    #expect(note.message == "the other access: 'tensor_copy' (line 10) in iteration i = 0")
  }

  @Test("a read that comes first in program order of what a later iteration writes")
  func readBeforeWrite() throws {
    let e = try checkError { b in
      let x = b.addParameter(name: "x", shape: [8, 128, 64], dtype: .float32)
      let buf = b.declareTensor(name: "buf", space: .sbuf, shape: [128, 8, 64], dtype: .float32)
      b.emit(.memset(dst: .whole(buf, shape: [128, 8, 64]), value: 0))
      let i = b.beginLoop(name: "i", kind: .affine, stop: 7)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 64], dtype: .float32)
      // t = buf[:, i + 1, :] (written by iteration i + 1), then buf[:, i, :] = load(x[i])
      b.emit(
        .tensorCopy(
          dst: .whole(t, shape: [128, 64]),
          src: View(
            tensor: buf, start: [0, AffineExpr(i) + 1, 0],
            dims: [.along(0, of: 3, count: 128), .along(2, of: 3, count: 64)])), location: at(20))
      b.emit(
        .load(
          dst: View(
            tensor: buf, start: [0, AffineExpr(i), 0],
            dims: [.along(0, of: 3, count: 128), .along(2, of: 3, count: 64)]),
          src: View(
            tensor: x, start: [AffineExpr(i), 0, 0], dims: [.along(1, of: 3, count: 128), .along(2, of: 3, count: 64)])),
        location: at(21))
      try b.endLoop()
    }
    let err = try #require(e)
    #expect(err.first.kind == .read && err.first.location == at(20))
    #expect(err.second.kind == .write && err.second.location == at(21))
    #expect(err.first.iteration == [0] && err.second.iteration == [1])
    #expect(err.element == [0, 1, 0])
    #expect(
      err.message.contains(
        "`buf[0, 1, 0]` is read by 'tensor_copy' (line 20) in iteration i = 0 and written by 'load' (line 21) in iteration i = 1"
      ))
  }

  @Test("a tile declared outside the loop and overwritten in each iteration (NKI's `a[0] = 0` example)")
  func hoistedBufferOverwritten() throws {
    let e = try checkError { b in
      let a = b.declareTensor(name: "a", space: .sbuf, shape: [128, 4, 512], dtype: .float32)
      _ = b.beginLoop(name: "i", kind: .affine, stop: 4)
      b.emit(
        .memset(
          dst: View(tensor: a, start: [0, 0, 0], dims: [.along(0, of: 3, count: 128), .along(2, of: 3, count: 512)]),
          value: 0), location: at(5))
      try b.endLoop()
    }
    #expect(e?.tensor == "a")
    #expect(e?.conflict == .writeWrite)
  }

  @Test("indexing the hoisted buffer by the loop variable (`a[i] = 0`) is independent")
  func hoistedBufferIndexed() throws {
    let found = try dependences { b in
      let a = b.declareTensor(name: "a", space: .sbuf, shape: [128, 4, 512], dtype: .float32)
      let i = b.beginLoop(name: "i", kind: .affine, stop: 4)
      b.emit(
        .memset(
          dst: View(
            tensor: a, start: [0, AffineExpr(i), 0], dims: [.along(0, of: 3, count: 128), .along(2, of: 3, count: 512)]),
          value: 0))
      try b.endLoop()
    }
    #expect(found.isEmpty, "\(found)")
  }

  @Test("tiles declared inside the loop belong to one iteration")
  func privateTiles() throws {
    let found = try dependences { b in
      _ = b.beginLoop(name: "i", kind: .affine, stop: 16)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 64], dtype: .float32)
      b.emit(.memset(dst: .whole(t, shape: [128, 64]), value: 0))
      b.emit(
        .tensorScalar(
          dst: .whole(t, shape: [128, 64]), src: .whole(t, shape: [128, 64]), op0: .add, operand0: .scalar(1),
          reverse0: false, op1: nil, operand1: nil, reverse1: false))
      try b.endLoop()
    }
    #expect(found.isEmpty, "\(found)")
  }

  @Test("sequential_range loops carry state legally", arguments: [LoopKind.sequential, .affine])
  func sequentialVersions(kind: LoopKind) throws {
    let found = try dependences { b in
      let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [128, 512], dtype: .float32)
      let acc = b.declareTensor(name: "acc", space: .sbuf, shape: [128, 512], dtype: .float32)
      b.emit(.memset(dst: .whole(acc, shape: [128, 512]), value: 0))
      let i = b.beginLoop(name: "i", kind: kind, stop: 4)
      _ = i
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 512], dtype: .float32)
      b.emit(.tensorCopy(dst: .whole(t, shape: [128, 512]), src: .whole(acc, shape: [128, 512])))
      b.emit(
        .tensorScalar(
          dst: .whole(acc, shape: [128, 512]), src: .whole(t, shape: [128, 512]), op0: .multiply, operand0: .scalar(2),
          reverse0: false, op1: nil, operand1: nil, reverse1: false))
      b.emit(.store(dst: .whole(out, shape: [128, 512]), src: .whole(acc, shape: [128, 512])))
      try b.endLoop()
      b.setOutputs([out])
    }
    if kind == .sequential {
      #expect(found.isEmpty, "\(found)")
    } else {
      // acc read/write (copy, scale) and out write/write: three distinct pairs.
      #expect(Set(found.map(\.tensor)) == ["acc", "out"])
      #expect(found.contains { $0.conflict == .writeRead && $0.tensor == "acc" })
      #expect(found.contains { $0.conflict == .writeWrite && $0.tensor == "out" })
    }
  }

  @Test("a loop of one iteration, or none, has no two iterations", arguments: [0, 1])
  func tinyLoops(trip: Int) throws {
    let found = try dependences { b in
      let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [128, 8], dtype: .float32)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 8], dtype: .float32)
      b.emit(.memset(dst: .whole(t, shape: [128, 8]), value: 0))
      _ = b.beginLoop(name: "i", kind: .affine, stop: trip)
      b.emit(.store(dst: .whole(out, shape: [128, 8]), src: .whole(t, shape: [128, 8])))
      try b.endLoop()
    }
    #expect(found.isEmpty)
  }
}

@Suite("associative accumulation stays legal")
struct AccumulationTests {
  /// The tiled matmul of the tutorial: `res_psum += nisa.nc_matmul(...)` over K tiles.
  func tiledMatmul(_ b: inout KernelBuilder, accumulation: Accumulation) throws {
    let (K, M, N) = (512, 256, 1024)
    let lhsT = b.addParameter(name: "lhsT", shape: [K, M], dtype: .bfloat16)
    let rhs = b.addParameter(name: "rhs", shape: [K, N], dtype: .bfloat16)
    let result = b.declareTensor(name: "result", space: .sharedHBM, shape: [M, N], dtype: .bfloat16)
    let m = b.beginLoop(name: "m", kind: .affine, stop: M / 128)
    let n = b.beginLoop(name: "n", kind: .affine, stop: N / 512)
    let psum = b.declareTensor(name: "res_psum", space: .psum, shape: [128, 512], dtype: .float32)
    b.emit(.memset(dst: .whole(psum, shape: [128, 512]), value: 0))
    let k = b.beginLoop(name: "k", kind: .affine, stop: K / 128)
    let lt = b.declareTensor(name: "lhsT_tile", space: .sbuf, shape: [128, 128], dtype: .bfloat16)
    let rt = b.declareTensor(name: "rhs_tile", space: .sbuf, shape: [128, 512], dtype: .bfloat16)
    b.emit(
      .load(
        dst: .whole(lt, shape: [128, 128]), src: block(lhsT, [AffineExpr(k) * 128, AffineExpr(m) * 128], [128, 128])))
    b.emit(
      .load(
        dst: .whole(rt, shape: [128, 512]), src: block(rhs, [AffineExpr(k) * 128, AffineExpr(n) * 512], [128, 512])))
    b.emit(
      .matmul(
        dst: .whole(psum, shape: [128, 512]), stationary: .whole(lt, shape: [128, 128]),
        moving: .whole(rt, shape: [128, 512]), accumulation: accumulation), location: at(40))
    try b.endLoop()
    let rs = b.declareTensor(name: "res_sbuf", space: .sbuf, shape: [128, 512], dtype: .bfloat16)
    b.emit(.tensorCopy(dst: .whole(rs, shape: [128, 512]), src: .whole(psum, shape: [128, 512])))
    b.emit(
      .store(
        dst: block(result, [AffineExpr(m) * 128, AffineExpr(n) * 512], [128, 512]), src: .whole(rs, shape: [128, 512])))
    try b.endLoop()
    try b.endLoop()
    b.setOutputs([result])
  }

  @Test("PSUM += nc_matmul over K tiles", arguments: [Accumulation.add, .auto])
  func psumAccumulation(accumulation: Accumulation) throws {
    let found = try dependences { b in try tiledMatmul(&b, accumulation: accumulation) }
    #expect(found.isEmpty, "\(found)")
  }

  @Test("an overwriting matmul into a PSUM tile shared by the K iterations is a dependence")
  func psumOverwrite() throws {
    let e = try checkError { b in try tiledMatmul(&b, accumulation: .overwrite) }
    #expect(e?.tensor == "res_psum")
    #expect(e?.first.operation == "nc_matmul" && e?.first.location == at(40))
    #expect(
      e?.message.hasSuffix(
        "of affine_range `k`; make the iterations touch disjoint elements (index by `k`) or use nl.sequential_range")
        == true)
  }

  func sbufAccumulation(_ b: inout KernelBuilder, op: ALUOp, traced: Bool) throws {
    let x = b.addParameter(name: "x", shape: [8, 128, 512], dtype: .float32)
    let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [128, 512], dtype: .float32)
    let acc = b.declareTensor(name: "acc", space: .sbuf, shape: [128, 512], dtype: .float32)
    b.emit(.memset(dst: .whole(acc, shape: [128, 512]), value: 0))
    let i = b.beginLoop(name: "i", kind: .affine, stop: 8)
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 512], dtype: .float32)
    b.emit(
      .load(
        dst: .whole(t, shape: [128, 512]),
        src: View(
          tensor: x, start: [AffineExpr(i), 0, 0], dims: [.along(1, of: 3, count: 128), .along(2, of: 3, count: 512)])))
    let whole = View.whole(acc, shape: [128, 512])
    if traced {
      // acc[...] = nl.add(acc[...], t) as a tracer lowers it: a temporary, then a copy.
      let tmp = b.declareTensor(name: "tmp", space: .sbuf, shape: [128, 512], dtype: .float32)
      b.emit(
        .tensorTensor(dst: .whole(tmp, shape: [128, 512]), a: whole, b: .whole(t, shape: [128, 512]), op: op),
        location: at(30))
      b.emit(.tensorCopy(dst: whole, src: .whole(tmp, shape: [128, 512])), location: at(30))
    } else {
      b.emit(.tensorTensor(dst: whole, a: whole, b: .whole(t, shape: [128, 512]), op: op), location: at(30))
    }
    try b.endLoop()
    b.emit(.store(dst: .whole(out, shape: [128, 512]), src: whole))
    b.setOutputs([out])
  }

  @Test(
    "SBUF acc = acc op x with an associative op", arguments: [ALUOp.add, .multiply, .maximum, .minimum], [false, true])
  func sbufAssociative(op: ALUOp, traced: Bool) throws {
    let found = try dependences { b in try sbufAccumulation(&b, op: op, traced: traced) }
    #expect(found.isEmpty, "\(found)")
  }

  @Test("SBUF acc = acc - x is not associative: a dependence", arguments: [false, true])
  func sbufSubtract(traced: Bool) throws {
    let e = try checkError { b in try sbufAccumulation(&b, op: .subtract, traced: traced) }
    #expect(e?.tensor == "acc")
    #expect(e?.second.location == at(30))
  }

  @Test("accumulating with two different operators into one tile is a dependence")
  func mixedAccumulators() throws {
    let e = try checkError { b in
      let acc = b.declareTensor(name: "acc", space: .sbuf, shape: [128, 64], dtype: .float32)
      b.emit(.memset(dst: .whole(acc, shape: [128, 64]), value: 1))
      _ = b.beginLoop(name: "i", kind: .affine, stop: 4)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 64], dtype: .float32)
      b.emit(.memset(dst: .whole(t, shape: [128, 64]), value: 2))
      let w = View.whole(acc, shape: [128, 64])
      b.emit(.tensorTensor(dst: w, a: w, b: .whole(t, shape: [128, 64]), op: .add), location: at(7))
      b.emit(.tensorTensor(dst: w, a: .whole(t, shape: [128, 64]), b: w, op: .multiply), location: at(8))
      try b.endLoop()
    }
    let err = try #require(e)
    #expect(err.conflict == .writeWrite)
    #expect(err.first.kind == .accumulate(.add) && err.second.kind == .accumulate(.multiply))
    #expect(
      err.message.contains(
        "is accumulated into by 'tensor_tensor' (line 7) in iteration i = 0 and by 'tensor_tensor' (line 8) in iteration i = 1"
      ))
  }

  @Test("reading the accumulator inside the loop depends on the other iterations' accumulation")
  func readOfAccumulator() throws {
    let e = try checkError { b in
      let acc = b.declareTensor(name: "acc", space: .sbuf, shape: [128, 64], dtype: .float32)
      b.emit(.memset(dst: .whole(acc, shape: [128, 64]), value: 0))
      _ = b.beginLoop(name: "i", kind: .affine, stop: 4)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 64], dtype: .float32)
      b.emit(.memset(dst: .whole(t, shape: [128, 64]), value: 2))
      let w = View.whole(acc, shape: [128, 64])
      b.emit(.tensorTensor(dst: w, a: w, b: .whole(t, shape: [128, 64]), op: .add), location: at(7))
      b.emit(.tensorCopy(dst: .whole(t, shape: [128, 64]), src: w), location: at(8))
      try b.endLoop()
    }
    #expect(e?.conflict == .writeRead)
    #expect(e?.first.kind == .accumulate(.add))
    #expect(
      e?.message.contains(
        "is accumulated into by 'tensor_tensor' (line 7) in iteration i = 0 and read by 'tensor_copy' (line 8) in iteration i = 1"
      ) == true)
  }
}

@Suite("masks, strides and nesting")
struct PatternTests {
  /// Tiles of 100 rows loaded through 128-partition views masked to `p < 100`.
  func overlappingTiles(_ b: inout KernelBuilder, masked: Bool) throws {
    let x = b.addParameter(name: "x", shape: [428, 64], dtype: .float32)
    let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [428, 64], dtype: .float32)
    let i = b.beginLoop(name: "i", kind: .affine, stop: 4)
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 64], dtype: .float32)
    let rows = block(x, [AffineExpr(i) * 100, 0], [128, 64])
    let mask = masked ? [AffineCondition(coefficients: [-1, 0], offset: 99, comparison: .greaterEqual)] : []
    b.emit(.load(dst: .whole(t, shape: [128, 64]), src: rows), mask: mask)
    b.emit(
      .store(dst: block(out, [AffineExpr(i) * 100, 0], [128, 64]), src: .whole(t, shape: [128, 64])), mask: mask,
      location: at(50))
    try b.endLoop()
    b.setOutputs([out])
  }

  @Test("masked ragged tiles do not overlap; the same views unmasked do")
  func maskedTiles() throws {
    #expect(try dependences { b in try overlappingTiles(&b, masked: true) }.isEmpty)
    let e = try checkError { b in try overlappingTiles(&b, masked: false) }
    #expect(
      e?.message.hasPrefix(
        "Unexpected output dependencies: `out[100, 0]` is written by 'store' (line 50) in iteration i = 0 and by 'store' (line 50) in iteration i = 1"
      ) == true)
  }

  @Test("tensor_add's ragged last tile: a mask whose bound depends on the loop variables")
  func raggedTensorAdd() throws {
    let found = try dependences { b in
      let (rowsN, colsN) = (300, 700)
      let a = b.addParameter(name: "a", shape: [rowsN, colsN], dtype: .float32)
      let out = b.declareTensor(name: "c", space: .sharedHBM, shape: [rowsN, colsN], dtype: .float32)
      let r = b.beginLoop(name: "r", kind: .affine, stop: 3)
      let c = b.beginLoop(name: "c", kind: .affine, stop: 2)
      let t = b.declareTensor(name: "a_tile", space: .sbuf, shape: [128, 512], dtype: .float32)
      let view = block(a, [AffineExpr(r) * 128, AffineExpr(c) * 512], [128, 512])
      // (r*128 + i0 < 300) & (c*512 + i1 < 700)
      let inside = [
        AffineCondition(
          coefficients: [-1, 0], offset: AffineExpr(constant: rowsN - 1) - AffineExpr(r) * 128,
          comparison: .greaterEqual),
        AffineCondition(
          coefficients: [0, -1], offset: AffineExpr(constant: colsN) - AffineExpr(c) * 512, comparison: .greater),
      ]
      b.emit(.load(dst: .whole(t, shape: [128, 512]), src: view), mask: inside)
      b.emit(
        .store(dst: View(tensor: out, start: view.start, dims: view.dims), src: .whole(t, shape: [128, 512])),
        mask: inside)
      try b.endLoop()
      try b.endLoop()
      b.setOutputs([out])
    }
    #expect(found.isEmpty, "\(found)")
  }

  @Test("even and odd columns, and interleaved iterations, never meet")
  func strides() throws {
    let found = try dependences { b in
      let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [256, 64], dtype: .float32)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 32], dtype: .float32)
      b.emit(.memset(dst: .whole(t, shape: [128, 32]), value: 0))
      let i = b.beginLoop(name: "i", kind: .affine, stop: 2)
      // out[128*i + p, 2*h] and out[128*i + p, 2*h + 1]
      for parity in 0..<2 {
        b.emit(
          .store(
            dst: View(
              tensor: out, start: [AffineExpr(i) * 128, AffineExpr(constant: parity)],
              dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: 32, stride: 2)]),
            src: .whole(t, shape: [128, 32])))
      }
      try b.endLoop()
      let j = b.beginLoop(name: "j", kind: .affine, stop: 2)
      // out[p, 2*h + j]: iteration 0 writes even columns, iteration 1 odd ones.
      b.emit(
        .store(
          dst: View(
            tensor: out, start: [0, AffineExpr(j)],
            dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: 32, stride: 2)]),
          src: .whole(t, shape: [128, 32])))
      try b.endLoop()
      b.setOutputs([out])
    }
    #expect(found.isEmpty, "\(found)")
  }

  @Test("a stride that lets two iterations meet is found (2*h + 4*j over 32 columns)")
  func stridesMeeting() throws {
    let e = try checkError { b in
      let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [128, 128], dtype: .float32)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 32], dtype: .float32)
      b.emit(.memset(dst: .whole(t, shape: [128, 32]), value: 0))
      let j = b.beginLoop(name: "j", kind: .affine, stop: 4)
      b.emit(
        .store(
          dst: View(
            tensor: out, start: [0, AffineExpr(j) * 4],
            dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: 32, stride: 2)]),
          src: .whole(t, shape: [128, 32])))
      try b.endLoop()
    }
    #expect(e?.element == [0, 4])
    #expect(e?.first.iteration == [0] && e?.second.iteration == [1])
  }

  @Test("nested loops: a block indexed by both variables is independent; one missing an index conflicts in that loop")
  func nestedLoops() throws {
    func build(_ b: inout KernelBuilder, indexByJ: Bool) throws {
      let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [512, 2048], dtype: .float32)
      let i = b.beginLoop(name: "i", kind: .affine, stop: 4)
      let j = b.beginLoop(name: "j", kind: .affine, stop: 4)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 512], dtype: .float32)
      b.emit(.memset(dst: .whole(t, shape: [128, 512]), value: 0))
      let col: AffineExpr = indexByJ ? AffineExpr(j) * 512 : 0
      b.emit(
        .store(dst: block(out, [AffineExpr(i) * 128, col], [128, 512]), src: .whole(t, shape: [128, 512])),
        location: at(60))
      try b.endLoop()
      try b.endLoop()
      b.setOutputs([out])
    }
    #expect(try dependences { b in try build(&b, indexByJ: true) }.isEmpty)
    let found = try dependences { b in try build(&b, indexByJ: false) }
    #expect(found.count == 1)
    #expect(
      found.first?.message.contains(
        "in iteration j = 0 and by 'store' (line 60) in iteration j = 1 of affine_range `j`") == true)
  }

  @Test("an inner loop's writes in one outer iteration meet another outer iteration's")
  func innerLoopOverlapsAcrossOuterIterations() throws {
    let e = try checkError { b in
      let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [1024, 64], dtype: .float32)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 64], dtype: .float32)
      b.emit(.memset(dst: .whole(t, shape: [128, 64]), value: 0))
      let i = b.beginLoop(name: "i", kind: .affine, stop: 4)
      let j = b.beginLoop(name: "j", kind: .sequential, stop: 2)
      // rows 128*(i + j): iteration i, j = 1 meets iteration i + 1, j = 0.
      b.emit(
        .store(
          dst: block(out, [AffineExpr(i) * 128 + AffineExpr(j) * 128, 0], [128, 64]), src: .whole(t, shape: [128, 64])))
      try b.endLoop()
      try b.endLoop()
    }
    #expect(e?.element == [128, 0])
    #expect(e?.first.iteration == [0] && e?.second.iteration == [1])
  }

  @Test("large trip counts stay fast and exact")
  func largeLoops() throws {
    let clock = ContinuousClock()
    let start = clock.now
    let found = try dependences { b in
      let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [65536, 4096], dtype: .float32)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 512], dtype: .float32)
      b.emit(.memset(dst: .whole(t, shape: [128, 512]), value: 0))
      let i = b.beginLoop(name: "i", kind: .affine, stop: 512)
      let j = b.beginLoop(name: "j", kind: .affine, stop: 8)
      b.emit(
        .store(
          dst: block(out, [AffineExpr(i) * 128, AffineExpr(j) * 512], [128, 512]), src: .whole(t, shape: [128, 512])))
      try b.endLoop()
      try b.endLoop()
    }
    #expect(found.isEmpty)
    #expect(clock.now - start < .seconds(5))
  }
}
