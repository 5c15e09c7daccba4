// The complete example of docs/testing.md §7, verbatim, followed by the §6 sweep example.
// Keep in sync with the document (DocsExampleTests checks nothing else).

import Tessel
import TesselDSL
import TesselTestSupport
import Testing

/// `lhsT[K, M]ᵀ · rhs[K, N]`: one fp32 PSUM accumulator per [128, 512] output tile, summed over
/// the K tiles.
///
/// K and M must be multiples of 128, N of 512.
func tiledMatmul(k: Int, m: Int, n: Int) -> SwiftKernel {
  SwiftKernel(
    name: "tiled_matmul",
    KernelParameter("lhsT", shape: [k, m]), KernelParameter("rhs", shape: [k, n])
  ) { lhsT, rhs in
    let result = output("result", shape: [m, n], dtype: .float32)
    affineRange(m / 128, name: "m") { mi in
      affineRange(n / 512, name: "n") { ni in
        let acc = zeros([128, 512], dtype: .float32, buffer: PSUM.self)
        affineRange(k / 128, name: "k") { ki in
          let a = load(lhsT[ki * 128 ..+ 128, mi * 128 ..+ 128])
          let b = load(rhs[ki * 128 ..+ 128, ni * 512 ..+ 512])
          acc += matmul(a, b)
        }
        store(result[mi * 128 ..+ 128, ni * 512 ..+ 512], value: copy(acc))
      }
    }
  }
}

@Test(arguments: [(128, 128, 512), (256, 256, 1024)])
func tiledMatmulMatchesReference(k: Int, m: Int, n: Int) throws {
  let lhsT = randomArray(count: k * m, in: -1...1, seed: 10)
  let rhs = randomArray(count: k * n, in: -1...1, seed: 11)
  let result = try tiledMatmul(k: k, m: m, n: n).run([
    HostArray(shape: [k, m], dtype: .float32, values: lhsT),
    HostArray(shape: [k, n], dtype: .float32, values: rhs),
  ])
  let expected = referenceMatmul(transposedA: lhsT, rhs, m: m, k: k, n: n)
  // Sums of k products of values in [-1, 1]: allow for a different summation order.
  expectClose(result.outputs[0].floatValues(), expected, shape: [m, n], rtol: 1e-4, atol: 1e-5)
}

@Suite struct SoftmaxKernelTests {
  @Test(arguments: [(1, 8), (128, 64), (300, 64), (129, 7)])
  func matchesReference(rows: Int, cols: Int) throws {
    let x = randomArray(count: rows * cols, in: -8...8, seed: UInt64(rows * 1000 + cols))
    let expected = referenceSoftmax(x, rows: rows, cols: cols)
    let result = try DSLExamples.softmax(rows: rows, cols: cols)
      .run([HostArray(shape: [rows, cols], dtype: .float32, values: x)])
    expectClose(result.outputs[0].floatValues(), expected, shape: [rows, cols], dtype: .float32)
    // The NKI source of the same kernel, through the tracer:
    let fromSource = try runNKIKernel(
      "kernels/softmax.py", [HostArray(shape: [rows, cols], dtype: .float32, values: x)])
    expectClose(fromSource.outputs[0], expected)
  }
}

@Test(arguments: [(128, 128, 512), (256, 256, 1024)])
func tiledMatmulFromSourceMatchesReference(k: Int, m: Int, n: Int) throws {
  let lhsT = randomArray(count: k * m, in: -1...1, seed: 10)
  let rhs = randomArray(count: k * n, in: -1...1, seed: 11)
  let result = try runNKIKernel(
    "kernels/matmul_tiled.py",
    [
      HostArray(shape: [k, m], dtype: .float32, values: lhsT),
      HostArray(shape: [k, n], dtype: .float32, values: rhs),
    ])
  let expected = referenceMatmul(transposedA: lhsT, rhs, m: m, k: k, n: n)
  expectClose(result.outputs[0].floatValues(), expected, shape: [m, n], rtol: 1e-4, atol: 1e-5)
}
