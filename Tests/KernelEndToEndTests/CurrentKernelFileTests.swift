import Foundation
import TesselHost
import TesselIR
import TesselLang
import TesselTestSupport
import Testing

/// The current-dialect kernels of `kernels/current/`, traced unmodified and run against
/// plain-loop references.
@Suite("Current-dialect kernels in kernels/current/ match plain-loop references")
struct CurrentKernelFileTests {
  @Test("tensor_add: ragged tiles through min() and nl.ds", arguments: [(1, 1), (7, 13), (128, 512), (300, 700)])
  func tensorAdd(shape: (Int, Int)) throws {
    let (r, c) = shape
    let a = randomArray(count: r * c, in: -1...1, seed: 1)
    let b = randomArray(count: r * c, in: -1...1, seed: 2)
    let (res, _) = try runKernelFile("current/tensor_add.py", [.tensor([r, c], a), .tensor([r, c], b)])
    _ = expectClose(res.outputs[0].floatValues(), referenceAdd(a, b), shape: [r, c], rtol: 0, atol: 0)
    #expect(res.report.warnings.isEmpty, "\(res.report.warnings.map(\.message))")
  }

  @Test(
    "matmul_tiled: PSUM accumulates over the contraction tiles of each fresh tile",
    arguments: [(128, 128, 512), (256, 384, 1024)])
  func matmulTiled(shape: (Int, Int, Int)) throws {
    let (m, k, n) = shape
    let aT = randomArray(count: k * m, in: -1...1, seed: 3)
    let b = randomArray(count: k * n, in: -1...1, seed: 4)
    let (res, _) = try runKernelFile("current/matmul_tiled.py", [.tensor([k, m], aT), .tensor([k, n], b)])
    _ = expectClose(
      res.outputs[0].floatValues(), referenceMatmul(transposedA: aT, b, m: m, k: k, n: n), shape: [m, n], rtol: 1e-5,
      atol: 1e-4)
  }

  @Test(
    "softmax: tensor_reduce, activation with reduce_res, reciprocal, tensor_scalar",
    arguments: [(1, 8), (7, 33), (200, 512)])
  func softmax(shape: (Int, Int)) throws {
    let (r, c) = shape
    let x = randomArray(count: r * c, in: -4...4, seed: 5)
    let (res, _) = try runKernelFile("current/softmax.py", [.tensor([r, c], x)])
    _ = expectClose(
      res.outputs[0].floatValues(), referenceSoftmax(x, rows: r, cols: c), shape: [r, c], rtol: 1e-5, atol: 1e-6)
  }

  @Test(
    "fused_vector: scalar_tensor_tensor, tensor_scalar_reduce with nl.abs; a DMA mode as its integer",
    arguments: [(1, 5), (7, 13), (128, 64)])
  func fusedVector(shape: (Int, Int)) throws {
    let (r, c) = shape
    let x = randomArray(count: r * c, in: -1...1, seed: 11)
    let y = randomArray(count: r * c, in: -1...1, seed: 12)
    let (res, _) = try runKernelFile("current/fused_vector.py", [.tensor([r, c], x), .tensor([r, c], y)])
    var sum = [Float](repeating: 0, count: r * c)
    var rowMax = [Float](repeating: -.infinity, count: r)
    for i in 0..<r {
      for j in 0..<c {
        sum[i * c + j] = x[i * c + j] * 2 + y[i * c + j]
        rowMax[i] = max(rowMax[i], abs(x[i * c + j]))
      }
    }
    _ = expectClose(res.outputs[0].floatValues(), sum, shape: [r, c], rtol: 1e-6, atol: 0)
    _ = expectClose(res.outputs[1].floatValues(), rowMax, shape: [r, 1], rtol: 0, atol: 0)
  }

  @Test("transpose2d: a bf16 DMA transpose", arguments: [(1, 5), (7, 13), (128, 64)])
  func transpose2d(shape: (Int, Int)) throws {
    let (r, c) = shape
    let x = roundToBFloat16(randomArray(count: r * c, in: -1...1, seed: 6))
    let (res, _) = try runKernelFile("current/transpose2d.py", [.tensor([r, c], x, .bfloat16)])
    _ = expectClose(
      res.outputs[0].floatValues(), referenceTranspose(x, rows: r, cols: c), shape: [c, r], rtol: 0, atol: 0)
  }

