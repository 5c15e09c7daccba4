import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import Testing

/// `nl.all_reduce` where the reduced program axes have one program: a copy converted to `dtype`
/// under `mask` (``AllReduceAcrossProgramsTests`` has the reductions across programs).
@Suite("nl.all_reduce over SPMD programs")
struct AllReduceTests {
  static func kernel(
    axes: String, dtype: String = "nl.float32", mask: String = "None", op: String = "np.add", more: String = ""
  ) -> String {
    header + """
      import numpy as np

      @nki.jit
      def k(x):
          P, F = x.shape
          out = nl.ndarray((P, F), dtype=\(dtype), buffer=nl.shared_hbm)
          shard_id = nl.program_id(axis=0)
          t = nl.load(x)
          i_p, i_f = nl.mgrid[0:P, 0:F]
          r = nl.zeros((P, F), dtype=\(dtype), buffer=nl.sbuf)
          r[i_p, i_f] = nl.all_reduce(t[i_p, i_f], op=\(op), program_axes=\(axes), dtype=\(dtype), mask=\(mask)\(more))
          nl.store(out, r)
          return out
      """
  }

  static func trace(_ src: String, shape: [Int], grid: [Int]) throws -> Kernel {
    try NKIFile(source: src, file: "t.py").trace(arguments: [.tensor(shape: shape, dtype: .float32)], grid: grid)
      .kernel
  }

  @Test(
    "with one program along program_axes the result is x (converted to dtype, under mask)",
    arguments: [
      ([1, 5], "[shard_id]", [Int]()), ([7, 9], "[0]", [1]), ([128, 3], "0", [1, 1]), ([7, 4], "(0, 1)", [1, 1]),
    ])
  func singleProgram(shape: [Int], axes: String, grid: [Int]) throws {
    let n = shape.reduce(1, *)
    let x = (0..<n).map { Float($0 % 13) * 0.37 - 2 }
    let kernel = try Self.trace(Self.kernel(axes: axes), shape: shape, grid: grid)
    let r = try Interpreter(kernel: kernel).run(hostArrays: [
      try HostArray(shape: shape, dtype: .float32, values: x)
    ])
    #expect(r.outputs[0].floatValues() == x)
  }

  @Test("dtype= rounds and mask= keeps the rest of the destination", arguments: [1, 7, 128])
  func dtypeAndMask(p: Int) throws {
    let f = 6
    let x = (0..<(p * f)).map { Float($0) * 1.0009765625 + 0.001 }
    let src = Self.kernel(axes: "[shard_id]", dtype: "nl.bfloat16", mask: "(i_f < 4)")
    let kernel = try Self.trace(src, shape: [p, f], grid: [1])
    let r = try Interpreter(kernel: kernel).run(hostArrays: [try HostArray(shape: [p, f], dtype: .float32, values: x)])
    let out = r.outputs[0].floatValues()
    for i in 0..<p {
      for j in 0..<f {
        let k = i * f + j
        let expected = j < 4 ? Float(bfloat16RoundedToNearestEven: x[k]) : 0
        #expect(out[k] == expected, "\(i), \(j)")
      }
    }
  }

  @Test("program_axes outside the launch grid is an IndexError")
  func axisOutsideGrid() {
    #expect {
      _ = try Self.trace(Self.kernel(axes: "[3]"), shape: [4, 4], grid: [1])
    } throws: { error in
      "\(error)".contains("IndexError") && "\(error)".contains("axis 3")
    }
  }
}

extension Float {
  /// `v` rounded to the nearest bfloat16 (ties to even), written from the format's definition:
  /// keep the top 16 bits of the fp32 pattern after adding half of the dropped part.
  init(bfloat16RoundedToNearestEven v: Float) {
    let bits = v.bitPattern
    let lsb = (bits >> 16) & 1
    self = Float(bitPattern: ((bits &+ 0x7FFF &+ lsb) >> 16) << 16)
  }
}
