import Foundation
import TesselIR
import TesselNumerics
import TesselTestSupportCore
import Testing

/// Vector-indirect DMA (``Operation/IndirectDMA``): gathers and scatters of HBM rows by indices
/// held in an on-chip tile, against plain loops.
@Suite("Indirect DMA gathers and scatters HBM rows by an index tile")
struct IndirectDMATests {
  /// `rows` random indices in `0..<bound`.
  static func indices(_ rows: Int, below bound: Int, seed: UInt64) -> [Float] {
    var rng = SeededGenerator(seed: seed)
    return (0..<rows).map { _ in Float(rng.next() % UInt64(bound)) }
  }

  /// A kernel that loads `idx` [P, 1] into SBUF and gathers `data[b, idx[p], :]` of a [B, R, C]
  /// tensor into an SBUF tile, then stores it to `out` [P, C] in `dtype`.
  static func gatherKernel(
    batch b: Int, b B: Int, rows R: Int, columns C: Int, partitions P: Int, dtype: DType,
    mask: [AffineCondition] = [], oob: TesselIR.Operation.IndirectDMA.OutOfBoundsMode = .error
  ) -> (TileKernel, TensorID) {
    var k = TileKernel()
    let data = k.input("data", [B, R, C])
    let idxIn = k.input("idx", [P, 1], .int32)
    let idx = k.tile("ix", [P, 1], .int32)
    let t = k.tile("t", [P, C], dtype)
    let out = k.output("out", [P, C], dtype)
    k.load(idx, idxIn)
    k.b.emit(.memset(dst: k.whole(t), value: -7))
    let src = View(
      tensor: data, start: [AffineExpr(constant: b), AffineExpr(), AffineExpr()],
      dims: [.broadcast(rank: 3, count: P), .along(2, of: 3, count: C)])
    k.b.emit(
      .indirectDMA(
        dst: k.whole(t), src: src, indices: k.whole(idx), side: .source, offsetSteps: [0, 1, 0], outOfBounds: oob),
      mask: mask)
    k.store(out, t)
    return (k, out)
  }

  @Test(
    "a gather reads row idx[p] of its batch for every partition, converting to the tile's dtype",
    arguments: [(1, 1), (7, 5), (128, 13), (128, 600)], [DType.float32, .bfloat16])
  func gather(shape: (Int, Int), dtype: DType) throws {
    let (P, C) = shape
    let (B, R, b) = (3, 50, 2)
    let (k, out) = Self.gatherKernel(batch: b, b: B, rows: R, columns: C, partitions: P, dtype: dtype)
    var rng = SeededGenerator(seed: UInt64(P * 1000 + C))
    let data = rng.array(B * R * C)
    let idx = Self.indices(P, below: R, seed: UInt64(P))
    let r = try k.run([out], [data, idx])
    for p in 0..<P {
      for c in 0..<C {
        let want = dtype.quantize(data[(b * R + Int(idx[p])) * C + c])
        #expect(r.outputs[0][p * C + c] == want, "p \(p) c \(c)")
      }
    }
    #expect(r.report.warnings.isEmpty)
  }

  @Test("partitions a mask removes read no index and move nothing", arguments: [1, 7, 128])
  func maskedGather(partitions P: Int) throws {
    let (C, R) = (9, 20)
    let keep = (P + 1) / 2
    // p - keep < 0
    let mask = [AffineCondition(coefficients: [1, 0], offset: AffineExpr(constant: -keep), comparison: .less)]
    let (k, out) = Self.gatherKernel(batch: 0, b: 1, rows: R, columns: C, partitions: P, dtype: .float32, mask: mask)
    var rng = SeededGenerator(seed: 11)
    let data = rng.array(R * C)
    // Removed partitions hold indices far out of bounds: they must not be read.
    let idx = Self.indices(P, below: R, seed: 3).enumerated().map { $0.offset < keep ? $0.element : 10_000 }
    let r = try k.run([out], [data, idx])
    for p in 0..<P {
      for c in 0..<C {
        let want = p < keep ? data[Int(idx[p]) * C + c] : -7
        #expect(r.outputs[0][p * C + c] == want)
      }
    }
  }

