import Foundation
import TesselIR
import TesselNumerics
import TesselTestSupportCore
import Testing

/// The current dialect's long-tail ISA instructions, run through the interpreter, against plain
/// loops written from NKI's documentation.
@Suite("Current-dialect ISA instructions against plain-loop references")
struct CurrentISATests {
  /// Row-major strides of a shape.
  static func strides(_ shape: [Int]) -> [Int] {
    var s = [Int](repeating: 1, count: shape.count)
    for d in stride(from: shape.count - 2, through: 0, by: -1) { s[d] = s[d + 1] * shape[d + 1] }
    return s
  }

  @Test(
    "dma_transpose permutes HBM into SBUF",
    arguments: [
      ([7, 13], [1, 0]), ([128, 5], [1, 0]), ([2, 3, 4], [2, 1, 0]), ([5, 1, 1, 16], [3, 1, 2, 0]),
      ([2, 3, 4, 5], [3, 1, 2, 0]),
    ])
  func dmaTranspose(shape: [Int], axes: [Int]) throws {
    var k = TileKernel()
    let x = k.input("x", shape, .bfloat16)
    let out = axes.map { shape[$0] }
    let t = k.tile("t", out, .bfloat16)
    let o = k.output("o", out, .bfloat16)
    k.b.emit(.dmaTranspose(dst: k.whole(t), src: k.whole(x), axes: axes))
    k.store(o, t)
    var rng = SeededGenerator(seed: UInt64(shape.reduce(1, *)))
    let xs = rng.array(shape.reduce(1, *)).map(roundToBFloat16)
    let r = try k.run([o], [xs])
    let si = Self.strides(shape)
    let so = Self.strides(out)
    for i in 0..<xs.count {
      // Destination index d has d[j] = source index[axes[j]].
      var rest = i
      var src = [Int](repeating: 0, count: shape.count)
      for d in 0..<shape.count {
        src[d] = rest / si[d]
        rest %= si[d]
      }
      let di = zip(axes.map { src[$0] }, so).map { $0 * $1 }.reduce(0, +)
      #expect(r.outputs[0][di] == xs[i])
    }
  }

