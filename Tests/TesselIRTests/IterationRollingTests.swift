import TesselIR
import Testing

/// `KernelBuilder.rollIterations`: traced iterations that differ only in their own tensors and in
/// offsets advancing by a fixed step become one loop.
@Suite("Rolling traced iterations into loops")
struct IterationRollingTests {
  /// Emits `n` iterations of `tile = load(a[0, offset(k) : +8]); store(out[0, offset(k) : +8], tile)`,
  /// each declaring its own tile, and returns the builder with the spans.
  static func iterations(_ n: Int, offset: (Int) -> Int, aliasFirst: Bool = false)
    -> (KernelBuilder, [KernelBuilder.IterationSpan], a: TensorID, out: TensorID)
  {
    var b = KernelBuilder(name: "k")
    let a = b.addParameter(name: "a", shape: [1, 64], dtype: .float32)
    let out = b.addParameter(name: "out", shape: [1, 64], dtype: .float32)
    var spans: [KernelBuilder.IterationSpan] = []
    for k in 0..<n {
      let i0 = b.instructionCount
      let t0 = b.kernel.tensors.count
      if aliasFirst && k == 0 {
        _ = b.declareAlias(name: "a_flat", of: a, shape: [64], offset: 0)
      }
      let tile = b.declareTensor(name: "tile", space: .sbuf, shape: [1, 8], dtype: .float32)
      b.emit(.load(dst: block(tile, [0, 0], [1, 8]), src: block(a, [0, AffineExpr(constant: offset(k))], [1, 8])))
      b.emit(
        .store(dst: block(out, [0, AffineExpr(constant: offset(k))], [1, 8]), src: block(tile, [0, 0], [1, 8])))
      spans.append(
        KernelBuilder.IterationSpan(instructions: i0..<b.instructionCount, tensors: t0..<b.kernel.tensors.count))
    }
    return (b, spans, a, out)
  }

  @Test("iterations with offsets 8k roll into one loop over the last iteration's tile", arguments: [2, 3, 8])
  func rolls(n: Int) throws {
    var (b, spans, a, _) = Self.iterations(n, offset: { 8 * $0 })
    let rolled = b.rollIterations(spans, name: "t", location: .unknown)
    #expect(rolled)
    let kernel = try b.finish(target: .trn2)
    #expect(kernel.instructions.count == 4)
    guard case .loopBegin(let loop) = kernel.instructions[0].operation else {
      Issue.record("no loop: \(kernel.instructions.map(\.operation))")
      return
    }
    #expect(loop.start == 0 && loop.stop == n && loop.step == 1 && loop.end == 3)
    guard case .load(let load) = kernel.instructions[1].operation else {
      Issue.record("no load")
      return
    }
    #expect(load.src.tensor == a)
    #expect(load.src.start == [0, AffineExpr(loop.variable) * 8])
    // The body writes the last iteration's tile, declared in the loop.
    let lastTile = spans[n - 1].tensors.lowerBound
    #expect(load.dst.tensor.index == lastTile)
    #expect(kernel.tensors[lastTile].enclosingLoop == 0)
    for s in spans.dropLast() { #expect(kernel.tensors[s.tensors.lowerBound].enclosingLoop == nil) }
  }

  @Test("offsets that do not advance by a fixed step are left unrolled")
  func irregular() {
    var (b, spans, _, _) = Self.iterations(4, offset: { [0, 8, 24, 32][$0] })
    let before = b.kernel
    let rolled = b.rollIterations(spans, name: "t", location: .unknown)
    #expect(!rolled)
    #expect(b.kernel == before)
  }

  @Test("a first iteration that declared an alias stays as traced; the rest roll")
  func firstIterationApart() throws {
    var (b, spans, _, _) = Self.iterations(4, offset: { 8 * $0 }, aliasFirst: true)
    let rolled = b.rollIterations(spans, name: "t", location: .unknown)
    #expect(rolled)
    let kernel = try b.finish(target: .trn2)
    #expect(kernel.instructions.count == 2 + 4)
    guard case .loopBegin(let loop) = kernel.instructions[2].operation else {
      Issue.record("no loop after the first iteration")
      return
    }
    #expect(loop.stop == 3)
    guard case .store(let store) = kernel.instructions[4].operation else { return }
    #expect(store.dst.start == [0, AffineExpr(loop.variable) * 8 + 8])
  }

  @Test("a single iteration is never rolled")
  func singleIteration() {
    var (b, spans, _, _) = Self.iterations(1, offset: { 8 * $0 })
    let rolled = b.rollIterations(spans, name: "t", location: .unknown)
    #expect(!rolled)
  }
}
