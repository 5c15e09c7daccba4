import TesselIR
import TesselInterpreter
import TesselNumerics
import TesselTestSupportCore
import Testing

extension SeededGenerator {
  /// A value in `[lo, hi)` from the next 24 random bits.
  mutating func float(_ lo: Float = -2, _ hi: Float = 2) -> Float {
    lo + (hi - lo) * nextUnitFloat()
  }

  /// `n` values in `[lo, hi)`.
  mutating func array(_ n: Int, _ lo: Float = -2, _ hi: Float = 2) -> [Float] {
    (0..<n).map { _ in float(lo, hi) }
  }
}

/// Rounds to a dtype for references: fp32 as is, bf16 by `roundToBFloat16`, fp16 through `Float16`.
func refRound(_ x: Float, _ dtype: DType) -> Float {
  switch dtype {
  case .float32: return x
  case .bfloat16: return roundToBFloat16(x)
  case .float16: return Float(Float16(x))
  default: return x
  }
}

/// A builder for one-tile test kernels: loads inputs into SBUF, runs `body`, stores the result.
struct TileKernel {
  var b = KernelBuilder(name: "test")

  mutating func input(_ name: String, _ shape: [Int], _ dtype: DType = .float32) -> TensorID {
    b.addParameter(name: name, shape: shape, dtype: dtype)
  }
  mutating func tile(_ name: String, _ shape: [Int], _ dtype: DType = .float32, space: MemorySpace = .sbuf) -> TensorID
  {
    b.declareTensor(name: name, space: space, shape: shape, dtype: dtype)
  }
  mutating func output(_ name: String, _ shape: [Int], _ dtype: DType = .float32) -> TensorID {
    b.declareTensor(name: name, space: .sharedHBM, shape: shape, dtype: dtype)
  }
  func whole(_ t: TensorID) -> View { .whole(t, shape: b.tensor(t).shape) }
  mutating func load(_ dst: TensorID, _ src: TensorID) { b.emit(.load(dst: whole(dst), src: whole(src))) }
  mutating func store(_ dst: TensorID, _ src: TensorID) { b.emit(.store(dst: whole(dst), src: whole(src))) }

  func run(_ outputs: [TensorID], _ args: [[Float]], target: Target = .trn2, trackOrigins: Bool = false) throws
    -> RunResult
  {
    var bb = b
    bb.setOutputs(outputs)
    let k = try bb.finish(target: target)
    var options = RunOptions(target: target)
    options.trackUninitializedOrigins = trackOrigins
    return try Interpreter(kernel: k, options: options).run(args)
  }
}
