import TesselDSL
import TesselHost
import TesselIR
import TesselTestSupport
import Testing

@Suite("DSL examples match the plain-loop references")
struct ExampleTests {
  @Test("tensor_add over ragged and exact shapes", arguments: [(300, 700), (128, 512), (5, 3), (256, 1024)])
  func tensorAdd(shape: (Int, Int)) throws {
    let (r, c) = shape
    let a = uniform(r * c, seed: 1)
    let b = uniform(r * c, seed: 2)
    let out = try runKernel(DSLExamples.tensorAdd(rows: r, cols: c), [a, b])
    expectClose(out, referenceAdd(a, b), shape: [r, c], dtype: .float32)
  }

  @Test("tensor_add_spmd over a 2-D grid", arguments: [(256, 1024), (128, 512)])
  func tensorAddSPMD(shape: (Int, Int)) throws {
    let (r, c) = shape
    let a = uniform(r * c, seed: 3)
    let b = uniform(r * c, seed: 4)
    let zeros = [Float](repeating: 0, count: r * c)
    let out = try runKernel(DSLExamples.tensorAddSPMD(rows: r, cols: c), [a, b, zeros], parameter: "c_output")
    expectClose(out, referenceAdd(a, b), shape: [r, c], dtype: .float32)
  }

  @Test("transpose2d of small matrices stored per row", arguments: [(200, 3, 4), (128, 2, 5), (7, 4, 4)])
  func transpose2D(shape: (Int, Int, Int)) throws {
    let (n, rows, cols) = shape
    let x = uniform(n * rows * cols, seed: 5)
    let out = try runKernel(
      DSLExamples.transpose2D(count: n, rows: rows, cols: cols), [x, [Float](repeating: 0, count: x.count)],
      parameter: "out_tensor")
    #expect(out == referenceTranspose(x, rows: rows, cols: cols, batch: n))
  }

  @Test("transpose of a whole matrix on the Tensor engine", arguments: [(256, 384), (128, 128)])
  func transposeMatrix(shape: (Int, Int)) throws {
    let (m, n) = shape
    let x = uniform(m * n, seed: 6)
    let out = try runKernel(DSLExamples.transposeMatrix(m: m, n: n), [x])
    #expect(out == referenceTranspose(x, rows: m, cols: n))
  }

  @Test("matmul kernels", arguments: ["basic", "tiled", "hoisted", "block_free", "optimized"])
  func matmul(variant: String) throws {
    let shapes: [(Int, Int, Int)]
    let make: (Int, Int, Int) -> SwiftKernel
    switch variant {
    case "basic":
      shapes = [(128, 64, 512), (32, 7, 33)]
      make = { DSLExamples.matmulBasic(k: $0, m: $1, n: $2) }
    case "tiled":
      shapes = [(256, 256, 1024), (128, 128, 512)]
      make = { DSLExamples.matmulTiled(k: $0, m: $1, n: $2) }
    case "hoisted":
      shapes = [(256, 256, 1024), (384, 128, 512)]
      make = { DSLExamples.matmulHoisted(k: $0, m: $1, n: $2) }
    case "block_free":
      shapes = [(256, 256, 1024)]
      make = { DSLExamples.matmulBlockFree(k: $0, m: $1, n: $2) }
    default:
      shapes = [(512, 256, 1024), (256, 512, 1024)]
      make = { DSLExamples.matmulOptimized(k: $0, m: $1, n: $2) }
    }
    for (k, m, n) in shapes {
      let a = uniform(k * m, seed: UInt64(k + m))
      let b = uniform(k * n, seed: UInt64(n))
      let out = try runKernel(make(k, m, n), [a, b])
      expectClose(out, referenceMatmul(transposedA: a, b, m: m, k: k, n: n), shape: [m, n], rtol: 1e-4, atol: 1e-4)
    }
  }

