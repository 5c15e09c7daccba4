import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import Testing

/// A masked `nc_matmul` operand may reach past its tile where the mask excludes it (AWS's
/// column-packing convolution reduces a ragged last tile this way): only the elements the masks
/// keep are bounds-checked, against plain loops.
@Suite("Bounds of masked nc_matmul operands")
struct MatmulMaskedOperandBoundsTests {
  /// Reduces `x[P, total]` over its partitions in tiles of 128 output rows: tile `t` reads
  /// `x[:, 128t + i]` masked by `\(guardExpr)`, so the last tile reaches past `total`.
  static func source(guardExpr: String) -> String {
    header + """
      @nki.jit
      def k(x):
          P, total = x.shape
          tiles = (total + 127) // 128
          out = nl.ndarray((total, 1), dtype=nl.float32, buffer=nl.shared_hbm)
          xt = nl.load(x)
          w = nisa.memset((nl.par_dim(P), 1), value=1, dtype=nl.float32)
          for t in nl.affine_range(tiles):
              i_p = nl.arange(P)[:, None]
              i_f = nl.arange(128)[None, :]
              i_img = t * 128 + i_f
              ps = nl.ndarray((128, 1), dtype=nl.float32, buffer=nl.psum)
              ps[...] = nisa.nc_matmul(xt[i_p, i_img][\(guardExpr)], w)
              i_o = nl.arange(128)[:, None]
              i_z = nl.arange(1)[None, :]
              nl.store(out[t * 128 + i_o, i_z], nl.copy(ps), mask=(t * 128 + i_o < total))
          return out
      """
  }

  @Test(
    "a stationary operand masked to its tile reads only kept columns; the sums match plain loops",
    arguments: [(1, 130), (7, 300), (128, 257)])
  func raggedLastTile(p: Int, total: Int) throws {
    let values = (0..<(p * total)).map { Float(($0 * 7) % 23) - 11 }
    let x = try HostArray(shape: [p, total], dtype: .float32, values: values)
    let (_, r) = try traceAndRun(Self.source(guardExpr: "i_img < total"), [x])
    let out = r.outputs[0].floatValues()
    for c in 0..<total {
      var sum: Float = 0
      for row in 0..<p { sum += values[row * total + c] }
      #expect(out[c] == sum, "\(c)")
    }
  }

  @Test("without the mask the last tile's read is an out-of-bound error naming the tensor", arguments: [7, 128])
  func unguardedIsAnError(p: Int) throws {
    let x = try HostArray(shape: [p, 300], dtype: .float32, values: Array(repeating: 1, count: p * 300))
    do {
      _ = try traceAndRun(Self.source(guardExpr: "i_img < total + 100"), [x])
      Issue.record("expected an out-of-bound error")
    } catch {
      #expect("\(error)".contains("Out-of-bound access for tensor `xt` on dimension 1"), "\(error)")
    }
  }
}
