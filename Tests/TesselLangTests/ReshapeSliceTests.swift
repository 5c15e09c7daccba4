import TesselHost
import TesselIR
import TesselLang
import TesselPython
import Testing

/// `slice.reshape(shape)` of an HBM tensor is a view when no copy is needed.
///
/// The same elements in row-major order (NumPy's rule), else a `ValueError`. References are
/// plain loops.
@Suite("reshape of a sliced HBM tensor")
struct ReshapeSliceTests {
  static func kernel(_ slice: String, _ shape: String, _ width: Int) -> String {
    header + """
      @nki.jit
      def k(a):
          P = a.shape[0]
          out = nl.ndarray((P, \(width)), dtype=a.dtype, buffer=nl.shared_hbm)
          v = a\(slice).reshape(\(shape))
          nl.store(out, value=nl.load(v))
          return out
      """
  }

  static func input(_ p: Int) throws -> (HostArray, [Float]) {
    let x = (0..<(p * 6 * 8)).map { Float(($0 * 7) % 23) - 11 }
    return (try HostArray(shape: [p, 6, 8], dtype: .float32, values: x), x)
  }

  @Test("a[:, 0:3, :] merged to [P, 24]: contiguous rows of each partition", arguments: [1, 7, 128])
  func mergeContiguous(_ p: Int) throws {
    let (a, x) = try Self.input(p)
    let (_, r) = try traceAndRun(Self.kernel("[:, 0:3, :]", "(P, 24)", 24), [a])
    let out = r.outputs[0].floatValues()
    for i in 0..<p {
      for j in 0..<24 { #expect(out[i * 24 + j] == x[i * 48 + j], "p \(p) [\(i), \(j)]") }
    }
  }

  @Test("a[:, 2:5, 1:7] reshaped with a size-1 dimension stays a strided view", arguments: [1, 7, 128])
  func splitStrided(_ p: Int) throws {
    let (a, x) = try Self.input(p)
    let src =
      header + """
        @nki.jit
        def k(a):
            P = a.shape[0]
            out = nl.ndarray((P, 3, 6), dtype=a.dtype, buffer=nl.shared_hbm)
            v = a[:, 2:5, 1:7].reshape((P, 1, 3, 6))
            nl.store(out, value=nl.load(v[:, 0, :, :]))
            return out
        """
    let (_, r) = try traceAndRun(src, [a])
    let out = r.outputs[0].floatValues()
    for i in 0..<p {
      for j in 0..<3 {
        for c in 0..<6 {
          #expect(out[(i * 3 + j) * 6 + c] == x[i * 48 + (j + 2) * 8 + c + 1], "p \(p) [\(i), \(j), \(c)]")
        }
      }
    }
  }

  @Test("a slice along the partition dimension merged with the next: [2:6] of [P, 6, 8] to [24, 8]")
  func leadingSlice() throws {
    let p = 7
    let (a, x) = try Self.input(p)
    let src =
      header + """
        @nki.jit
        def k(a):
            out = nl.ndarray((24, 8), dtype=a.dtype, buffer=nl.shared_hbm)
            nl.store(out, value=nl.load(a[2:6].reshape((24, 8))))
            return out
        """
    let (_, r) = try traceAndRun(src, [a])
    #expect(r.outputs[0].floatValues() == Array(x[(2 * 48)..<(6 * 48)]))
  }

  @Test("a slice whose merged dimensions are not contiguous is a ValueError at the reshape")
  func nonContiguousRefused() throws {
    let (a, _) = try Self.input(7)
    let e = try #require(try traceRefusal(Self.kernel("[:, :, 0:4]", "(P, 24)", 24), [a]))
    #expect(e.message.contains("ValueError: cannot reshape this slice of `a`"), "\(e.message)")
    #expect(e.location.line == 8, "\(e.location)")
  }
}