  @Test("softmax", arguments: [(300, 64), (128, 512), (3, 10)])
  func softmax(shape: (Int, Int)) throws {
    let (r, c) = shape
    let x = uniform(r * c, -4...4, seed: 7)
    let out = try runKernel(DSLExamples.softmax(rows: r, cols: c), [x])
    expectClose(out, referenceSoftmax(x, rows: r, cols: c), shape: [r, c], rtol: 1e-5, atol: 1e-6)
  }

  @Test("rmsnorm", arguments: [(300, 256), (128, 64), (1, 8)])
  func rmsNorm(shape: (Int, Int)) throws {
    let (r, c) = shape
    let x = uniform(r * c, seed: 8)
    let w = uniform(c, 0...1, seed: 9)
    let out = try runKernel(DSLExamples.rmsNorm(rows: r, cols: c), [x, w])
    expectClose(
      out, referenceRMSNorm(x, weight: w, rows: r, cols: c, eps: 1e-6), shape: [r, c], rtol: 1e-4, atol: 1e-5)
  }

  @Test("layernorm with nl operations", arguments: [(300, 256), (128, 64), (17, 8)])
  func layerNorm(shape: (Int, Int)) throws {
    let (r, c) = shape
    let x = uniform(r * c, seed: 10)
    let g = uniform(c, seed: 11)
    let b = uniform(c, seed: 12)
    let out = try runKernel(DSLExamples.layerNorm(rows: r, cols: c), [x, g, b])
    expectClose(
      out, referenceLayerNorm(x, gamma: g, beta: b, rows: r, cols: c, eps: 1e-5), shape: [r, c], rtol: 1e-4, atol: 1e-4)
  }

  @Test("layernorm with bn_stats/bn_aggr", arguments: [(300, 1024), (128, 64), (5, 512)])
  func layerNormBN(shape: (Int, Int)) throws {
    let (r, c) = shape
    let x = uniform(r * c, seed: 13)
    let g = uniform(c, seed: 14)
    let b = uniform(c, seed: 15)
    let out = try runKernel(DSLExamples.layerNormBN(rows: r, cols: c), [x, g, b])
    expectClose(
      out, referenceLayerNorm(x, gamma: g, beta: b, rows: r, cols: c, eps: 1e-5), shape: [r, c], rtol: 1e-4, atol: 1e-4)
  }

  @Test("attention, plain and causal", arguments: [false, true])
  func attention(causal: Bool) throws {
    for (seq, d) in [(256, 64), (128, 128)] {
      let q = uniform(seq * d, -1...1, seed: 16)
      let k = uniform(seq * d, -1...1, seed: 17)
      let v = uniform(seq * d, seed: 18)
      let scale = 1 / Double(d).squareRoot()
      let out = try runKernel(
        DSLExamples.attention(seq: seq, dHead: d, causal: causal, softmaxScale: scale), [q, k, v])
      let e = referenceAttention(q: q, k: k, v: v, seq: seq, d: d, causal: causal, scale: Float(scale))
      expectClose(out, e, shape: [seq, d], rtol: 1e-4, atol: 1e-5)
    }
  }

  @Test("mamba selective scan", arguments: [(1, 128, 1024, 4, 512), (2, 256, 64, 3, 512)])
  func mamba(shape: (Int, Int, Int, Int, Int)) throws {
    let (batch, ch, len, state, tile) = shape
    let delta = uniform(batch * ch * len, 0...0.1, seed: 19)
    let u = uniform(batch * ch * len, seed: 20)
    let a = uniform(ch * state, -1...0, seed: 21)
    let b = uniform(batch * state * len, seed: 22)
    let c = uniform(batch * state * len, seed: 23)
    let out = try runKernel(
      DSLExamples.mamba(batch: batch, channels: ch, seqLen: len, stateSize: state, seqTile: tile), [delta, u, a, b, c])
    let e = referenceMamba(
      delta: delta, u: u, a: a, b: b, c: c, batch: batch, channels: ch, seqLen: len, stateSize: state)
    expectClose(out, e, shape: [batch, ch, len], rtol: 1e-4, atol: 1e-4)
  }

