import TesselIR
import TesselInterpreter
import TesselMachine
import Testing

/// A kernel with an SBUF block tensor `big` of `[partitions, blocks, free]` fp32.
///
/// A first `affine_range` loop loads block `i` from `a`; a second loop (of `secondKind`) stores
/// block `readBlock(i)` to `out`. With `together`, one loop does both.
private func blockKernel(
  partitions p: Int = 128, blocks: Int, free: Int, together: Bool = false, secondKind: LoopKind = .affine,
  readBlock: (AffineExpr) -> AffineExpr = { $0 }
) throws -> Kernel {
  var b = KernelBuilder(name: "blocks")
  let here = SourceLocation(file: "k.py", line: 4, column: 5)
  let a = b.addParameter(name: "a", shape: [blocks * p, free], dtype: .float32)
  let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [blocks * p, free], dtype: .float32)
  let big = b.declareTensor(
    name: "big", space: .sbuf, shape: [p, blocks, free], dtype: .float32, location: here, blockDimensions: 1)
  func block(_ i: AffineExpr) -> View {
    View(tensor: big, start: [0, i, 0], dims: [.along(0, of: 3, count: p), .along(2, of: 3, count: free)])
  }
  func rows(_ t: TensorID, _ i: AffineExpr) -> View {
    View(tensor: t, start: [i * p, 0], dims: [.along(0, of: 2, count: p), .along(1, of: 2, count: free)])
  }
  let i = b.beginLoop(name: "i", kind: .affine, stop: blocks)
  b.emit(.load(dst: block(AffineExpr(i)), src: rows(a, AffineExpr(i))))
  if together {
    b.emit(.store(dst: rows(out, AffineExpr(i)), src: block(AffineExpr(i))))
    try b.endLoop()
  } else {
    try b.endLoop()
    let j = b.beginLoop(name: "j", kind: secondKind, stop: blocks)
    b.emit(.store(dst: rows(out, AffineExpr(j)), src: block(readBlock(AffineExpr(j)))))
    try b.endLoop()
  }
  b.setOutputs([out])
  return try b.finish(target: .trn2)
}

/// The number of `big` blocks the SBUF capacity error reports live at once (nil: no error).
private func liveBlocks(_ k: Kernel, blockBytes: Int) -> Int? {
  do {
    _ = try Allocator(target: .trn2).plan(k)
    return nil
  } catch {
    guard case .capacityExceeded(.sbuf, "big", let bytes, _, _, 212_984, let blocks?) = error.kind else { return -1 }
    #expect(bytes == blocks * blockBytes)
    #expect(error.location.line == 4, "at the declaration")
    return blocks
  }
}

@Suite("SBUF block tensors: allocated block by block, with liveness")
struct SBUFBlockAllocationTests {
  @Test(
    "a block tensor larger than SBUF whose blocks live one at a time fits",
    arguments: [(128, 16, 16_384), (7, 40, 12_000), (1, 3, 50_000)])
  func oneBlockAtATime(partitions: Int, blocks: Int, free: Int) throws {
    for together in [true, false] {
      // Loading and storing in one loop, or in two loops the schedule fuses.
      let k = try blockKernel(partitions: partitions, blocks: blocks, free: free, together: together)
      let plan = try Allocator(target: .trn2).plan(k)
      #expect(plan.sbufHighWater == free * 4, "together: \(together)")
    }
  }

  @Test("blocks all written before any is read are live at once")
  func allLive() throws {
    // Reversed reads: the loops cannot be fused; 4 blocks of 64 KiB exceed 212,984 bytes.
    let reversed = try blockKernel(blocks: 4, free: 16_384) { AffineExpr(constant: 3) + $0 * -1 }
    #expect(liveBlocks(reversed, blockBytes: 65_536) == 4)
    let sequential = try blockKernel(blocks: 4, free: 16_384, secondKind: .sequential)
    #expect(liveBlocks(sequential, blockBytes: 65_536) == 4)
    // Three such blocks fit: 196,608 bytes.
    let three = try blockKernel(blocks: 3, free: 16_384, secondKind: .sequential)
    #expect(try Allocator(target: .trn2).plan(three).sbufHighWater == 3 * 65_536)
  }

  @Test("a tile live beside the blocks counts, and is named in the error")
  func otherTilesCount() throws {
    var b = KernelBuilder(name: "k")
    let a = b.addParameter(name: "a", shape: [128, 3 * 16_384], dtype: .float32)
    let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [128, 3 * 16_384], dtype: .float32)
    let keep = b.declareTensor(
      name: "keep", space: .sbuf, shape: [128, 8192], dtype: .float32,
      location: SourceLocation(file: "k.py", line: 2, column: 5))
    let big = b.declareTensor(
      name: "big", space: .sbuf, shape: [128, 3, 16_384], dtype: .float32,
      location: SourceLocation(file: "k.py", line: 4, column: 5), blockDimensions: 1)
    let whole = View.whole(keep, shape: [128, 8192])
    func columns(_ t: TensorID, from c: AffineExpr, _ n: Int) -> View {
      View(tensor: t, start: [0, c], dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: n)])
    }
    func block(_ k: IndexVar) -> View {
      View(
        tensor: big, start: [0, AffineExpr(k), 0],
        dims: [.along(0, of: 3, count: 128), .along(2, of: 3, count: 16_384)])
    }
    b.emit(.load(dst: whole, src: columns(a, from: 0, 8192)))
    let i = b.beginLoop(name: "i", kind: .sequential, stop: 3)
    b.emit(.load(dst: block(i), src: columns(a, from: AffineExpr(i) * 16_384, 16_384)))
    try b.endLoop()
    let j = b.beginLoop(name: "j", kind: .sequential, stop: 3)
    b.emit(.store(dst: columns(out, from: AffineExpr(j) * 16_384, 16_384), src: block(j)))
    try b.endLoop()
    b.emit(.store(dst: columns(out, from: 0, 8192), src: whole))
    b.setOutputs([out])
    let k = try b.finish(target: .trn2)
    // keep (32 KiB) + 2 blocks (128 KiB) fit; the third block does not.
    #expect(throws: KernelError.self) { try Allocator(target: .trn2).plan(k) }
    do {
      _ = try Allocator(target: .trn2).plan(k)
    } catch {
      guard case .capacityExceeded(.sbuf, "big", _, 128, let live, _, let blocks) = error.kind else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(blocks == 3)
      #expect(live.map(\.name).sorted() == ["big", "keep"] || live.map(\.name) == ["keep"])
      #expect(live.first { $0.name == "keep" }?.bytesPerPartition == 32_768)
    }
  }

  @Test("a three-dimensional tile without block dimensions is one allocation")
  func plainTilesUnchanged() throws {
    var b = KernelBuilder(name: "k")
    let shape = [128, 4, 128]
    let a = b.addParameter(name: "a", shape: shape, dtype: .float32)
    let out = b.declareTensor(name: "out", space: .sharedHBM, shape: shape, dtype: .float32)
    let t = b.declareTensor(name: "t", space: .sbuf, shape: shape, dtype: .float32)
    b.emit(.load(dst: .whole(t, shape: shape), src: .whole(a, shape: shape)))
    b.emit(.store(dst: .whole(out, shape: shape), src: .whole(t, shape: shape)))
    b.setOutputs([out])
    let plan = try Allocator(target: .trn2).plan(try b.finish(target: .trn2))
    #expect(plan.sbufHighWater == 2048)
    #expect(plan.placements[t]?.bytes == 2048)
  }
}
