import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import TesselTestSupport
import Testing

/// The repository's `kernels/` folder.
let kernelsDirectory: String = {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("kernels").path
}()

/// An argument for a kernel under test.
enum TestArgument {
  case tensor([Int], [Float], DType = .float32)
  case literal(PythonLiteral)
}

/// Traces `kernels/<file>` for the arguments and runs it.
func runKernelFile(
  _ file: String, kernel: String? = nil, _ args: [TestArgument], keywords: [String: TestArgument] = [:],
  grid: [Int] = [], target: Target = .trn2, trackOrigins: Bool = false
) throws -> (result: HostRunResult, kernel: Kernel) {
  let nki = try NKIFile.load(path: "\(kernelsDirectory)/\(file)")
  func ka(_ a: TestArgument) -> KernelArgument {
    switch a {
    case .tensor(let s, _, let d): return .tensor(shape: s, dtype: d)
    case .literal(let l): return .literal(l)
    }
  }
  let traced = try nki.trace(
    kernel: kernel, arguments: args.map(ka), keywords: keywords.mapValues(ka), grid: grid, target: target)
  // Parameters: positional tensors first, then keyword tensors by sorted name.
  var data: [HostArray] = []
  for a in args {
    if case .tensor(let s, let v, let d) = a { data.append(try HostArray(shape: s, dtype: d, values: v)) }
  }
  for (_, a) in keywords.sorted(by: { $0.key < $1.key }) {
    if case .tensor(let s, let v, let d) = a { data.append(try HostArray(shape: s, dtype: d, values: v)) }
  }
  var options = RunOptions(target: target)
  options.trackUninitializedOrigins = trackOrigins
  let r = try Interpreter(kernel: traced.kernel, options: options).run(hostArrays: data)
  return (r, traced.kernel)
}

@Suite("Tutorial kernels in kernels/ run unmodified and match plain-loop references")
struct KernelFileTests {
  @Test("tensor_add: ragged shapes with masks", arguments: [(1, 1), (7, 13), (128, 512), (300, 700), (129, 1025)])
  func tensorAdd(shape: (Int, Int)) throws {
    let (r, c) = shape
    let a = randomArray(count: r * c, in: -1...1, seed: 1)
    let b = randomArray(count: r * c, in: -1...1, seed: 2)
    let (res, _) = try runKernelFile("tensor_add.py", [.tensor([r, c], a), .tensor([r, c], b)])
    _ = expectClose(res.outputs[0].floatValues(), referenceAdd(a, b), shape: [r, c], rtol: 0, atol: 0)
    #expect(res.report.warnings.isEmpty, "\(res.report.warnings.map(\.message))")
  }

  @Test("tensor_add in bf16 rounds the sum once")
  func tensorAddBF16() throws {
    let a = roundToBFloat16(randomArray(count: 128 * 64, in: -4...4, seed: 3))
    let b = roundToBFloat16(randomArray(count: 128 * 64, in: -4...4, seed: 4))
    let (res, _) = try runKernelFile(
      "tensor_add.py", [.tensor([128, 64], a, .bfloat16), .tensor([128, 64], b, .bfloat16)])
    _ = expectClose(
      res.outputs[0].floatValues(), roundToBFloat16(referenceAdd(a, b)), shape: [128, 64], rtol: 0, atol: 0)
  }

  @Test("tensor_add_spmd on a 2-D launch grid writes its output parameter")
  func tensorAddSPMD() throws {
    let r = 256
    let c = 1024
    let a = randomArray(count: r * c, seed: 5)
    let b = randomArray(count: r * c, seed: 6)
    let (res, _) = try runKernelFile(
      "tensor_add_spmd.py",
      [.tensor([r, c], a), .tensor([r, c], b), .tensor([r, c], Array(repeating: 0, count: r * c))], grid: [2, 2])
    let out = try #require(res.parameters["c_output"])
    _ = expectClose(out.floatValues(), referenceAdd(a, b), shape: [r, c], rtol: 0, atol: 0)
  }

