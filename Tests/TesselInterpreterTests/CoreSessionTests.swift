import TesselIR
import TesselInterpreter
import Testing

@Suite("CoreSession: one instruction at a time against a persistent core")
struct CoreSessionTests {
  @Test("eager instructions give the same values as the same kernel interpreted")
  func eagerMatchesInterpreted() throws {
    let core = CoreSession(target: .trn2)
    let a = try core.allocate(name: "a", space: .hbm, shape: [7, 33], dtype: .float32)
    var rng = Seeded(21)
    let av = rng.array(7 * 33)
    try core.write(a, values: av)
    let t = try core.allocate(name: "t", space: .sbuf, shape: [7, 33], dtype: .bfloat16)
    try core.execute(.load(dst: core.whole(t), src: core.whole(a)))
    let u = try core.allocate(name: "u", space: .sbuf, shape: [7, 33], dtype: .float32)
    try core.execute(.activation(dst: core.whole(u), src: core.whole(t), function: .exp, scale: .scalar(0.5), bias: nil, reduceOp: nil, reduceDst: nil))
    let eager = core.values(of: u)

    var k = TileKernel()
    let pa = k.input("a", [7, 33])
    let kt = k.tile("t", [7, 33], .bfloat16), ku = k.tile("u", [7, 33])
    let out = k.output("out", [7, 33])
    k.load(kt, pa)
    k.b.emit(.activation(dst: k.whole(ku), src: k.whole(kt), function: .exp, scale: .scalar(0.5), bias: nil, reduceOp: nil, reduceDst: nil))
    k.store(out, ku)
    let interpreted = try k.run([out], [av]).outputs[0]
    #expect(eager == interpreted)
    #expect(core.report.engines[.scalar]?.instructions == 1)
  }

  @Test("on-chip capacity is enforced while tiles are live and released by free")
  func capacity() throws {
    let core = CoreSession(target: .trn1)
    let big = try core.allocate(name: "big", space: .sbuf, shape: [128, 40_000], dtype: .float32)
    #expect(throws: KernelError.self) { _ = try core.allocate(name: "more", space: .sbuf, shape: [128, 10_000], dtype: .float32) }
    core.free(big)
    _ = try core.allocate(name: "more", space: .sbuf, shape: [128, 10_000], dtype: .float32)
    #expect(core.sbufBytesInUse == 40_000)
  }

  @Test("a bad instruction throws and leaves the session usable")
  func errorsDoNotPoisonTheSession() throws {
    let core = CoreSession()
    let a = try core.allocate(name: "a", space: .hbm, shape: [4, 4], dtype: .float32)
    let t = try core.allocate(name: "t", space: .sbuf, shape: [4, 4], dtype: .float32)
    #expect(throws: KernelError.self) { try core.execute(.tensorCopy(dst: core.whole(t), src: core.whole(a))) }
    try core.execute(.memset(dst: core.whole(t), value: 3))
    #expect(core.values(of: t) == Array(repeating: 3, count: 16))
    #expect(core.unwrittenCount(of: a) == 16)
  }
}