  @Test("an index out of its tensor stops the run with a located error naming the partition and index")
  func outOfBounds() throws {
    let (k, out) = Self.gatherKernel(batch: 1, b: 2, rows: 10, columns: 4, partitions: 7, dtype: .float32)
    let idx: [Float] = [0, 1, 2, 10, 4, 5, 6]
    #expect {
      _ = try k.run([out], [Array(repeating: 1, count: 2 * 10 * 4), idx])
    } throws: { e in
      guard let e = e as? KernelError,
        case .indirectOutOfBounds(let t, let dim, let p, let index, let lo, let hi, let size) = e.kind
      else { return false }
      return t == "data" && dim == 1 && p == 3 && index == 10 && lo == 10 && hi == 10 && size == 10
        && e.message.contains("failed to run scatter/gather (indirect memory copy via vector DGE)")
    }
    let negative: [Float] = [0, 1, 2, -1, 4, 5, 6]
    #expect(throws: KernelError.self) { _ = try k.run([out], [Array(repeating: 1, count: 80), negative]) }
  }

  @Test("oob_mode=skip leaves the partitions whose index is out of bounds untouched")
  func skip() throws {
    let (k, out) = Self.gatherKernel(
      batch: 0, b: 1, rows: 10, columns: 3, partitions: 5, dtype: .float32, oob: .skip)
    let data = (0..<30).map(Float.init)
    let idx: [Float] = [9, 10, 0, -3, 4]
    let r = try k.run([out], [data, idx])
    let want: [[Float]] = [[27, 28, 29], [-7, -7, -7], [0, 1, 2], [-7, -7, -7], [12, 13, 14]]
    #expect(r.outputs[0] == want.flatMap { $0 })
  }

  @Test("an index that is not an integer is an error, not a guess")
  func fractionalIndex() throws {
    var k = TileKernel()
    let data = k.input("data", [10, 4])
    let xs = k.input("x", [3, 1])
    let idx = k.tile("ix", [3, 1], .int32)
    let f = k.tile("f", [3, 1])
    let t = k.tile("t", [3, 4])
    let out = k.output("out", [3, 4])
    k.load(f, xs)
    // A float tile copied into an int32 one rounds; reading a never-written index is the error.
    k.b.emit(
      .indirectDMA(
        dst: k.whole(t),
        src: View(
          tensor: data, start: [AffineExpr(), AffineExpr()],
          dims: [.broadcast(rank: 2, count: 3), .along(1, of: 2, count: 4)]),
        indices: k.whole(idx), side: .source, offsetSteps: [1, 0]))
    k.store(out, t)
    #expect {
      _ = try k.run([out], [Array(repeating: 0, count: 40), [1, 2, 3]])
    } throws: { e in
      (e as? KernelError)?.message.contains("not an integer index") == true
    }
  }

  @Test("a scatter writes tile row p to row idx[p]; rows it never names stay never-written", arguments: [1, 7, 128])
  func scatter(partitions P: Int) throws {
    let (R, C) = (P + 9, 6)
    var k = TileKernel()
    let src = k.input("src", [P, C])
    let idxIn = k.input("idx", [P, 1], .int32)
    let idx = k.tile("ix", [P, 1], .int32)
    let t = k.tile("t", [P, C])
    let out = k.output("out", [R, C], .bfloat16)
    k.load(idx, idxIn)
    k.load(t, src)
    let dst = View(
      tensor: out, start: [AffineExpr(), AffineExpr()],
      dims: [.broadcast(rank: 2, count: P), .along(1, of: 2, count: C)])
    k.b.emit(.indirectDMA(dst: dst, src: k.whole(t), indices: k.whole(idx), side: .destination, offsetSteps: [1, 0]))
    var rng = SeededGenerator(seed: UInt64(P))
    let values = rng.array(P * C)
    // Distinct rows, in a shuffled order.
    var rows = Array(0..<R)
    rows.shuffle(using: &rng)
    let targets = Array(rows.prefix(P))
    let r = try k.run([out], [values, targets.map(Float.init)])
    var want = [Float](repeating: .nan, count: R * C)
    for p in 0..<P { for c in 0..<C { want[targets[p] * C + c] = roundToBFloat16(values[p * C + c]) } }
    for i in 0..<(R * C) {
      if want[i].isNaN { #expect(r.outputs[0][i].isNaN) } else { #expect(r.outputs[0][i] == want[i]) }
    }
    // The rows no partition named are reported as never written.
    #expect(
      r.report.warnings.contains {
        $0.message.contains("has \((R - P) * C) of \(R * C) elements that the kernel never wrote")
      })
  }

  @Test("a scatter into an in-place argument keeps the rows it does not name; the last partition wins")
  func scatterInPlace() throws {
    var k = TileKernel()
    let out = k.input("out", [6, 2])
    let idxIn = k.input("idx", [4, 1], .int32)
    let src = k.input("src", [4, 2])
    let idx = k.tile("ix", [4, 1], .int32)
    let t = k.tile("t", [4, 2])
    k.load(idx, idxIn)
    k.load(t, src)
    let dst = View(
      tensor: out, start: [AffineExpr(), AffineExpr()],
      dims: [.broadcast(rank: 2, count: 4), .along(1, of: 2, count: 2)])
    k.b.emit(.indirectDMA(dst: dst, src: k.whole(t), indices: k.whole(idx), side: .destination, offsetSteps: [1, 0]))
    let initial = (0..<12).map { Float(100 + $0) }
    let r = try k.run([], [initial, [5, 1, 5, 0], [1, 2, 3, 4, 5, 6, 7, 8]])
    // Row 5 is named by partitions 0 and 2: partition 2 writes last.
    #expect(r.parameters[0] == [7, 8, 3, 4, 104, 105, 106, 107, 108, 109, 5, 6])
  }

  @Test("origin tracking follows the gathered rows: a never-written row reaches only the partitions that read it")
  func origins() throws {
    var k = TileKernel()
    let scratch = k.tile("scratch", [4, 3], space: .hbm)
    let half = k.tile("half", [2, 3])
    let idxIn = k.input("idx", [3, 1], .int32)
    let idx = k.tile("ix", [3, 1], .int32)
    let t = k.tile("t", [3, 3])
    let out = k.output("out", [3, 3])
    k.b.emit(.memset(dst: k.whole(half), value: 1))
    // Rows 0 and 1 of scratch are written; rows 2 and 3 never are.
    k.b.emit(
      .store(
        dst: View(
          tensor: scratch, start: [AffineExpr(), AffineExpr()],
          dims: [.along(0, of: 2, count: 2), .along(1, of: 2, count: 3)]),
        src: k.whole(half)))
    k.load(idx, idxIn)
    k.b.emit(
      .indirectDMA(
        dst: k.whole(t),
        src: View(
          tensor: scratch, start: [AffineExpr(), AffineExpr()],
          dims: [.broadcast(rank: 2, count: 3), .along(1, of: 2, count: 3)]),
        indices: k.whole(idx), side: .source, offsetSteps: [1, 0]))
    k.store(out, t)
    let r = try k.run([out], [[0, 3, 1]], trackOrigins: true)
    #expect(r.report.warnings.contains { $0.message.contains("never-written") || $0.message.contains("never written") })
    let origins = r.report.uninitializedOrigins
    #expect(origins.count == 1)
    #expect(origins.first.map { Set($0.elements) } == [3, 4, 5])
  }
}