  @Test("dma_compute sums its sources in fp32 and rounds once", arguments: [[1, 9], [7, 33], [128, 64]])
  func dmaCompute(shape: [Int]) throws {
    var k = TileKernel()
    let n = shape.reduce(1, *)
    let ins = (0..<3).map { k.input("x\($0)", shape) }
    let o = k.output("o", shape, .bfloat16)
    // Two HBM sources and an SBUF copy of the third, into HBM.
    let t = k.tile("t", shape)
    k.load(t, ins[2])
    k.b.emit(.dmaCompute(dst: k.whole(o), srcs: [k.whole(ins[0]), k.whole(ins[1]), k.whole(t)]))
    var rng = SeededGenerator(seed: UInt64(n))
    let xs = (0..<3).map { _ in rng.array(n) }
    let r = try k.run([o], xs)
    for i in 0..<n { #expect(r.outputs[0][i] == roundToBFloat16(xs[0][i] + xs[1][i] + xs[2][i])) }
  }

  @Test("max8, nc_find_index8 and nc_match_replace8 as router_topk chains them", arguments: [1, 7, 128])
  func topEight(partitions: Int) throws {
    let f = 37
    var k = TileKernel()
    let x = k.input("x", [partitions, f])
    let data = k.tile("data", [partitions, f])
    let top = k.tile("top", [partitions, 8])
    let idx = k.tile("idx", [partitions, 8], .uint32)
    let replaced = k.tile("replaced", [partitions, f])
    let ridx = k.tile("ridx", [partitions, 8], .uint32)
    let oTop = k.output("o_top", [partitions, 8])
    let oIdx = k.output("o_idx", [partitions, 8], .uint32)
    let oRep = k.output("o_rep", [partitions, f])
    let oRidx = k.output("o_ridx", [partitions, 8], .uint32)
    k.load(data, x)
    k.b.emit(.max8(dst: k.whole(top), src: k.whole(data)))
    k.b.emit(.findIndex8(dst: k.whole(idx), data: k.whole(data), vals: k.whole(top)))
    k.b.emit(
      .matchReplace8(dst: k.whole(replaced), data: k.whole(data), vals: k.whole(top), imm: -1000, dstIdx: k.whole(ridx))
    )
    k.store(oTop, top)
    k.store(oIdx, idx)
    k.store(oRep, replaced)
    k.store(oRidx, ridx)
    // Integers with repeats: ties among the largest values.
    var rng = SeededGenerator(seed: UInt64(partitions))
    let xs = (0..<(partitions * f)).map { _ in rng.float(-20, 20).rounded() }
    let r = try k.run([oTop, oIdx, oRep, oRidx], [xs])
    for p in 0..<partitions {
      let row = Array(xs[(p * f)..<((p + 1) * f)])
      let expectedTop = Array(row.sorted(by: >).prefix(8))
      #expect(Array(r.outputs[0][(p * 8)..<((p + 1) * 8)]) == expectedTop)
      // find_index8: the n-th repeat of a value takes its n-th occurrence.
      var seen: [Float: Int] = [:]
      var taken = Set<Int>()
      for i in 0..<8 {
        let v = expectedTop[i]
        let n = seen[v, default: 0]
        seen[v] = n + 1
        let pos = row.indices.filter { row[$0] == v }[n]
        taken.insert(pos)
        #expect(r.outputs[1][p * 8 + i] == Float(pos))
      }
      // match_replace8 pairs repeats the other way round; the same positions are replaced.
      for c in 0..<f { #expect(r.outputs[2][p * f + c] == (taken.contains(c) ? -1000 : row[c])) }
      let ridxRow = Set(r.outputs[3][(p * 8)..<((p + 1) * 8)].map { Int($0) })
      #expect(ridxRow == taken)
      for i in 0..<8 { #expect(row[Int(r.outputs[3][p * 8 + i])] == expectedTop[i]) }
    }
  }

  @Test("nc_find_index8 writes all ones for an absent value; nc_match_replace8 stops on one")
  func absentValues() throws {
    var k = TileKernel()
    let x = k.input("x", [2, 8])
    let v = k.input("v", [2, 8])
    let data = k.tile("data", [2, 8])
    let vals = k.tile("vals", [2, 8])
    let idx16 = k.tile("idx16", [2, 8], .uint16)
    let idx32 = k.tile("idx32", [2, 8], .uint32)
    let o16 = k.output("o16", [2, 8], .uint16)
    let o32 = k.output("o32", [2, 8], .uint32)
    k.load(data, x)
    k.load(vals, v)
    k.b.emit(.findIndex8(dst: k.whole(idx16), data: k.whole(data), vals: k.whole(vals)))
    k.b.emit(.findIndex8(dst: k.whole(idx32), data: k.whole(data), vals: k.whole(vals)))
    k.store(o16, idx16)
    k.store(o32, idx32)
    let xs: [Float] = (0..<16).map(Float.init)
    var vs = xs
    vs[3] = 100
    let r = try k.run([o16, o32], [xs, vs])
    #expect(r.outputs[0][3] == 65535)
    #expect(r.outputs[1][3] == Float(UInt32.max))
    #expect(r.outputs[0][4] == 4 && r.outputs[1][9] == 1)

    var m = TileKernel()
    let mx = m.input("x", [2, 8])
    let mv = m.input("v", [2, 8])
    let md = m.tile("data", [2, 8])
    let mvals = m.tile("vals", [2, 8])
    let rep = m.tile("rep", [2, 8])
    let ri = m.tile("ri", [2, 8], .uint32)
    let o = m.output("o", [2, 8])
    m.load(md, mx)
    m.load(mvals, mv)
    m.b.emit(
      .matchReplace8(dst: m.whole(rep), data: m.whole(md), vals: m.whole(mvals), imm: 0, dstIdx: m.whole(ri)))
    m.store(o, rep)
    #expect(throws: KernelError.self) { try m.run([o], [xs, vs]) }
    do {
      _ = try m.run([o], [xs, vs])
    } catch let e as KernelError {
      #expect(e.kind == .valueNotFound(operand: "vals", partition: 0, slot: 3, value: 100))
      #expect(e.message.contains("nc_match_replace8"))
    }
  }

  @Test("nc_stream_shuffle: quadrant masks, 255 keeps, one row broadcast")
  func streamShuffle() throws {
    let f = 6
    var mask = (0..<32).map { (7 * $0 + 3) % 32 }
    mask[5] = 255
    var k = TileKernel()
    let x = k.input("x", [64, f])
    let src = k.tile("src", [64, f])
    let dst = k.tile("dst", [64, f])
    let wide = k.tile("wide", [32, f])
    let o = k.output("o", [64, f])
    let ob = k.output("ob", [32, f])
    k.load(src, x)
    k.b.emit(.memset(dst: k.whole(dst), value: -3))
    k.b.emit(.streamShuffle(dst: k.whole(dst), src: k.whole(src), mask: mask))
    // nkilib's stream_shuffle_broadcast: partition 0 to 32 partitions.
    var first = k.whole(src)
    first.dims[0].count = 1
    k.b.emit(.streamShuffle(dst: k.whole(wide), src: first, mask: Array(repeating: 0, count: 32)))
    k.store(o, dst)
    k.store(ob, wide)
    var rng = SeededGenerator(seed: 64)
    let xs = rng.array(64 * f)
    let r = try k.run([o, ob], [xs])
    for d in 0..<64 {
      for c in 0..<f {
        let m = mask[d % 32]
        #expect(r.outputs[0][d * f + c] == (m == 255 ? -3 : xs[((d / 32) * 32 + m) * f + c]))
      }
    }
    for d in 0..<32 { for c in 0..<f { #expect(r.outputs[1][d * f + c] == xs[c]) } }
  }

  @Test("range_select into bf16 keeps -FLT_MAX only in its fp32 reduction", arguments: [1, 7, 128])
  func rangeSelect(partitions: Int) throws {
    let f = 50
    var k = TileKernel()
    let x = k.input("x", [partitions, f])
    let lo = k.input("lo", [partitions, 1])
    let hi = k.input("hi", [partitions, 1])
    let t = k.tile("t", [partitions, f])
    let b0 = k.tile("b0", [partitions, 1])
    let b1 = k.tile("b1", [partitions, 1])
    let d = k.tile("d", [partitions, f], .bfloat16)
    let red = k.tile("red", [partitions, 1])
    let o = k.output("o", [partitions, f], .bfloat16)
    let orr = k.output("or", [partitions, 1])
    k.load(t, x)
    k.load(b0, lo)
    k.load(b1, hi)
    let fill = -Float.greatestFiniteMagnitude
    k.b.emit(
      .rangeSelect(
        dst: k.whole(d), onTrue: k.whole(t), cmp0: .greaterEqual, cmp1: .lessEqual, bound0: k.whole(b0),
        bound1: k.whole(b1), rangeStart: 100, onFalse: fill, reduceDst: k.whole(red)))
    k.store(o, d)
    k.store(orr, red)
    var rng = SeededGenerator(seed: UInt64(partitions))
    let xs = rng.array(partitions * f)
    // Partition p keeps indices 100 + p % 40 ... 100 + p % 40 + p % 5 (the last ones empty: lo > hi).
    let los: [Float] = (0..<partitions).map { p in Float(100 + p % 40) }
    let his: [Float] = (0..<partitions).map { p in
      let keep: Int = 100 + p % 40 + p % 5
      return p % 11 == 10 ? 50 : Float(keep)
    }
    let r = try k.run([o, orr], [xs, los, his])
    for p in 0..<partitions {
      var best = -Float.infinity
      for j in 0..<f {
        let i = Float(100 + j)
        let keep = i >= los[p] && i <= his[p]
        let v = keep ? xs[p * f + j] : fill
        best = max(best, v)
        #expect(r.outputs[0][p * f + j] == (keep ? roundToBFloat16(v) : -.infinity))
      }
      #expect(r.outputs[1][p] == best)
    }
  }

  /// `quantize_mx` written from its formula: the scale exponent and the fp8 values of a block.
  static func referenceQuantize(_ src: [Float], rows: Int, groups: Int, dtype: DType) -> (data: [Float], exps: [[Int]])
  {
    let emax = dtype == .float8e5m2 ? 15 : 8
    var data = [Float](repeating: 0, count: src.count)
    var exps = [[Int]](repeating: [Int](repeating: 0, count: groups), count: rows / 8)
    for g in 0..<(rows / 8) {
      for j in 0..<groups {
        var amax = 0.0
        for p in (g * 8)..<(g * 8 + 8) {
          for q in 0..<4 { amax = max(amax, Double(abs(src[p * groups * 4 + j * 4 + q]))) }
        }
        let e = amax == 0 ? -127 : Int(floor(log2(amax))) - (emax - 1)
        exps[g][j] = e + 127
        for p in (g * 8)..<(g * 8 + 8) {
          for q in 0..<4 {
            let i = p * groups * 4 + j * 4 + q
            data[i] = dtype.quantize(Float(Double(src[i]) / pow(2.0, Double(e))))
          }
        }
      }
    }
    return (data, exps)
  }

  @Test(
    "quantize_mx then nc_matmul_mx twice into one PSUM tile (trn3)",
    arguments: [(32, 4, 8, DType.float8e4m3fn), (128, 16, 40, .float8e5m2), (64, 2, 6, .float8e4m3fn)])
  func quantizeThenMatmul(shape: (Int, Int, Int, DType)) throws {
    let (K, M, N, fp8) = shape
    var k = TileKernel()
    let a = k.input("a", [K, 4 * M], .bfloat16)
    let b = k.input("b", [K, 4 * N], .bfloat16)
    let ta = k.tile("ta", [K, 4 * M], .bfloat16)
    let tb = k.tile("tb", [K, 4 * N], .bfloat16)
    let scaleRows = K <= 32 ? K / 8 : K
    let qa = k.tile("qa", [K, M, 4], fp8)
    let qb = k.tile("qb", [K, N, 4], fp8)
    let sa = k.tile("sa", [scaleRows, M], .uint8)
    let sb = k.tile("sb", [scaleRows, N], .uint8)
    let acc = k.tile("acc", [M, N], space: .psum)
    let res = k.tile("res", [M, N])
    let o = k.output("o", [M, N])
    let oqa = k.output("oqa", [K, M, 4], fp8)
    let osa = k.output("osa", [scaleRows, M], .uint8)
    k.load(ta, a)
    k.load(tb, b)
    k.b.emit(.memset(dst: k.whole(sa), value: 0))
    k.b.emit(.memset(dst: k.whole(sb), value: 0))
    k.b.emit(.quantizeMX(dst: k.whole(qa), src: k.whole(ta), dstScale: k.whole(sa)))
    k.b.emit(.quantizeMX(dst: k.whole(qb), src: k.whole(tb), dstScale: k.whole(sb)))
    for _ in 0..<2 {
      k.b.emit(
        .matmulMX(
          dst: k.whole(acc), stationary: k.whole(qa), moving: k.whole(qb), stationaryScale: k.whole(sa),
          movingScale: k.whole(sb), accumulation: .auto))
    }
    k.b.emit(.tensorCopy(dst: k.whole(res), src: k.whole(acc)))
    k.store(o, res)
    k.store(oqa, qa)
    k.store(osa, sa)
    var rng = SeededGenerator(seed: UInt64(K * M * N))
    func values(_ n: Int) -> [Float] {
      (0..<n).map { _ in roundToBFloat16(rng.float(-4, 4) * Float(pow(2.0, Double(rng.float(-3, 3))))) }
    }
    let av = values(K * 4 * M)
    let bv = values(K * 4 * N)
    let r = try k.run([o, oqa, osa], [av, bv], target: .trn3)
    let (qaRef, eaRef) = Self.referenceQuantize(av, rows: K, groups: M, dtype: fp8)
    let (qbRef, ebRef) = Self.referenceQuantize(bv, rows: K, groups: N, dtype: fp8)
    #expect(r.outputs[1] == qaRef)
    for g in 0..<(K / 8) {
      let sp = K <= 32 ? g : (g / 4) * 32 + g % 4
      for j in 0..<M { #expect(r.outputs[2][sp * M + j] == Float(eaRef[g][j]), "scale block \(g), \(j)") }
    }
    for m in 0..<M {
      for n in 0..<N {
        var sum = 0.0
        var mag = 0.0
        for kk in 0..<K {
          let xa = pow(2.0, Double(eaRef[kk / 8][m] - 127))
          let xb = pow(2.0, Double(ebRef[kk / 8][n] - 127))
          for q in 0..<4 {
            let t = Double(qaRef[(kk * M + m) * 4 + q]) * xa * Double(qbRef[(kk * N + n) * 4 + q]) * xb
            sum += t
            mag += abs(t)
          }
        }
        #expect(abs(Double(r.outputs[0][m * N + n]) - 2 * sum) <= 2 * mag * 1e-6 + 1e-30, "[\(m), \(n)]")
      }
    }
  }
}