  @Test("transpose2d kernels")
  func transpose() throws {
    let n = 5
    let rr = 4
    let cc = 6
    let x = randomArray(count: n * rr * cc, seed: 7)
    let (res, _) = try runKernelFile(
      "transpose2d.py", kernel: "transpose2d_kernel",
      [
        .tensor([n, rr * cc], x), .tensor([n, rr * cc], Array(repeating: 0, count: n * rr * cc)),
        .literal(.tuple([.int(rr), .int(cc)])),
      ])
    let out = try #require(res.parameters["out_tensor"])
    _ = expectClose(
      out.floatValues(), referenceTranspose(x, rows: rr, cols: cc, batch: n), shape: [n, rr * cc], rtol: 0, atol: 0)
    let m = 256
    let k = 128
    let y = randomArray(count: m * k, seed: 8)
    let (res2, _) = try runKernelFile("transpose2d.py", kernel: "transpose_matrix_kernel", [.tensor([m, k], y)])
    _ = expectClose(
      res2.outputs[0].floatValues(), referenceTranspose(y, rows: m, cols: k), shape: [k, m], rtol: 0, atol: 0)
  }

  @Test("avgpool2d", arguments: [(3, 8, 8, 2), (130, 12, 6, 3)])
  func avgpool(dims: (Int, Int, Int, Int)) throws {
    let (c, h, w, p) = dims
    let x = randomArray(count: c * h * w, seed: 9)
    let (res, _) = try runKernelFile("avgpool2d.py", [.tensor([c, h, w], x), .literal(.int(p))])
    _ = expectClose(
      res.outputs[0].floatValues(), referenceAvgPool2D(x, channels: c, height: h, width: w, pool: p),
      shape: [c, h / p, w / p], dtype: .float32)
  }

  @Test(
    "matmul series, legacy and current dialect",
    arguments: [
      "matmul_basic.py", "matmul_tiled.py", "matmul_hoisted.py", "matmul_block_free.py", "matmul_optimized.py",
      "current/matmul_tiled.py", "current/matmul_hoisted.py",
    ])
  func matmul(file: String) throws {
    let (K, M, N) = file == "matmul_basic.py" ? (128, 64, 512) : (512, 256, 1024)
    let a = randomArray(count: K * M, in: -1...1, seed: 10)
    let b = randomArray(count: K * N, in: -1...1, seed: 11)
    let (res, _) = try runKernelFile(file, [.tensor([K, M], a), .tensor([K, N], b)])
    _ = expectClose(
      res.outputs[0].floatValues(), referenceMatmul(transposedA: a, b, m: M, k: K, n: N), shape: [M, N], rtol: 1e-4,
      atol: 1e-4)
  }

  @Test("rmsnorm", arguments: [(1, 64), (7, 300), (300, 512)])
  func rmsnorm(shape: (Int, Int)) throws {
    let (r, c) = shape
    let x = randomArray(count: r * c, in: -2...2, seed: 12)
    let w = randomArray(count: c, seed: 13)
    let (res, _) = try runKernelFile("rmsnorm.py", [.tensor([r, c], x), .tensor([c], w)])
    _ = expectClose(
      res.outputs[0].floatValues(), referenceRMSNorm(x, weight: w, rows: r, cols: c), shape: [r, c], rtol: 1e-4,
      atol: 1e-5)
  }

  @Test(
    "layernorm (nl ops and bn_stats/bn_aggr)", arguments: ["layernorm.py", "layernorm_bn.py"],
    [(7, 64), (300, 512), (130, 1024)])
  func layernorm(file: String, shape: (Int, Int)) throws {
    let (r, c) = shape
    let x = randomArray(count: r * c, in: -2...2, seed: 14)
    let g = randomArray(count: c, seed: 15)
    let b = randomArray(count: c, seed: 16)
    let (res, _) = try runKernelFile(file, [.tensor([r, c], x), .tensor([c], g), .tensor([c], b)])
    _ = expectClose(
      res.outputs[0].floatValues(), referenceLayerNorm(x, gamma: g, beta: b, rows: r, cols: c), shape: [r, c],
      rtol: 1e-3, atol: 1e-4)
  }

  @Test("softmax", arguments: [(1, 8), (7, 100), (300, 512)])
  func softmax(shape: (Int, Int)) throws {
    let (r, c) = shape
    let x = randomArray(count: r * c, in: -5...5, seed: 17)
    let (res, _) = try runKernelFile("softmax.py", [.tensor([r, c], x)])
    _ = expectClose(
      res.outputs[0].floatValues(), referenceSoftmax(x, rows: r, cols: c), shape: [r, c], rtol: 1e-4, atol: 1e-6)
  }