  @Test("dynamic_add: a register bounds dynamic_range; rows past n tiles stay unwritten", arguments: [0, 1, 3])
  func dynamicAdd(tiles: Int) throws {
    let m = 384
    let h = 64
    let a = randomArray(count: m * h, in: -1...1, seed: 7)
    let b = randomArray(count: m * h, in: -1...1, seed: 8)
    let (res, _) = try runKernelFile(
      "current/dynamic_add.py", [.tensor([m, h], a), .tensor([m, h], b), .tensor([1, 1], [Float(tiles)], .int32)])
    let out = res.outputs[0].floatValues()
    let sum = referenceAdd(a, b)
    for i in 0..<(m * h) {
      if i / h < tiles * 128 { #expect(out[i] == sum[i]) } else { #expect(out[i].isNaN) }
    }
    #expect(res.report.warnings.count == (tiles * 128 < m ? 1 : 0))
  }

  @Test("lnc_row_norm: two programs exchange partial sums with sendrecv", arguments: [[Int](), [1], [2]])
  func lncRowNorm(grid: [Int]) throws {
    let r = 100
    let c = 64
    let x = randomArray(count: r * c, in: -1...1, seed: 9)
    let (res, kernel) = try runKernelFile("current/lnc_row_norm.py", [.tensor([r, c], x)], grid: grid)
    var expected = x
    for i in 0..<r {
      var s: Float = 0
      for j in 0..<c { s += x[i * c + j] * x[i * c + j] }
      for j in 0..<c { expected[i * c + j] = x[i * c + j] * (1 / s) }
    }
    _ = expectClose(res.outputs[0].floatValues(), expected, shape: [r, c], rtol: 1e-5, atol: 1e-6)
    // Two programs: the second program's copy of the first's partial sum sits between them.
    let names = kernel.instructions.map(\.operation.nkiName)
    #expect(names.filter { $0 == "activation" }.count == max(1, grid.first ?? 1))
    // Each program's instructions carry its program (the timing model runs them on its core).
    let programs = kernel.instructions.filter { $0.operation.nkiName == "activation" }.map(\.program)
    #expect(programs == Array(0..<(grid.first ?? 1 > 1 ? 2 : 1)))
  }

  @Test(
    "causal_mask: affine_select keeps p - j >= 0, iota writes p * cols + j",
    arguments: [(1, 5), (7, 13), (128, 130)])
  func causalMask(shape: (Int, Int)) throws {
    let (r, c) = shape
    let x = randomArray(count: r * c, in: -1...1, seed: 12)
    let (res, _) = try runKernelFile("current/causal_mask.py", [.tensor([r, c], x)])
    var masked = x
    for p in 0..<r {
      for j in 0..<c where p - j < 0 { masked[p * c + j] = -9984 }
    }
    #expect(res.outputs[0].floatValues() == masked)
    #expect(res.outputs[1].floatValues() == (0..<(r * c)).map { Float($0) })
  }

  @Test("top8: max8 and nc_find_index8", arguments: [(1, 8), (7, 40), (128, 1000)])
  func top8(shape: (Int, Int)) throws {
    let (r, c) = shape
    let x = randomArray(count: r * c, in: -1...1, seed: 10)
    let (res, _) = try runKernelFile("current/top8.py", [.tensor([r, c], x)])
    let values = res.outputs[0].floatValues()
    let indices = res.outputs[1].floatValues()
    for i in 0..<r {
      let row = Array(x[(i * c)..<((i + 1) * c)])
      let top = Array(row.sorted(by: >).prefix(8))
      #expect(Array(values[(i * 8)..<((i + 1) * 8)]) == top)
      for j in 0..<8 { #expect(row[Int(indices[i * 8 + j])] == top[j]) }
    }
  }
}
