import TesselIR
import Testing

/// Tensors that name another tensor's storage (``StorageAlias``), as `.ap(pattern)` over raw
/// storage makes them.
@Suite("Storage aliases")
struct StorageAliasTests {
  @Test("a flat HBM alias reads across rows with a stride the 2-D view cannot express")
  func flatHBMRead() throws {
    var k = TileKernel()
    let x = k.input("x", [4, 6])
    let flat = k.b.declareAlias(name: "x_flat", of: x, shape: [24])
    let t = k.tile("t", [1, 8])
    let out = k.output("out", [1, 8])
    // x.ap([[0, 1], [3, 8]], offset=1): elements 1, 4, 7, ..., 22.
    let v = View(
      tensor: flat, start: [AffineExpr(constant: 1)],
      dims: [.broadcast(rank: 1, count: 1), .along(0, of: 1, count: 8, stride: 3)])
    k.b.emit(.dmaCopy(dst: k.whole(t), src: v))
    k.store(out, t)
    let xs = (0..<24).map(Float.init)
    #expect(try k.run([out], [xs]).outputs[0] == (0..<8).map { Float(1 + 3 * $0) })
  }

  @Test("an SBUF alias keeps its base's partitions; writes through it are the base's")
  func sbufAlias() throws {
    for partitions in [1, 7, 128] {
      var k = TileKernel()
      let x = k.input("x", [partitions, 6])
      let base = k.tile("base", [partitions, 2, 3])
      // The last four elements of each partition, as a [P, 4] tile.
      let tail = k.b.declareAlias(name: "tail", of: base, shape: [partitions, 4], offset: 2)
      let out = k.output("out", [partitions, 2, 3])
      k.b.emit(.memset(dst: k.whole(base), value: -1))
      let src = View(
        tensor: x, start: [AffineExpr(), AffineExpr()],
        dims: [.along(0, of: 2, count: partitions), .along(1, of: 2, count: 4)])
      k.b.emit(.dmaCopy(dst: k.whole(tail), src: src))
      k.store(out, base)
      let xs = (0..<(partitions * 6)).map(Float.init)
      let r = try k.run([out], [xs])
      for p in 0..<partitions {
        let row = Array(r.outputs[0][(p * 6)..<((p + 1) * 6)])
        #expect(row == [-1, -1] + (0..<4).map { Float(p * 6 + $0) })
      }
    }
  }

  @Test("a parameter written through an alias comes back changed")
  func parameterWrittenThroughAlias() throws {
    var k = TileKernel()
    let io = k.input("io", [2, 4])
    let flat = k.b.declareAlias(name: "io_flat", of: io, shape: [8])
    let t = k.tile("t", [1, 3])
    k.b.emit(.memset(dst: k.whole(t), value: 9))
    k.b.emit(
      .dmaCopy(
        dst: View(
          tensor: flat, start: [AffineExpr(constant: 3)],
          dims: [.broadcast(rank: 1, count: 1), .along(0, of: 1, count: 3)]), src: k.whole(t)))
    let r = try k.run([], [(0..<8).map(Float.init)])
    #expect(r.parameters[0] == [0, 1, 2, 9, 9, 9, 6, 7])
  }

  @Test("aliases must fit their base, and PSUM tiles are not aliased")
  func rules() {
    let big = verify { b in
      let x = b.addParameter(name: "x", shape: [4, 6], dtype: .float32)
      _ = b.declareAlias(name: "too_big", of: x, shape: [20], offset: 5)
    }
    #expect(big == "tensor `too_big` aliases storage it cannot: 20 elements from element 5 do not fit `x` [4, 6]")
    let psum = verify { b in
      let p = b.declareTensor(name: "acc", space: .psum, shape: [128, 512], dtype: .float32)
      _ = b.declareAlias(name: "acc_flat", of: p, shape: [128, 512])
    }
    #expect(
      psum
        == "tensor `acc_flat` aliases storage it cannot: PSUM tiles are not aliased (Tessel tracks PSUM accumulation per tile)"
    )
    let wide = verify { b in
      let s = b.declareTensor(name: "s", space: .sbuf, shape: [8, 4], dtype: .float32)
      _ = b.declareAlias(name: "s_wide", of: s, shape: [8, 5])
    }
    #expect(
      wide
        == "tensor `s_wide` aliases storage it cannot: [8, 5] from element 0 does not fit the partitions of `s` [8, 4]")
  }

  func verify(_ body: (inout KernelBuilder) -> Void) -> String? {
    var b = KernelBuilder(name: "k")
    body(&b)
    do {
      _ = try b.finish(target: .trn2)
      return nil
    } catch { return error.message }
  }
}