  @Test("fused self-attention, with and without the causal mask", arguments: [false, true])
  func attention(causal: Bool) throws {
    let seq = 256
    let d = 64
    let q = randomArray(count: seq * d, in: -1...1, seed: 18)
    let k = randomArray(count: seq * d, in: -1...1, seed: 19)
    let v = randomArray(count: seq * d, in: -1...1, seed: 20)
    let (res, _) = try runKernelFile(
      "attention.py", [.tensor([seq, d], q), .tensor([seq, d], k), .tensor([seq, d], v)],
      keywords: ["use_causal_mask": .literal(.bool(causal))])
    _ = expectClose(
      res.outputs[0].floatValues(), referenceAttention(q: q, k: k, v: v, seq: seq, d: d, causal: causal, scale: 0.125),
      shape: [seq, d], rtol: 1e-3, atol: 1e-4)
  }

  @Test("fused mamba with tensor_tensor_scan")
  func mamba() throws {
    let b = 1
    let ch = 128
    let L = 1024
    let S = 4
    let delta = randomArray(count: b * ch * L, in: 0...0.1, seed: 21)
    let u = randomArray(count: b * ch * L, in: -1...1, seed: 22)
    let A = randomArray(count: ch * S, in: -1...0, seed: 23)
    let B = randomArray(count: b * S * L, in: -1...1, seed: 24)
    let C = randomArray(count: b * S * L, in: -1...1, seed: 25)
    let (res, _) = try runKernelFile(
      "mamba.py",
      [
        .tensor([b, ch, L], delta), .tensor([b, ch, L], u), .tensor([ch, S], A), .tensor([b, S, L], B),
        .tensor([b, S, L], C),
      ])
    _ = expectClose(
      res.outputs[0].floatValues(),
      referenceMamba(delta: delta, u: u, a: A, b: B, c: C, batch: b, channels: ch, seqLen: L, stateSize: S),
      shape: [b, ch, L], rtol: 1e-3, atol: 1e-4)
  }

  @Test("rotary embedding", arguments: [(7, 16), (300, 64)])
  func rotary(shape: (Int, Int)) throws {
    let (s, d) = shape
    let x = randomArray(count: s * d, in: -1...1, seed: 26)
    let co = randomArray(count: s * d / 2, in: -1...1, seed: 27)
    let si = randomArray(count: s * d / 2, in: -1...1, seed: 28)
    let (res, _) = try runKernelFile(
      "rotary.py",
      [
        .tensor([s, d], x), .tensor([s, d / 2], co), .tensor([s, d / 2], si),
        .tensor([s, d], Array(repeating: 0, count: s * d)),
      ])
    let out = try #require(res.parameters["out"])
    _ = expectClose(
      out.floatValues(), referenceRotary(x, cos: co, sin: si, rows: s, cols: d), shape: [s, d], rtol: 1e-5, atol: 1e-6)
  }
}

@Suite("Kernels that use Python the way production kernels do")
struct PythonFeatureKernelTests {
  @Test(
    "adaptive_avgpool: window bounds from numpy arrays at trace time (np.arange arithmetic, .max(), indexing)",
    arguments: [(1, 4, 4, 1, 1), (7, 10, 9, 3, 4), (128, 13, 7, 5, 7)])
  func adaptiveAvgPool(shape: (Int, Int, Int, Int, Int)) throws {
    let (c, h, w, oh, ow) = shape
    let x = randomArray(count: c * h * w, in: -1...1, seed: 12)
    let (res, _) = try runKernelFile(
      "adaptive_avgpool.py", [.tensor([c, h, w], x), .literal(.tuple([.int(oh), .int(ow)]))])
    _ = expectClose(
      res.outputs[0].floatValues(),
      referenceAdaptiveAvgPool2D(x, channels: c, height: h, width: w, outHeight: oh, outWidth: ow),
      shape: [c, oh, ow], rtol: 1e-5, atol: 1e-6)
  }

  @Test(
    "python_features: dataclass config, IntEnum, NamedTuple, a generator of ragged row tiles",
    arguments: [(1, 8), (7, 64), (129, 33), (300, 512)])
  func pythonFeatures(shape: (Int, Int)) throws {
    let (r, c) = shape
    let x = randomArray(count: r * c, in: -2...2, seed: 11)
    let (res, kernel) = try runKernelFile("python_features.py", [.tensor([r, c], x)])
    _ = expectClose(
      res.outputs[0].floatValues(), referenceScaledActivation(x, scale: 2, activation: "relu"), shape: [r, c],
      rtol: 0, atol: 0)
    #expect(res.report.warnings.isEmpty, "\(res.report.warnings.map(\.message))")
    // One load, multiply, relu and store per row tile: the generator unrolled ceil(r / 128) tiles.
    let tiles = (r + 127) / 128
    #expect(
      kernel.instructions.filter { if case .load = $0.operation { return true } else { return false } }.count == tiles)
  }
}
