import TesselIR
import TesselInterpreter
import TesselNumerics
import TesselTestSupportCore
import Testing

/// Masks on `nc_matmul` and `nc_transpose`: honoured over the destination, against plain loops.
@Suite("Masked Tensor-engine instructions")
struct MaskedTensorEngineTests {
  /// `i < bound` over a loop variable, as a mask of an instruction of rank 2.
  func loopPredicate(_ v: IndexVar, lessThan bound: Int) -> AffineCondition {
    AffineCondition(coefficients: [0, 0], offset: AffineExpr(v) - AffineExpr(constant: bound), comparison: .less)
  }

  @Test(
    "a loop-index mask on nc_matmul skips the masked-off iterations of an accumulation",
    arguments: [(1, 1, 1, 3), (7, 5, 3, 4), (128, 128, 512, 3), (33, 7, 130, 5)])
  func matmulLoopPredicate(dims: (Int, Int, Int, Int)) throws {
    let (K, M, N, tiles) = dims
    let keep = tiles / 2 + 1  // iterations i < keep multiply; the rest are masked off
    var k = TileKernel()
    let s = k.input("s", [K * tiles, M])
    let m = k.input("m", [K * tiles, N])
    let ts = k.tile("ts", [K, M])
    let tm = k.tile("tm", [K, N])
    let ps = k.tile("ps", [M, N], .float32, space: .psum)
    let out = k.output("out", [M, N])
    let i = k.b.beginLoop(name: "i", kind: .sequential, stop: tiles)
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
    k.b.emit(
      .matmul(dst: k.whole(ps), stationary: k.whole(ts), moving: k.whole(tm), accumulation: .auto),
      mask: [loopPredicate(i, lessThan: keep)])
    try k.b.endLoop()
    k.store(out, ps)
    var rng = SeededGenerator(seed: UInt64(K * 31 + M * 7 + N))
    let sv = rng.array(K * tiles * M)
    let mv = rng.array(K * tiles * N)
    let r = try k.run([out], [sv, mv])
    for row in 0..<M {
      for col in 0..<N {
        var e: Double = 0
        for t in 0..<keep {
          for kk in 0..<K { e += Double(sv[(t * K + kk) * M + row]) * Double(mv[(t * K + kk) * N + col]) }
        }
        let got = r.outputs[0][row * N + col]
        #expect(abs(Double(got) - e) <= 1e-4 * Double(K * keep), "(\(row), \(col)): \(got) vs \(e)")
      }
    }
    #expect(r.report.warnings.isEmpty)
  }

  @Test("an element mask on nc_matmul's [M, N] writes only the kept outputs; the others keep their value")
  func matmulElementMask() throws {
    for (K, M, N) in [(4, 3, 5), (128, 7, 33), (16, 128, 64)] {
      var k = TileKernel()
      let s = k.input("s", [K, M])
      let m = k.input("m", [K, N])
      let ts = k.tile("ts", [K, M])
      let tm = k.tile("tm", [K, N])
      let ps = k.tile("ps", [M, N], .float32, space: .psum)
      let out = k.output("out", [M, N])
      k.load(ts, s)
      k.load(tm, m)
      k.b.emit(.memset(dst: k.whole(ps), value: 7))
      // Keep m + n < (M + N) / 2 and n >= 1: a triangle without the first column.
      let bound = (M + N) / 2
      let mask = [
        AffineCondition(coefficients: [1, 1], offset: AffineExpr(constant: -bound), comparison: .less),
        AffineCondition(coefficients: [0, 1], offset: AffineExpr(constant: -1), comparison: .greaterEqual),
      ]
      // The memset started no accumulation group: `auto` overwrites the kept elements.
      k.b.emit(.matmul(dst: k.whole(ps), stationary: k.whole(ts), moving: k.whole(tm), accumulation: .auto), mask: mask)
      k.store(out, ps)
      var rng = SeededGenerator(seed: UInt64(K + M + N))
      let sv = rng.array(K * M)
      let mv = rng.array(K * N)
      let r = try k.run([out], [sv, mv])
      for row in 0..<M {
        for col in 0..<N {
          let kept = row + col < bound && col >= 1
          var e: Double = 7
          if kept {
            e = 0
            for kk in 0..<K { e += Double(sv[kk * M + row]) * Double(mv[kk * N + col]) }
          }
          #expect(abs(Double(r.outputs[0][row * N + col]) - e) <= 1e-4 * Double(K), "K \(K) (\(row), \(col))")
        }
      }
    }
  }

