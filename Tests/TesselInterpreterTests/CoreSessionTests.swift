import TesselIR
import TesselInterpreter
import TesselTestSupportCore
import Testing

@Suite("CoreSession: one instruction at a time against a persistent core")
struct CoreSessionTests {
  @Test("eager instructions give the same values as the same kernel interpreted")
  func eagerMatchesInterpreted() throws {
    let core = CoreSession(target: .trn2)
    let a = try core.allocate(name: "a", space: .hbm, shape: [7, 33], dtype: .float32)
    var rng = SeededGenerator(seed: 21)
    let av = rng.array(7 * 33)
    try core.write(a, values: av)
    let t = try core.allocate(name: "t", space: .sbuf, shape: [7, 33], dtype: .bfloat16)
    try core.execute(.load(dst: core.whole(t), src: core.whole(a)))
    let u = try core.allocate(name: "u", space: .sbuf, shape: [7, 33], dtype: .float32)
    try core.execute(
      .activation(
        dst: core.whole(u), src: core.whole(t), function: .exp, scale: .scalar(0.5), bias: nil, reduceOp: nil,
        reduceDst: nil))
    let eager = core.values(of: u)

    var k = TileKernel()
    let pa = k.input("a", [7, 33])
    let kt = k.tile("t", [7, 33], .bfloat16)
    let ku = k.tile("u", [7, 33])
    let out = k.output("out", [7, 33])
    k.load(kt, pa)
    k.b.emit(
      .activation(
        dst: k.whole(ku), src: k.whole(kt), function: .exp, scale: .scalar(0.5), bias: nil, reduceOp: nil,
        reduceDst: nil))
    k.store(out, ku)
    let interpreted = try k.run([out], [av]).outputs[0]
    #expect(eager == interpreted)
    #expect(core.report.engines[.scalar]?.instructions == 1)
  }

  @Test("on-chip capacity is enforced while tiles are live and released by free")
  func capacity() throws {
    let core = CoreSession(target: .trn1)
    let big = try core.allocate(name: "big", space: .sbuf, shape: [128, 40_000], dtype: .float32)
    #expect(throws: KernelError.self) {
      _ = try core.allocate(name: "more", space: .sbuf, shape: [128, 10_000], dtype: .float32)
    }
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

@Suite("Resource limits")
struct ResourceLimitTests {
  /// A kernel that runs `n` tiny instructions in a sequential loop.
  func spin(_ n: Int) throws -> Kernel {
    var b = KernelBuilder(name: "spin")
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [1, 1], dtype: .float32)
    _ = b.beginLoop(name: "i", kind: .sequential, stop: n)
    b.emit(.memset(dst: .whole(t, shape: [1, 1]), value: 1))
    try b.endLoop()
    return try b.finish(target: .trn2)
  }

  @Test("a runaway kernel stops at the instruction limit with a clear error")
  func instructionLimit() throws {
    let k = try spin(10_000)
    #expect {
      _ = try Interpreter(kernel: k, options: RunOptions(maxInstructions: 500)).run([])
    } throws: { e in
      (e as? KernelError)?.message == "resource limit exceeded: executed instructions (limit 500)"
    }
  }

  @Test("a runaway kernel stops at the wall-time limit")
  func wallTimeLimit() throws {
    let k = try spin(50_000_000)
    #expect {
      _ = try Interpreter(kernel: k, options: RunOptions(maxSeconds: 0.05)).run([])
    } throws: { e in
      (e as? KernelError)?.message.hasPrefix("resource limit exceeded: wall time of 0.05 seconds") == true
    }
  }

  @Test("simulated memory beyond the limit is refused before anything runs")
  func memoryLimit() throws {
    var b = KernelBuilder(name: "big")
    _ = b.addParameter(name: "a", shape: [1 << 20, 64], dtype: .float32)
    let k = try b.finish(target: .trn2)
    #expect(throws: KernelError.self) { _ = try Interpreter(kernel: k, options: RunOptions(maxMemoryBytes: 1 << 20)) }
  }
}
