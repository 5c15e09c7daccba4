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
    let odd =
      header + """
        @nki.jit
        def k(x):
            t = nl.load(x)
            v = t.view(nl.float32)
            return x
        """
    let file = try NKIFile(source: odd, file: "t.py")
    #expect {
      try file.trace(arguments: [.tensor(shape: [4, 3], dtype: .bfloat16)], keywords: [:])
    } throws: {
      "\($0)".contains("t.py:7:9") && "\($0)".contains("its last dimension holds 6 bytes, not a multiple of 4")
    }
  }
}
