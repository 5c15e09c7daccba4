import TesselIR
import TesselLang
import Testing

@testable import TesselTiming

/// What the model reproduces of the compiler's placement: reductions folded into the activation
/// that feeds them, and copies balanced over the Vector and Scalar engines.
@Suite("Compiler placement")
struct CompilerPlacementTests {
  static func softmaxSum(_ reduction: String) -> String {
    """
    @nki.jit
    def k(a):
        out = nl.ndarray((a.shape[0], 1), dtype=nl.float32, buffer=nl.shared_hbm)
        x = nl.load(a)
        e = nl.exp(x)
        s = nl.\(reduction)(e, axis=1, keepdims=True)
        nl.store(out, value=s)
        return out
    """
  }

  @Test("exp then a sum of its result: one activation with an accumulating reduction (+ MIN_II), no tensor_reduce")
  func foldedSum() throws {
    let e = try estimate(try trace(Self.softmaxSum("sum"), [([128, 512], .float32)], target: .trn1), target: .trn1)
    #expect(executions(e, "tensor_reduce").isEmpty)
    let act = try #require(executions(e, "activation").first)
    // max(64, 512 + 60) + 64 ACT cycles at 1.4 GHz.
    #expect(abs((act.end - act.start) - (572.0 + 64) / 1.4) < 1e-6)
    // The store of the sum still waits for it: compute → DMA semaphore after the activation.
    let store = try #require(executions(e, "store").first)
    #expect(abs(store.start - (act.end + 1300)) < 1e-6)
  }

  @Test("a maximum of the activation's result is not folded (ACT accumulates only sums)")
  func maxNotFolded() throws {
    let e = try estimate(try trace(Self.softmaxSum("max"), [([128, 512], .float32)], target: .trn1), target: .trn1)
    let reduce = executions(e, "tensor_reduce")
    #expect(reduce.count == 1)
    let act = try #require(executions(e, "activation").first)
    #expect(abs((act.end - act.start) - 572.0 / 1.4) < 1e-6)
    #expect(reduce.first.map { $0.start >= act.end } == true)
  }

  static func copies(_ call: String) -> String {
    """
    @nki.jit
    def k(a):
        out = nl.ndarray((2 * a.shape[0], a.shape[1], a.shape[2]), dtype=a.dtype, buffer=nl.shared_hbm)
        for i in nl.affine_range(a.shape[0]):
            x = nl.load(a[i])
            y = \(call)
            z = \(call)
            nl.store(out[2 * i], value=y)
            nl.store(out[2 * i + 1], value=z)
        return out
    """
  }

  @Test("nl.copy goes to whichever of Vector and Scalar finishes it first, at that engine's cost")
  func balancedCopies() throws {
    let k = try trace(Self.copies("nl.copy(x)"), [([8, 128, 512], .float32)], target: .trn1)
    let e = try estimate(k, target: .trn1)
    let copies = executions(e, "tensor_copy")
    #expect(copies.count == 16)
    let vector = copies.filter { $0.track == 1 }
    let scalar = copies.filter { $0.track == 2 }
    #expect(!vector.isEmpty && !scalar.isEmpty && vector.count + scalar.count == 16)
    // max(64, 512 + 60) cycles: DVE at 1.12 GHz, ACT at 1.4 GHz.
    for c in vector { #expect(abs((c.end - c.start) - 572 / 1.12) < 1e-6) }
    for c in scalar { #expect(abs((c.end - c.start) - 572 / 1.4) < 1e-6) }
    // Each engine still runs its copies one after another.
    for group in [vector, scalar] {
      for (a, b) in zip(group, group.dropFirst()) { #expect(b.start >= a.end - 1e-9) }
    }
    let busy = e.report.engines["scalar"]?.busyNs ?? 0
    #expect(abs(busy - Double(scalar.count) * 572 / 1.4) < 1e-6)
  }

  @Test("a copy the kernel placed (engine=) stays on that engine")
  func chosenEngineKept() throws {
    let k = try trace(
      Self.copies("nisa.tensor_copy(x, engine=nisa.vector_engine)"), [([8, 128, 512], .float32)], target: .trn1)
    #expect(k.instructions.contains { $0.engineIsChosen })
    let copies = executions(try estimate(k, target: .trn1), "tensor_copy")
    #expect(copies.count == 16 && copies.allSatisfy { $0.track == 1 })
  }
}

/// Launches on two physical cores (LNC = 2): each program's instructions run on its own core.
@Suite("Multi-program launches")
struct MultiProgramTests {
  /// Two programs, each loading, exponentiating and storing its own half of `x`; with
  /// `stamped`, the builder marks each program's instructions.
  static func twoPrograms(stamped: Bool) throws -> Kernel {
    var b = KernelBuilder(name: "k")
    let x = b.addParameter(name: "x", shape: [256, 2048], dtype: .float32)
    let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [256, 2048], dtype: .float32)
    for p in 0..<2 {
      if stamped { b.program = p }
      let t = b.declareTensor(name: "t\(p)", space: .sbuf, shape: [128, 2048], dtype: .float32)
      let tile = View.whole(t, shape: [128, 2048])
      let half = View(
        tensor: x, start: [AffineExpr(constant: p * 128), 0],
        dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: 2048)])
      var rows = half
      rows.tensor = out
      b.emit(.load(dst: tile, src: half))
      b.emit(
        .activation(dst: tile, src: tile, function: .exp, scale: .scalar(1), bias: nil, reduceOp: nil, reduceDst: nil))
      b.emit(.store(dst: rows, src: tile))
    }
    b.setOutputs([out])
    return try b.finish(target: .trn2)
  }