  @Test(
    "an element mask on nc_transpose writes only the kept elements of [F, P]",
    arguments: [(1, 1), (7, 5), (128, 128), (100, 33)])
  func transposeElementMask(dims: (Int, Int)) throws {
    let (P, F) = dims
    var k = TileKernel()
    let a = k.input("a", [P, F])
    let ta = k.tile("ta", [P, F])
    let pt = k.tile("pt", [F, P], .float32, space: .psum)
    let out = k.output("out", [F, P])
    k.load(ta, a)
    k.b.emit(.memset(dst: k.whole(pt), value: -1))
    // Over the destination [F, P]: f < F - 1 and p >= f / ... here simply p >= 1 (both may keep nothing).
    let mask = [
      AffineCondition(coefficients: [1, 0], offset: AffineExpr(constant: -(F - 1)), comparison: .less),
      AffineCondition(coefficients: [0, 1], offset: AffineExpr(constant: -1), comparison: .greaterEqual),
    ]
    k.b.emit(.transpose(dst: k.whole(pt), src: k.whole(ta)), mask: mask)
    k.store(out, pt)
    var rng = SeededGenerator(seed: UInt64(P * 100 + F))
    let av = rng.array(P * F)
    let r = try k.run([out], [av])
    for f in 0..<F {
      for p in 0..<P {
        let e: Float = (f < F - 1 && p >= 1) ? av[p * F + f] : -1
        #expect(r.outputs[0][f * P + p] == e, "(\(f), \(p))")
      }
    }
  }

  @Test("a mask that keeps nothing reads nothing: no never-written warning for a masked-off transpose")
  func maskedOffReadsNothing() throws {
    var k = TileKernel()
    let out = k.output("out", [4, 8])
    let ta = k.tile("ta", [8, 4])  // never written
    let pt = k.tile("pt", [4, 8], .float32, space: .psum)
    k.b.emit(.memset(dst: k.whole(pt), value: 2))
    let i = k.b.beginLoop(name: "i", kind: .sequential, stop: 2)
    k.b.emit(.transpose(dst: k.whole(pt), src: k.whole(ta)), mask: [loopPredicate(i, lessThan: 0)])
    try k.b.endLoop()
    k.store(out, pt)
    let r = try k.run([out], [])
    #expect(r.outputs[0].allSatisfy { $0 == 2 })
    #expect(r.report.warnings.isEmpty)
  }

  @Test(
    "a masked matmul's operand is bounds-checked where its mask keeps columns: in bounds runs, past the tile fails",
    arguments: [(2, true), (5, false)])
  func maskedMatmulOperandsChecked(keptColumns: Int, inBounds: Bool) throws {
    var k = TileKernel()
    let ts = k.tile("ts", [8, 4])
    let tm = k.tile("tm", [8, 4])
    let ps = k.tile("ps", [4, 6], .float32, space: .psum)
    let out = k.output("out", [4, 6])
    k.b.emit(.memset(dst: k.whole(ts), value: 1))
    k.b.emit(.memset(dst: k.whole(tm), value: 2))
    k.b.emit(.memset(dst: k.whole(ps), value: 0))
    // moving reads 6 columns of a 4-column tile; the mask keeps output columns < keptColumns.
    let moving = View(tensor: tm, start: [0, 0], dims: [.along(0, of: 2, count: 8), .along(1, of: 2, count: 6)])
    k.b.emit(
      .matmul(dst: k.whole(ps), stationary: k.whole(ts), moving: moving, accumulation: .overwrite),
      mask: [
        AffineCondition(coefficients: [0, 1], offset: AffineExpr(constant: -keptColumns), comparison: .less)
      ])
    k.store(out, ps)
    if inBounds {
      let r = try k.run([out], [])
      for row in 0..<4 { for c in 0..<6 { #expect(r.outputs[0][row * 6 + c] == (c < keptColumns ? 16 : 0)) } }
    } else {
      #expect {
        _ = try k.run([out], [])
      } throws: { e in "\(e)".contains("Out-of-bound access for tensor `tm` on dimension 1") }
    }
  }
}
