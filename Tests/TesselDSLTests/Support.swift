import TesselDSL
import TesselHost
import TesselIR
import TesselTestSupport
import Testing

/// A float32 (or `dtype`) host array from values and a shape.
func host(_ values: [Float], _ shape: [Int], _ dtype: DType = .float32) throws -> HostArray {
  try HostArray(shape: shape, dtype: dtype, values: values)
}

/// Seeded uniform values in `range`.
func uniform(_ count: Int, _ range: ClosedRange<Float> = -2...2, seed: UInt64) -> [Float] {
  randomArray(count: count, in: range, seed: seed)
}

/// Runs a DSL kernel on float32 inputs and returns output `index` (or the named parameter).
func runKernel(
  _ kernel: SwiftKernel, _ inputs: [[Float]], output index: Int = 0, parameter: String? = nil,
  target: Target = .trn2
) throws -> [Float] {
  let args = try zip(inputs, kernel.parameters).map { try host($0, $1.shape, $1.dtype) }
  let r = try kernel.run(args, target: target)
  if let parameter { return r.parameters[parameter]?.floatValues() ?? [] }
  return r.outputs[index].floatValues()
}

/// The instruction operations of a kernel, loops included.
func operations(_ kernel: Kernel) -> [Operation] {
  kernel.instructions.map(\.operation)
}
