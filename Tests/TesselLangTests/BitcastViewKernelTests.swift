import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import Testing

/// `tile.view(dtype)` in the legacy binding, as AWS's rmsnorm_quant kernel uses it: an fp32
/// scale per row stored as four fp8 bytes after the row's quantized values.
@Suite("tile.view(dtype) in the legacy binding")
struct BitcastViewKernelTests {
  /// Halves and small integers: their fp32 bytes are never an fp8 NaN or infinity pattern.
  static func values(_ n: Int, seed: Int) -> [Float] {
    (0..<n).map { Float(($0 * 5 + seed * 3) % 13) / 2 - 3 }
  }

  @Test("an fp32 [P, 1] scale stored as 4 fp8 bytes per row", arguments: [1, 7, 128])
  func scaleAsBytes(partitions: Int) throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            P, F = x.shape
            out = nl.ndarray((P, F + 4), dtype=nl.float8_e4m3, buffer=nl.shared_hbm)
            t = nl.load(x)
            scale = nl.ndarray((P, 1), dtype=nl.float32, buffer=nl.sbuf)
            scale[...] = nl.max(nl.abs(t), axis=[1], keepdims=True)
            i_p, i_f = nl.mgrid[0:P, 0:4]
            nl.store(out[i_p, F + i_f], value=scale.view(nl.float8_e4m3)[i_p, i_f])
            nl.store(out[:, 0:F], value=nl.copy(t, dtype=nl.float8_e4m3))
            return out
        """
    let f = 6
    let xs = Self.values(partitions * f, seed: partitions)
    let x = try HostArray(shape: [partitions, f], dtype: .float32, values: xs)
    let (_, r) = try traceAndRun(src, [x])
    let out = r.outputs[0].floatValues()
    #expect(r.report.warnings.isEmpty, "\(r.report.warnings)")
    for p in 0..<partitions {
      let row = out[(p * (f + 4))..<((p + 1) * (f + 4))]
      let bits = row.suffix(4).enumerated().reduce(UInt32(0)) {
        $0 | DType.float8e4m3.encode($1.element) << (8 * UInt32($1.offset))
      }
      let maxAbs = xs[(p * f)..<((p + 1) * f)].map(abs).max() ?? 0
      #expect(Float(bitPattern: bits) == maxAbs, "row \(p)")
    }
  }

  @Test("assigning to a slice of a view rewrites those bytes of the tile", arguments: [1, 7, 128])
  func writeThroughView(partitions: Int) throws {
    let src =
      header + """
        @nki.jit
        def k(x, y):
            P, F = x.shape
            out = nl.ndarray((P, F), dtype=nl.float32, buffer=nl.shared_hbm)
            t = nl.load(x)
            halves = t.view(nl.bfloat16)
            halves[:, 2:4] = nl.load(y)
            nl.store(out, value=t)
            return out
        """
    let xs = Self.values(partitions * 3, seed: 1)
    let ys = Self.values(partitions * 2, seed: 2)
    let (_, r) = try traceAndRun(
      src,
      [
        try HostArray(shape: [partitions, 3], dtype: .float32, values: xs),
        try HostArray(shape: [partitions, 2], dtype: .bfloat16, values: ys),
      ])
    let out = r.outputs[0].floatValues()
    for p in 0..<partitions {
      // Element 1 of the row is now bf16 y[p, 0] (low half) and y[p, 1] (high half).
      let packed = Float(bitPattern: ys[p * 2].bitPattern >> 16 | ys[p * 2 + 1].bitPattern & 0xFFFF_0000)
      #expect(out[(p * 3)..<(p * 3 + 3)] == [xs[p * 3], packed, xs[p * 3 + 2]], "row \(p)")
    }
  }

  @Test("view errors name NKI's terms")
  func errors() throws {
    let message = try traceFailure("v = t.view(nl.float32)", input: [4, 3], .bfloat16)
    #expect(message.contains("t.py:7:9"), "\(message)")
    #expect(message.contains("its last dimension holds 6 bytes, not a multiple of 4"), "\(message)")
  }
}

/// The error of tracing `k(x)` whose body loads `x` into `t` and then runs `statement`.
func traceFailure(_ statement: String, input shape: [Int], _ dtype: DType) throws -> String {
  let src = header + "@nki.jit\ndef k(x):\n    t = nl.load(x)\n    \(statement)\n    return x\n"
  do {
    _ = try NKIFile(source: src, file: "t.py").trace(arguments: [.tensor(shape: shape, dtype: dtype)], keywords: [:])
  } catch {
    return "\(error)"
  }
  return "(no error)"
}

/// `nl.abs` as an instruction stage and the `ncc.multi_buffer` loop directive, as AWS's
/// rmsnorm_quant kernel writes them.
@Suite("nl.abs as an ALU stage; ncc.multi_buffer")
struct AbsoluteStageTests {
  /// `3 |x|` and `max |x|` per row through `op0=nl.abs`, in a loop with a multi-buffer directive.
  static let absoluteKernel =

    header + """
      import neuronxcc.nki.compiler as ncc

