import TesselIR
import TesselInterpreter
import TesselMachine
import Testing

/// A kernel with a PSUM block tensor `qk` of `[128, rows, cols, 512]` fp32 (`rows · cols` blocks):
/// one `affine_range` loop over the rows writes every block of a row, a second loop over the rows
/// (of `secondKind`) reads row `readRow(i)` of it into SBUF.
private func blockKernel(
  rows: Int, cols: Int, secondKind: LoopKind = .affine, readRow: (AffineExpr) -> AffineExpr = { $0 }
) throws -> Kernel {
  var b = KernelBuilder(name: "blocks")
  let here = SourceLocation(file: "k.py", line: 3, column: 10)
  let qk = b.declareTensor(
    name: "qk", space: .psum, shape: [128, rows, cols, 512], dtype: .float32, location: here, blockDimensions: 2)
  let s = b.declareTensor(name: "s", space: .sbuf, shape: [128, 512], dtype: .float32)
  func block(_ i: AffineExpr, _ j: AffineExpr) -> View {
    View(tensor: qk, start: [0, i, j, 0], dims: [.along(0, of: 4, count: 128), .along(3, of: 4, count: 512)])
  }
  let i = b.beginLoop(name: "i", kind: .affine, stop: rows)
  let j = b.beginLoop(name: "j", kind: .affine, stop: cols)
  b.emit(.memset(dst: block(AffineExpr(i), AffineExpr(j)), value: 1))
  try b.endLoop()
  try b.endLoop()
  let i2 = b.beginLoop(name: "i2", kind: secondKind, stop: rows)
  let j2 = b.beginLoop(name: "j2", kind: .sequential, stop: cols)
  b.emit(.tensorCopy(dst: .whole(s, shape: [128, 512]), src: block(readRow(AffineExpr(i2)), AffineExpr(j2))))
  try b.endLoop()
  try b.endLoop()
  return try b.finish(target: .trn2)
}

/// The number of `qk` blocks the PSUM capacity error reports live at once (nil: no such error).
private func liveBlocks(_ k: Kernel) -> Int? {
  do {
    _ = try Allocator(target: .trn2).plan(k)
    return nil
  } catch {
    guard case .capacityExceeded(.psum, "qk", let bytes, 128, _, 16384, let blocks?) = error.kind else { return -1 }
    #expect(bytes == blocks * 2048)
    return blocks
  }
}

@Suite("PSUM block tensors: allocated block by block, with liveness")
struct PSUMBlockAllocationTests {
  @Test("blocks written row by row and read by a fusable loop need one row of banks", arguments: [1, 4, 8])
  func fusedRowsFit(cols: Int) throws {
    let k = try blockKernel(rows: 32, cols: cols)
    let plan = try Allocator(target: .trn2).plan(k)
    #expect(plan.psumHighWater == cols * 2048)
  }

  @Test("a row of nine blocks is more than PSUM's eight banks")
  func nineBlocksInARow() throws {
    #expect(liveBlocks(try blockKernel(rows: 4, cols: 9)) == 9)
  }

  @Test("reading rows in reverse order keeps every block live: the loops cannot be fused")
  func reversedRowsFail() throws {
    let k = try blockKernel(rows: 4, cols: 4) { i in AffineExpr(constant: 3) + i * -1 }
    #expect(liveBlocks(k) == 16)
  }

  @Test("a sequential_range second loop is not fused")
  func sequentialNotFused() throws {
    #expect(liveBlocks(try blockKernel(rows: 3, cols: 3, secondKind: .sequential)) == 9)
    #expect(liveBlocks(try blockKernel(rows: 2, cols: 4, secondKind: .sequential)) == nil, "8 blocks fit")
  }