  @Test("rotary embedding", arguments: [(200, 64), (128, 8), (3, 2)])
  func rotary(shape: (Int, Int)) throws {
    let (seq, d) = shape
    let x = uniform(seq * d, seed: 24)
    let cs = uniform(seq * d / 2, seed: 25)
    let sn = uniform(seq * d / 2, seed: 26)
    let out = try runKernel(
      DSLExamples.rotary(seq: seq, dHead: d), [x, cs, sn, [Float](repeating: 0, count: x.count)], parameter: "out")
    expectClose(out, referenceRotary(x, cos: cs, sin: sn, rows: seq, cols: d), shape: [seq, d], rtol: 1e-5, atol: 1e-5)
  }

  @Test("avgpool2d", arguments: [(200, 8, 12, 2), (128, 9, 9, 3), (3, 4, 5, 2)])
  func avgPool2D(shape: (Int, Int, Int, Int)) throws {
    let (c, h, w, p) = shape
    let x = uniform(c * h * w, seed: 27)
    let out = try runKernel(DSLExamples.avgPool2D(channels: c, height: h, width: w, pool: p), [x])
    expectClose(
      out, referenceAvgPool2D(x, channels: c, height: h, width: w, pool: p), shape: [c, h / p, w / p], rtol: 1e-5,
      atol: 1e-5)
  }

  @Test("bfloat16 inputs: softmax and tiled matmul")
  func bfloat16() throws {
    let x = roundToBFloat16(uniform(300 * 64, -4...4, seed: 28))
    let args = [try host(x, [300, 64], .bfloat16)]
    let r = try DSLExamples.softmax(rows: 300, cols: 64, dtype: .bfloat16).run(args)
    expectClose(
      r.outputs[0].floatValues(), referenceSoftmax(x, rows: 300, cols: 64), shape: [300, 64], dtype: .bfloat16)
    let a = roundToBFloat16(uniform(256 * 128, -1...1, seed: 29))
    let b = roundToBFloat16(uniform(256 * 512, -1...1, seed: 30))
    let m = try DSLExamples.matmulTiled(k: 256, m: 128, n: 512, dtype: .bfloat16)
      .run([try host(a, [256, 128], .bfloat16), try host(b, [256, 512], .bfloat16)])
    #expect(r.outputs[0].dtype == .bfloat16 && m.outputs[0].dtype == .bfloat16)
    expectClose(
      m.outputs[0].floatValues(), roundToBFloat16(referenceMatmul(transposedA: a, b, m: 128, k: 256, n: 512)),
      shape: [128, 512], dtype: .bfloat16)
  }

  @Test("every kernels/*.py entry point has a DSL pairing that builds for every target", arguments: Target.allCases)
  func pairings(target: Target) throws {
    let pairs = DSLExamples.pairings
    let entryPoints = Set(pairs.map { "\($0.file):\($0.entryPoint)" })
    // 17 legacy entry points of kernels/*.py, 12 single-program ones of kernels/current/*.py.
    #expect(entryPoints.count == 29)
    #expect(Set(DSLExamples.currentPairings.map(\.file)).count == 12)
    for p in pairs {
      let kernel = try p.kernel.build(target: target)
      #expect(kernel.name == p.entryPoint)
      // Every instruction and tensor points at the Swift line that made it.
      let located = kernel.instructions.allSatisfy { $0.location.isKnown && $0.location.file.hasPrefix("TesselDSL/") }
      let declared = kernel.tensors.allSatisfy { $0.location.isKnown }
      #expect(located && declared, "\(p.entryPoint) has an instruction or tensor without a location")
      #expect(kernel.printed(canonicalNames: true).hasPrefix("kernel \(p.entryPoint)("))
    }
  }
}
