import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import Testing

/// uint8 operands of `nisa.nc_matmul` (the default dtype of `nl.shared_identity_matrix`): their
/// integer values on trn1, a located refusal on trn2 and trn3, against plain loops.
@Suite("uint8 operands of nc_matmul")
struct MatmulUInt8OperandTests {
  /// Traces `source` for `target` with `x` as its one argument and runs it.
  static func run(_ source: String, _ x: HostArray, target: Target) throws -> HostRunResult {
    let file = try NKIFile(source: source, file: "t.py")
    let traced = try file.trace(arguments: [.tensor(shape: x.shape, dtype: x.dtype ?? .float32)], target: target)
    var options = RunOptions()
    options.target = target
    return try Interpreter(kernel: traced.kernel, options: options).run(hostArrays: [x])
  }

  /// A kernel multiplying the uint8 HBM constant `stationary` (`[K, M]`, Python over `K`) by
  /// `x[K, N]` on the Tensor engine.
  static func source(m: String, stationary: String) -> String {
    header + """
      import numpy as np

      @nki.jit
      def k(x):
          K, N = x.shape
          ps = nl.ndarray((\(m), N), dtype=nl.float32, buffer=nl.psum)
          ps[...] = nisa.nc_matmul(nl.load(\(stationary)), nl.load(x))
          out = nl.ndarray((\(m), N), dtype=nl.float32, buffer=nl.shared_hbm)
          nl.store(out, nl.copy(ps))
          return out
      """
  }

  /// The default-dtype (uint8) identity `[K, K]` times `x[K, N]`, as AWS's depthwise convolution
  /// reduces its channels.
  static let identitySource = source(m: "K", stationary: "nl.shared_identity_matrix(K)")

  @Test(
    "identity (uint8) @ x is x on trn1, bf16 and fp32 moving operands",
    arguments: [(1, 3, DType.bfloat16), (7, 13, .bfloat16), (128, 100, .bfloat16), (7, 5, .float16)])
  func identity(k: Int, n: Int, dtype: DType) throws {
    let values = (0..<(k * n)).map { Float(($0 * 37) % 61) / 8 - 3 }
    let x = try HostArray(shape: [k, n], dtype: dtype, values: values)
    let out = try Self.run(Self.identitySource, x, target: .trn1).outputs[0].floatValues()
    let stored = x.floatValues()
    for i in 0..<(k * n) { #expect(out[i] == stored[i], "\(i)") }
  }

  @Test("a uint8 stationary of values up to 255 multiplies by its integer values (plain loop)", arguments: [1, 7, 128])
  func integerValues(k: Int) throws {
    let n = 9
    let m = 5
    let src = Self.source(
      m: "\(m)", stationary: "nl.shared_constant((np.arange(K * \(m)).reshape(K, \(m)) * 7) % 256, dtype=nl.uint8)")
    let values = (0..<(k * n)).map { Float(($0 * 13) % 11) - 5 }
    let x = try HostArray(shape: [k, n], dtype: .bfloat16, values: values)
    let out = try Self.run(src, x, target: .trn1).outputs[0].floatValues()
    for i in 0..<m {
      for j in 0..<n {
        var sum: Float = 0
        for r in 0..<k { sum += Float((r * m + i) * 7 % 256) * values[r * n + j] }
        #expect(out[i * n + j] == sum, "\(i), \(j)")
      }
    }
  }

  @Test(
    "a uint8 operand on trn2 or trn3 is a located error that names the dtype and the fix",
    arguments: [
      Target.trn2, .trn3,
    ])
  func refusedAfterGen2(target: Target) throws {
    let x = try HostArray(shape: [4, 4], dtype: .bfloat16, values: Array(repeating: 1, count: 16))
    do {
      _ = try Self.run(Self.identitySource, x, target: target)
      Issue.record("expected an error")
    } catch {
      let text = "\(error)"
      #expect(text.contains("invalid dtype uint8 for operand 'stationary'"), "\(text)")
      #expect(text.contains("only on NeuronCore-v2 (trn1)"), "\(text)")
      #expect(text.contains("dtype=nl.bfloat16"), "\(text)")
    }
  }
}