      @nki.jit
      def k(x):
          t = nl.load(x)
          m = nl.ndarray((x.shape[0], 1), nl.float32, buffer=nl.sbuf)
          a = nl.ndarray(x.shape, nl.float32, buffer=nl.sbuf)
          out = nl.ndarray((x.shape[0], x.shape[1] + 1), nl.float32, buffer=nl.shared_hbm)
          F = x.shape[1]
          for i in nl.sequential_range(1, directives=ncc.multi_buffer(2)):
              a[...] = nisa.tensor_scalar_reduce(
                  data=t, op0=nl.abs, operand0=0.0, reduce_op=nl.max, reduce_res=m)
          b = nisa.tensor_scalar(t, op0=nl.abs, operand0=0.0, op1=nl.multiply, operand1=2.0)
          nl.store(out[:, 0:F], value=nl.add(a, b))
          nl.store(out[:, F:F + 1], value=m)
          return out
      """

  @Test("tensor_scalar and tensor_scalar_reduce with op0=nl.abs, operand0=0.0 give |x| and max |x|")
  func absoluteStage() throws {
    for partitions in [1, 7, 128] { try checkAbsolute(partitions: partitions) }
  }

  func checkAbsolute(partitions: Int) throws {
    let src = Self.absoluteKernel
    let f = 5
    let xs = BitcastViewKernelTests.values(partitions * f, seed: partitions)
    let (_, r) = try traceAndRun(src, [try HostArray(shape: [partitions, f], dtype: .float32, values: xs)])
    let out = r.outputs[0].floatValues()
    for p in 0..<partitions {
      let row = xs[(p * f)..<((p + 1) * f)]
      #expect(Array(out[(p * (f + 1))..<(p * (f + 1) + f)]) == row.map { 3 * abs($0) }, "row \(p)")
      #expect(out[p * (f + 1) + f] == row.map(abs).max(), "row \(p)")
    }
  }

  @Test("nl.abs with another operand is refused where it is written")
  func absoluteStageOperand() throws {
    let message = try traceFailure("b = nisa.tensor_scalar(t, op0=nl.abs, operand0=1.0)", input: [4, 3], .float32)
    #expect(message.contains("t.py:7"), "\(message)")
    #expect(message.contains("an absolute value as op0 takes operand0=0.0"), "\(message)")
  }
}

/// `tile[mask]` operand masking, as rmsnorm_quant masks a matmul's moving operand for a ragged
/// last tile.
@Suite("tile[mask] operand masks")
struct OperandMaskTests {
  @Test("a mask that keeps every element in every iteration leaves the operand whole")
  func keepsEverything() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray((2, 4), dtype=nl.float32, buffer=nl.shared_hbm)
            i_p, i_f = nl.mgrid[0:2, 0:4]
            for j in nl.affine_range(2):
                t = nl.load(x[j * 2 + i_p, i_f][j * 4 + i_f < 8])
                nl.store(out[i_p, i_f], value=nl.add(t, 1.0)) if j == 1 else None
            return out
        """
    let xs = (0..<16).map { Float($0) }
    let (_, r) = try traceAndRun(src, [try HostArray(shape: [4, 4], dtype: .float32, values: xs)])
    #expect(r.outputs[0].floatValues() == xs.suffix(8).map { $0 + 1 })
  }

  @Test("a mask that may exclude elements, read by an instruction that cannot carry it, is refused, not dropped")
  func excludes() throws {
    // j * 4 + i_f < 6 excludes columns 2 and 3 when j is 1; a transpose's operand is not laid
    // out like its iteration space, so the mask cannot become the instruction's.
    let message = try traceFailure(
      "u = [nisa.nc_transpose(t[0:1, 0:4][j * 4 + nl.arange(4)[None, :] < 6]) for j in range(1, 2)]", input: [4, 4],
      .float32)
    #expect(message.contains("an operand mask (tile[mask]) that excludes elements of `t`"), "\(message)")
  }
}
