// The first example of docs/swift-dsl.md, verbatim; DocsExampleTests runs it.

import TesselDSL
import TesselHost
import TesselIR
import TesselTestSupport
import Testing

/// Softmax over the rows of a [300, 64] tensor, 128 rows per tile, the ragged last tile masked.
let softmaxKernel = SwiftKernel(name: "softmax_kernel", KernelParameter("x", shape: [300, 64])) { x in
  let out = output("out", shape: [300, 64], dtype: x.dtype)
  affineRange(3, name: "t") { t in
    let inside = t * 128 + GridIndex.partition < 300
    let xTile = load(x[t * 128 ..+ 128, 0..<64], mask: inside)
    let exps = exp(subtract(xTile, max(xTile, axes: [1], keepDims: true)))
    let probs = multiply(exps, reciprocal(sum(exps, axes: [1], keepDims: true)))
    store(out[t * 128 ..+ 128, 0..<64], value: probs, mask: inside)
  }
}

func runSoftmax(_ values: [Float]) throws -> [Float] {
  let kernel = try softmaxKernel.build(target: .trn2)  // a verified TesselIR.Kernel
  _ = kernel.printed()  // its IR as text
  let input = try HostArray(shape: [300, 64], dtype: .float32, values: values)
  let result = try softmaxKernel.run([input])  // on the interpreter
  let eager = try softmaxKernel.runEagerly([input])  // the same calls, one at a time
  precondition(eager.outputs == result.outputs)
  return result.outputs[0].floatValues()
}

@Test("the docs/swift-dsl.md example runs and matches the reference")
func swiftDSLDocExample() throws {
  let x = randomArray(count: 300 * 64, in: -4...4, seed: 3)
  expectClose(try runSoftmax(x), referenceSoftmax(x, rows: 300, cols: 64), shape: [300, 64], dtype: .float32)
}
