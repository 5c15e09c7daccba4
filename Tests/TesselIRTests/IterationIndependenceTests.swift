import TesselIR
import Testing

/// `Kernel.iterationsIndependent(loopAt:)` and `KernelBuilder.sequentializeDependentAffineLoops()`:
/// a loop rolled from an `nl.affine_range` stays `affine_range` only when its iterations provably
/// touch disjoint memory.
@Suite("Independent iterations of rolled loops")
struct IterationIndependenceTests {
  /// Where an iteration reads and writes: tensor `[rows, 64]` coordinates of its `[rows, 8]` tile.
  struct Pattern {
    var rows = 1
    var readOut = false
    var read: (Int) -> Int = { 8 * $0 }
    var write: (Int) -> Int = { 8 * $0 }
    var writeThroughAlias = false
  }

  /// Emits `n` iterations of `tile = load(src[:, read(k) : +8]); store(out[:, write(k) : +8], tile)`
  /// (`src` is `a`, or `out` itself), rolls them (`affine`), and returns the builder and the
  /// last iteration's tile.
  static func rolled(_ n: Int, _ p: Pattern, affine: Bool = true) -> (KernelBuilder, rolled: Bool, tile: TensorID) {
    var b = KernelBuilder(name: "k")
    let a = b.addParameter(name: "a", shape: [p.rows, 64], dtype: .float32)
    let out = b.addParameter(name: "out", shape: [p.rows, 64], dtype: .float32)
    let alias = b.declareAlias(name: "out_alias", of: out, shape: [p.rows, 64], offset: 0)
    var spans: [KernelBuilder.IterationSpan] = []
    var tile = TensorID(0)
    for k in 0..<n {
      let i0 = b.instructionCount
      let t0 = b.kernel.tensors.count
      tile = b.declareTensor(name: "tile", space: .sbuf, shape: [p.rows, 8], dtype: .float32)
      let src = block(p.readOut ? out : a, [0, AffineExpr(constant: p.read(k))], [p.rows, 8])
      b.emit(.load(dst: block(tile, [0, 0], [p.rows, 8]), src: src))
      let dst = block(p.writeThroughAlias ? alias : out, [0, AffineExpr(constant: p.write(k))], [p.rows, 8])
      b.emit(.store(dst: dst, src: block(tile, [0, 0], [p.rows, 8])))
      spans.append(
        KernelBuilder.IterationSpan(instructions: i0..<b.instructionCount, tensors: t0..<b.kernel.tensors.count))
    }
    let rolled = b.rollIterations(spans, name: "t", affine: affine, location: .unknown)
    return (b, rolled, tile)
  }

  /// The kind of the kernel's first loop after the dependence pass.
  static func kind(_ builder: KernelBuilder) throws -> LoopKind? {
    var b = builder
    b.sequentializeDependentAffineLoops()
    let kernel = try b.finish(target: .trn2)
    for inst in kernel.instructions { if case .loopBegin(let l) = inst.operation { return l.kind } }
    return nil
  }

  @Test("tiles at columns 8k, on 1, 7 and 128 partitions: an affine_range loop", arguments: [1, 7, 128])
  func disjoint(rows: Int) throws {
    let (b, rolled, _) = Self.rolled(8, Pattern(rows: rows))
    #expect(rolled)
    #expect(try Self.kind(b) == .affine)
  }

  @Test("the same loop rolled without `affine` stays sequential")
  func notAffine() throws {
    let (b, rolled, _) = Self.rolled(8, Pattern(), affine: false)
    #expect(rolled)
    #expect(try Self.kind(b) == .sequential)
  }

  @Test("writes 8 wide every 4 columns overlap the next iteration's: sequential")
  func overlappingWrites() throws {
    let (b, rolled, _) = Self.rolled(8, Pattern(read: { 4 * $0 }, write: { 4 * $0 }))
    #expect(rolled)
    #expect(try Self.kind(b) == .sequential)
  }

  @Test("each iteration reads what the next one writes: sequential")
  func readsTheNextWrite() throws {
    let (b, rolled, _) = Self.rolled(7, Pattern(readOut: true, read: { 8 * $0 + 8 }))
    #expect(rolled)
    #expect(try Self.kind(b) == .sequential)
  }

  @Test("each iteration reads and writes the same columns of one tensor: independent")
  func readsItsOwnWrite() throws {
    let (b, rolled, _) = Self.rolled(8, Pattern(readOut: true))
    #expect(rolled)
    #expect(try Self.kind(b) == .affine)
  }

  @Test("writes through an alias are placed in its base's elements: disjoint, and overlapping")
  func throughAlias() throws {
    let (b, rolled, _) = Self.rolled(8, Pattern(writeThroughAlias: true))
    #expect(rolled)
    #expect(try Self.kind(b) == .affine)
    // Row 0 read at columns 8k, written through the alias at 4k (overlapping windows).
    let (c, rolled2, _) = Self.rolled(8, Pattern(readOut: true, write: { 4 * $0 }, writeThroughAlias: true))
    #expect(rolled2)
    #expect(try Self.kind(c) == .sequential)
  }

  @Test("a tile of the loop read after it keeps the loop sequential")
  func tileReadAfterTheLoop() throws {
    let r = Self.rolled(4, Pattern())
    #expect(r.rolled)
    var b = r.0
    let tile = r.tile
    let out = TensorID(1)
    b.emit(.store(dst: block(out, [0, 0], [1, 8]), src: block(tile, [0, 0], [1, 8])))
    #expect(try Self.kind(b) == .sequential)
  }

  @Test("an accumulator tile declared before the loop keeps it sequential")
  func accumulatorOutside() throws {
    var b = KernelBuilder(name: "k")
    let a = b.addParameter(name: "a", shape: [1, 64], dtype: .float32)
    let out = b.addParameter(name: "out", shape: [1, 8], dtype: .float32)
    let acc = b.declareTensor(name: "acc", space: .sbuf, shape: [1, 8], dtype: .float32)
    b.emit(.memset(dst: block(acc, [0, 0], [1, 8]), value: 0))
    var spans: [KernelBuilder.IterationSpan] = []
    for k in 0..<4 {
      let i0 = b.instructionCount
      let t0 = b.kernel.tensors.count
      let tile = b.declareTensor(name: "tile", space: .sbuf, shape: [1, 8], dtype: .float32)
      b.emit(.load(dst: block(tile, [0, 0], [1, 8]), src: block(a, [0, AffineExpr(constant: 8 * k)], [1, 8])))
      b.emit(
        .tensorTensor(
          dst: block(acc, [0, 0], [1, 8]), a: block(acc, [0, 0], [1, 8]), b: block(tile, [0, 0], [1, 8]), op: .add))
      spans.append(
        KernelBuilder.IterationSpan(instructions: i0..<b.instructionCount, tensors: t0..<b.kernel.tensors.count))
    }
    let rolled = b.rollIterations(spans, name: "t", affine: true, location: .unknown)
    #expect(rolled)
    b.emit(.store(dst: block(out, [0, 0], [1, 8]), src: block(acc, [0, 0], [1, 8])))
    #expect(try Self.kind(b) == .sequential)
  }
}
