import Foundation
import TesselDSL
import TesselHost
import TesselIR
import TesselTestSupport
import Testing

@Suite("Eager mode executes the same DSL calls and agrees with the interpreter")
struct EagerTests {
  /// Runs a kernel both ways on seeded float32 inputs and compares every output and parameter.
  func crossCheck(_ kernel: SwiftKernel, seed: UInt64) throws {
    let args = try kernel.parameters.enumerated().map { i, p in
      try host(uniform(p.shape.reduce(1, *), -1...1, seed: seed + UInt64(i)), p.shape, p.dtype)
    }
    let interpreted = try kernel.run(args)
    let eager = try kernel.runEagerly(args)
    #expect(eager.outputs.count == interpreted.outputs.count)
    for (e, i) in zip(eager.outputs, interpreted.outputs) {
      expectClose(e.floatValues(), i.floatValues(), shape: i.shape, rtol: 1e-6, atol: 1e-6)
    }
    for (name, value) in interpreted.parameters {
      let e = eager.parameters[name]?.floatValues() ?? []
      #expect(e.count == value.count)
      let finite = zip(e, value.floatValues()).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) || abs($0 - $1) <= 1e-6 }
      #expect(finite, "parameter \(name) differs")
    }
  }

  @Test(
    "examples run eagerly give the interpreter's results",
    arguments: [
      "tensor_add", "tensor_add_spmd", "transpose2d", "matmul_tiled", "matmul_optimized", "softmax", "layernorm_bn",
      "attention_causal", "mamba", "rotary", "avgpool2d",
    ])
  func examples(name: String) throws {
    let k: SwiftKernel
    switch name {
    case "tensor_add": k = DSLExamples.tensorAdd(rows: 300, cols: 700)
    case "tensor_add_spmd": k = DSLExamples.tensorAddSPMD(rows: 256, cols: 1024)
    case "transpose2d": k = DSLExamples.transpose2D(count: 200, rows: 3, cols: 4)
    case "matmul_tiled": k = DSLExamples.matmulTiled(k: 256, m: 256, n: 512)
    case "matmul_optimized": k = DSLExamples.matmulOptimized(k: 512, m: 256, n: 1024)
    case "softmax": k = DSLExamples.softmax(rows: 300, cols: 64)
    case "layernorm_bn": k = DSLExamples.layerNormBN(rows: 200, cols: 1024)
    case "attention_causal": k = DSLExamples.attention(seq: 256, dHead: 64, causal: true)
    case "mamba": k = DSLExamples.mamba(batch: 1, channels: 128, seqLen: 1024, stateSize: 2)
    case "rotary": k = DSLExamples.rotary(seq: 200, dHead: 64)
    default: k = DSLExamples.avgPool2D(channels: 200, height: 8, width: 12, pool: 2)
    }
    try crossCheck(k, seed: 40)
  }

  @Test(
    "current-dialect twins (destination passing, access patterns) run eagerly give the interpreter's results",
    arguments: DSLExamples.currentPairings.indices)
  func currentExamples(index: Int) throws {
    try crossCheck(DSLExamples.currentPairings[index].kernel, seed: 41)
  }

  @Test("an eager error stops at the failing call and carries its location")
  func eagerError() throws {
    let x = try host(uniform(128 * 64, seed: 1), [128, 64])
    let k = SwiftKernel(name: "bad", parameters: [KernelParameter("a", shape: [128, 64])]) { args in
      let a = load(args[0])
      let p = matmul(a, a[0..<64, 0...])
      store(output("out", shape: [64, 64], dtype: .float32), value: p)
    }
    do {
      _ = try k.runEagerly([x])
      Issue.record("expected an error")
    } catch {
      #expect(error.operation == "nc_matmul" && error.location.line == #line - 7)
    }
  }
}

@Suite("EagerSession: DSL calls run as they are made")
struct EagerSessionTests {
  @Test("tiles persist across calls, views read back, errors leave the session usable")
  func interactive() throws {
    let values = uniform(256 * 64, seed: 50)
    let session = EagerSession(target: .trn2)
    let x = try session.tensor("x", host(values, [256, 64]))
    let t = try session.evaluate { load(x[128..<256, 0..<64]) }
    let e = try session.evaluate { exp(t) }
    let expected: [Float] = values[(128 * 64)...].map { Float(Foundation.exp(Double($0))) }
    expectClose(session.values(of: e), expected, shape: [128, 64], rtol: 1e-5, atol: 1e-6)
    #expect(
      session.values(of: t[0..<2, 1..<3]) == [
        values[128 * 64 + 1], values[128 * 64 + 2], values[129 * 64 + 1], values[129 * 64 + 2],
      ])
    #expect(throws: KernelError.self) { try session.evaluate { matmul(t, t[0..<64, 0...]) } }
    let out = try session.evaluate { output("out", shape: [256, 64], dtype: .float32) }
    try session.run {
      affineRange(2) { i in
        store(out[i * 128 ..+ 128, 0...], value: multiply(load(x[i * 128 ..+ 128, 0...]), 2))
      }
    }
    let doubled: [Float] = values.map { $0 * 2 }
    #expect(try session.hostArray(of: out).floatValues() == doubled)
    #expect((session.report.engines[.dma]?.instructions ?? 0) >= 5)
  }
}