  @Test("an HBM store read back one iteration later prevents fusion", arguments: [0, 1])
  func hbmDependence(shift: Int) throws {
    // Loop 1 writes block i and stores row i of h; loop 2 reads block i and loads row i + shift.
    var b = KernelBuilder(name: "k")
    let qk = b.declareTensor(name: "qk", space: .psum, shape: [128, 16, 512], dtype: .float32, blockDimensions: 1)
    let h = b.declareTensor(name: "h", space: .sharedHBM, shape: [17 * 128, 512], dtype: .float32)
    let s = b.declareTensor(name: "s", space: .sbuf, shape: [128, 512], dtype: .float32)
    let u = b.declareTensor(name: "u", space: .sbuf, shape: [128, 512], dtype: .float32)
    let tile: (TensorID, AffineExpr) -> View = { t, i in
      View(tensor: t, start: [0, i, 0], dims: [.along(0, of: 3, count: 128), .along(2, of: 3, count: 512)])
    }
    let hRows: (AffineExpr) -> View = { i in
      View(tensor: h, start: [i * 128, 0], dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: 512)])
    }
    b.emit(.memset(dst: .whole(s, shape: [128, 512]), value: 2))
    let i = b.beginLoop(name: "i", kind: .affine, stop: 16)
    b.emit(.memset(dst: tile(qk, AffineExpr(i)), value: 1))
    b.emit(.store(dst: hRows(AffineExpr(i)), src: .whole(s, shape: [128, 512])))
    try b.endLoop()
    let i2 = b.beginLoop(name: "i2", kind: .affine, stop: 16)
    b.emit(.load(dst: .whole(u, shape: [128, 512]), src: hRows(AffineExpr(i2) + shift)))
    b.emit(
      .tensorTensor(
        dst: .whole(u, shape: [128, 512]), a: .whole(u, shape: [128, 512]), b: tile(qk, AffineExpr(i2)), op: .add))
    try b.endLoop()
    let k = try b.finish(target: .trn2)
    if shift == 0 {
      #expect(try Allocator(target: .trn2).plan(k).psumHighWater == 2048)
    } else {
      #expect(liveBlocks(k) == 16)
    }
  }

  @Test("a PSUM tile declared in a loop body is a fresh allocation each iteration")
  func loopLocalTiles() throws {
    var b = KernelBuilder(name: "k")
    let s = b.declareTensor(name: "s", space: .sbuf, shape: [128, 512], dtype: .float32)
    _ = b.beginLoop(name: "i", kind: .sequential, stop: 20)
    let p = b.declareTensor(name: "p", space: .psum, shape: [128, 512], dtype: .float32)
    b.emit(.memset(dst: .whole(p, shape: [128, 512]), value: 1))
    b.emit(.tensorCopy(dst: .whole(s, shape: [128, 512]), src: .whole(p, shape: [128, 512])))
    try b.endLoop()
    #expect(try Allocator(target: .trn2).plan(try b.finish(target: .trn2)).psumHighWater == 2048)
  }

  @Test("a block tensor of any total size may be declared; one block over a bank may not")
  func declarationLimits() throws {
    let verifier = Verifier(target: .trn2)
    func psum(_ name: String, _ shape: [Int], blocks: Int = 0, spansBanks: Bool = false) -> TensorDecl {
      var d = TensorDecl(name: name, space: .psum, shape: shape, dtype: .float32)
      d.blockDimensions = blocks
      d.spansPSUMBanks = spansBanks
      return d
    }
    func tooLarge(_ name: String, _ bytes: Int) -> (any Error) -> Bool {
      { e in
        guard let e = e as? KernelError, case .psumTileTooLarge(name, bytes, 2048) = e.kind else { return false }
        return e.message.contains("more than one PSUM bank")
      }
    }
    try verifier.verifyDecl(psum("qk", [128, 32, 8, 512], blocks: 2))
    #expect(
      performing: { try verifier.verifyDecl(psum("wide", [128, 2, 1024], blocks: 1)) }, throws: tooLarge("wide", 4096))
    // Without block dimensions every dimension after the partition dimension is free: one tile.
    try verifier.verifyDecl(psum("tile", [128, 4, 128]))
    #expect(performing: { try verifier.verifyDecl(psum("qk", [128, 32, 8, 512])) }, throws: tooLarge("qk", 524_288))
    // A tile that spans banks (current dialect): up to the whole PSUM partition.
    try verifier.verifyDecl(psum("span", [128, 4, 1024], spansBanks: true))
    #expect {
      try verifier.verifyDecl(psum("span", [128, 9, 512], spansBanks: true))
    } throws: { e in
      guard let e = e as? KernelError, case .capacityExceeded(.psum, "span", 18432, 128, _, 16384, nil) = e.kind
      else { return false }
      return e.message.contains("more than the 16384 bytes per partition (8 banks) of PSUM on its own")
    }
  }

  @Test("capacity messages: blocks on their own, a tile on its own, a tile among others")
  func messages() {
    let blocks = KernelError(
      .capacityExceeded(
        space: .psum, tensor: "qk", requestedBytesPerPartition: 18432, partitions: 128, live: [],
        limitBytesPerPartition: 16384, blocks: 9))
    #expect(
      blocks.message
        == "PSUM capacity exceeded: 9 blocks of `qk` live at once need 18432 bytes per partition (9 banks) on 128 partitions, more than the 16384 bytes per partition (8 banks) of PSUM on their own (18432 > 16384)"
    )
    let big = KernelError(
      .capacityExceeded(
        space: .sbuf, tensor: "big", requestedBytesPerPartition: 240000, partitions: 128, live: [],
        limitBytesPerPartition: 212984))
    #expect(
      big.message
        == "SBUF capacity exceeded: `big` needs 240000 bytes per partition on 128 partitions, more than the 212984 bytes per partition of SBUF on its own (240000 > 212984)"
    )
    let among = KernelError(
      .capacityExceeded(
        space: .psum, tensor: "acc", requestedBytesPerPartition: 2048, partitions: 128,
        live: [
          .init(name: "qk", bytesPerPartition: 14336, partitions: 128, location: .unknown, blocks: 7),
          .init(name: "t", bytesPerPartition: 2048, partitions: 64, location: .unknown),
        ], limitBytesPerPartition: 16384))
    #expect(
      among.message
        == "PSUM capacity exceeded: `acc` needs 2048 bytes per partition (1 bank) on 128 partitions, but 16384 of 16384 bytes per partition (8 of 8 banks) are held by live tensors [`qk` (7 blocks) 14336 B × 128, `t` 2048 B × 64]"
    )
  }
}
