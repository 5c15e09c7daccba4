import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import Testing

/// Loop-index masks on `nl.load_transpose2d`, against plain loops.
///
/// The load runs whole or not at all, and its source is bounds-checked only where it runs.
@Suite("Masks on nl.load_transpose2d")
struct LoadTransposeMaskTests {
  /// `x` holds `T - 1` row blocks of `R` rows; iteration `j` loads block `j` transposed, and the
  /// last iteration, whose block is past the end of `x`, is masked off (`keep` is the mask).
  static func kernel(_ load: String, keep: String = "j < T - 1") -> String {
    header + """
      @nki.jit
      def k(x):
          rows, F = x.shape
          R = 8 if rows % 8 == 0 else rows
          T = rows // R + 1
          out = nl.ndarray((T - 1, F, R), dtype=x.dtype, buffer=nl.shared_hbm)
          i_r = nl.arange(R)[:, None]
          i_f = nl.arange(F)[None, :]
          for j in nl.affine_range(T):
              t = \(load)
              nl.store(out[j], t, mask=(\(keep)))
          return out
      """
  }

  static func input(rows: Int, f: Int) throws -> ([Float], HostArray) {
    let x = (0..<(rows * f)).map { Float($0 % 29) - 14 }
    return (x, try HostArray(shape: [rows, f], dtype: .float32, values: x))
  }

  @Test(
    "a loop-index mask= (or tile[mask]) skips the iteration whose block is out of bounds",
    arguments: [
      "nl.load_transpose2d(x[j * R + i_r, i_f], mask=(j < T - 1))",
      "nl.load_transpose2d(x[j * R + i_r, i_f][j < T - 1], mask=(j < T - 1))",
    ], [1, 7, 128])
  func skipsMaskedIteration(load: String, rows: Int) throws {
    let f = 5
    let (x, a) = try Self.input(rows: rows, f: f)
    let (_, r) = try traceAndRun(Self.kernel(load), [a])
    #expect(r.report.warnings.isEmpty, "\(r.report.warnings)")
    let block = rows % 8 == 0 ? 8 : rows
    let out = r.outputs[0].floatValues()
    #expect(out.count == rows * f)
    for j in 0..<(rows / block) {
      for c in 0..<f {
        for i in 0..<block { #expect(out[(j * f + c) * block + i] == x[(j * block + i) * f + c], "\(j), \(c), \(i)") }
      }
    }
  }

  @Test("a mask that keeps the out-of-bounds iteration is the out-of-bounds error when it runs")
  func keptOutOfBoundsIterationFails() throws {
    let (_, a) = try Self.input(rows: 16, f: 5)
    #expect {
      _ = try traceAndRun(Self.kernel("nl.load_transpose2d(x[j * R + i_r, i_f], mask=(j < T))", keep: "j < T"), [a])
    } throws: { error in
      "\(error)".contains("Out-of-bound access for tensor `x` on dimension 0: index range [16, 23]")
        && "\(error)".contains("t.py:13")
    }
  }

  @Test("a mask over nl.arange indices on load_transpose2d is a located refusal")
  func gridMaskRefused() throws {
    let (_, a) = try Self.input(rows: 16, f: 5)
    #expect {
      _ = try traceAndRun(Self.kernel("nl.load_transpose2d(x[i_r, i_f], mask=(i_f < 3))"), [a])
    } throws: { error in
      "\(error)".contains("mask= over nl.arange indices on load_transpose2d") && "\(error)".contains("t.py:13")
    }
  }
}
