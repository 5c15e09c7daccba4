import TesselHost
import TesselIR
import TesselTestSupport
import Testing

/// The tutorial kernels of `kernels/current/` (matmul, normalization, pooling) in the current
/// dialect's style, traced unmodified and run against plain-loop references.
@Suite("Current-dialect tutorial kernels in kernels/current/ match plain-loop references")
struct CurrentTutorialKernelTests {
  @Test(
    "matmul_basic: one nc_matmul into a fresh PSUM tile, fp32 and bf16",
    arguments: [(1, 1, 1, DType.float32), (7, 13, 33, .float32), (128, 128, 512, .float32), (128, 64, 512, .bfloat16)])
  func matmulBasic(shape: (Int, Int, Int, DType)) throws {
    let (k, m, n, dtype) = shape
    var aT = randomArray(count: k * m, in: -1...1, seed: 21)
    var b = randomArray(count: k * n, in: -1...1, seed: 22)
    if dtype == .bfloat16 {
      aT = roundToBFloat16(aT)
      b = roundToBFloat16(b)
    }
    let (res, _) = try runKernelFile(
      "current/matmul_basic.py", [.tensor([k, m], aT, dtype), .tensor([k, n], b, dtype)])
    let expected = referenceMatmul(transposedA: aT, b, m: m, k: k, n: n)
    _ = expectClose(
      res.outputs[0].floatValues(), dtype == .bfloat16 ? roundToBFloat16(expected) : expected, shape: [m, n],
      rtol: dtype == .bfloat16 ? 1e-2 : 1e-5, atol: dtype == .bfloat16 ? 1e-2 : 1e-4)
    #expect(res.report.warnings.isEmpty, "\(res.report.warnings.map(\.message))")
  }

  @Test("rmsnorm: a weight row on every partition by a zero-step DMA", arguments: [(1, 1), (7, 300), (300, 512)])
  func rmsnorm(shape: (Int, Int)) throws {
    let (r, c) = shape
    let x = randomArray(count: r * c, in: -2...2, seed: 25)
    let w = randomArray(count: c, in: -1...1, seed: 26)
    let (res, _) = try runKernelFile("current/rmsnorm.py", [.tensor([r, c], x), .tensor([c], w)])
    _ = expectClose(
      res.outputs[0].floatValues(), referenceRMSNorm(x, weight: w, rows: r, cols: c), shape: [r, c], rtol: 1e-4,
      atol: 1e-5)
    #expect(res.report.warnings.isEmpty, "\(res.report.warnings.map(\.message))")
  }

  @Test("layernorm: bn_stats, bn_aggr, rsqrt", arguments: [(1, 5), (7, 64), (300, 512)])
  func layernorm(shape: (Int, Int)) throws {
    let (r, c) = shape
    let x = randomArray(count: r * c, in: -2...2, seed: 27)
    let g = randomArray(count: c, in: -1...1, seed: 28)
    let b = randomArray(count: c, in: -1...1, seed: 29)
    let (res, _) = try runKernelFile("current/layernorm.py", [.tensor([r, c], x), .tensor([c], g), .tensor([c], b)])
    _ = expectClose(
      res.outputs[0].floatValues(), referenceLayerNorm(x, gamma: g, beta: b, rows: r, cols: c), shape: [r, c],
      rtol: 1e-3, atol: 1e-4)
  }

  @Test(
    "avgpool2d: a 5-D access pattern over the windows, one tensor_reduce",
    arguments: [(1, 1, 1, 1), (3, 8, 8, 2), (130, 12, 6, 3)])
  func avgpool(dims: (Int, Int, Int, Int)) throws {
    let (c, h, w, p) = dims
    let x = randomArray(count: c * h * w, in: -1...1, seed: 30)
    let (res, _) = try runKernelFile("current/avgpool2d.py", [.tensor([c, h, w], x), .literal(.int(p))])
    _ = expectClose(
      res.outputs[0].floatValues(), referenceAvgPool2D(x, channels: c, height: h, width: w, pool: p),
      shape: [c, h / p, w / p], rtol: 1e-5, atol: 1e-6)
    #expect(res.report.warnings.isEmpty, "\(res.report.warnings.map(\.message))")
  }
}