  @Test("the programs of an LNC = 2 launch overlap on two cores; unmarked, the same stream shares one core")
  func twoCores() throws {
    let split = try estimate(try Self.twoPrograms(stamped: true), target: .trn2)
    let shared = try estimate(try Self.twoPrograms(stamped: false), target: .trn2)
    #expect(split.model.kernel.instructions.map(\.program) == [0, 0, 0, 1, 1, 1])
    let log = try #require(split.events)
    var cores: [Int: Set<Int>] = [:]
    for i in 0..<log.count {
      let program = split.model.kernel.instructions[Int(log.instruction[i])].program
      cores[program, default: []].insert(Int(log.core[i]))
    }
    #expect(cores == [0: [0], 1: [1]])
    // Each core has the whole chain of one program: the two activations start at the same time.
    let acts = executions(split, "activation")
    #expect(acts.count == 2 && abs(acts[0].start - acts[1].start) < 1e-6)
    let sharedActs = executions(shared, "activation")
    #expect(sharedActs.count == 2 && sharedActs[1].start >= sharedActs[0].end - 1e-9)
    #expect(split.report.scheduleNs < shared.report.scheduleNs)
    #expect(split.report.notes.contains { $0.contains("2 physical cores") })
  }

  static func integerOps(_ operand: String) -> String {
    """
    @nki.jit
    def k(a):
        out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
        x = nl.load(a)
        y = nisa.tensor_scalar(x, nl.multiply, \(operand))
        z = nisa.tensor_tensor(y, x, op=nl.add)
        nl.store(out, value=z)
        return out
    """
  }

  @Test(
    "tensor_scalar and tensor_tensor on int32/uint32 tiles (integer immediates) run on GpSimd, where NKI computes in integers; fp32 tiles or a float immediate stay on Vector",
    arguments: [
      (DType.int32, "3", 3, 3), (.uint32, "3", 3, 3), (.float32, "3", 1, 1),
      // A float immediate makes the tensor_scalar fp32 arithmetic; the tensor_tensor of its int32
      // result and the int32 input is still all-integer.
      (.int32, "2.5", 1, 3),
    ])
  func integerArithmeticOnGpSimd(dtype: DType, operand: String, scalarTrack: Int, tensorTrack: Int) throws {
    let names = [1: "vector", 3: "gpsimd"]
    for partitions in [1, 7, 128] {
      let k = try trace(Self.integerOps(operand), [([partitions, 96], dtype)], target: .trn2)
      let e = try estimate(k, target: .trn2)
      #expect(executions(e, "tensor_scalar").map(\.track) == [scalarTrack])
      #expect(executions(e, "tensor_tensor").map(\.track) == [tensorTrack])
      for (track, engine) in names {
        let busy = e.report.engines[engine]?.busyNs ?? 0
        #expect((busy > 0) == (track == scalarTrack || track == tensorTrack), "\(engine) busy \(busy) ns")
      }
    }
  }
}
