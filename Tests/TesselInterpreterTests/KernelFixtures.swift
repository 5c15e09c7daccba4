import TesselIR
import TesselInterpreter
import TesselNumerics
import Testing

/// Seeded values for tests (SplitMix64), independent of the code under test.
struct Seeded {
  var state: UInt64
  init(_ seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func float(_ lo: Float = -2, _ hi: Float = 2) -> Float {
    lo + (hi - lo) * Float(next() >> 40) / Float(1 << 24)
  }
  mutating func array(_ n: Int, _ lo: Float = -2, _ hi: Float = 2) -> [Float] {
    (0..<n).map { _ in float(lo, hi) }
  }
}

/// Rounds like bf16 (RNE on the fp32 bit pattern), written from the format definition.
func refBF16(_ x: Float) -> Float {
  if x.isNaN { return x }
  let b = x.bitPattern
  let r = b &+ 0x7FFF &+ ((b >> 16) & 1)
  return Float(bitPattern: r & 0xFFFF_0000)
}

/// Rounds to a dtype for references: fp32 as is, bf16 by `refBF16`, fp16 through `Float16`.
func refRound(_ x: Float, _ dtype: DType) -> Float {
  switch dtype {
  case .float32: return x
  case .bfloat16: return refBF16(x)
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
  mutating func tile(_ name: String, _ shape: [Int], _ dtype: DType = .float32, space: MemorySpace = .sbuf) -> TensorID {
    b.declareTensor(name: name, space: space, shape: shape, dtype: dtype)
  }
  mutating func output(_ name: String, _ shape: [Int], _ dtype: DType = .float32) -> TensorID {
    b.declareTensor(name: name, space: .sharedHBM, shape: shape, dtype: dtype)
  }
  func whole(_ t: TensorID) -> View { .whole(t, shape: b.tensor(t).shape) }
  mutating func load(_ dst: TensorID, _ src: TensorID) { b.emit(.load(dst: whole(dst), src: whole(src))) }
  mutating func store(_ dst: TensorID, _ src: TensorID) { b.emit(.store(dst: whole(dst), src: whole(src))) }

  func run(_ outputs: [TensorID], _ args: [[Float]], target: Target = .trn2, trackOrigins: Bool = false) throws -> RunResult {
    var bb = b
    bb.setOutputs(outputs)
    let k = try bb.finish(target: target)
    var options = RunOptions(target: target)
    options.trackUninitializedOrigins = trackOrigins
    return try Interpreter(kernel: k, options: options).run(args)
  }
}
