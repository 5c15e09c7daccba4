import TesselHost
import TesselIR
import TesselLang
import TesselPython
import Testing

/// `return` inside an NKI loop body ends the function after the whole loop.
///
/// NKI traces the body once for every iteration. References are plain loops.
@Suite("return inside nl.affine_range / nl.sequential_range bodies")
struct LoopReturnTests {
  static func kernel(_ range: String, _ body: String) -> String {
    header + """
      @nki.jit
      def k(a):
          P = a.shape[0]
          F = a.shape[1] // 4
          out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
          for j in \(range)(4):
              t = nl.load(a[0:P, j * F:(j + 1) * F])
      \(body)
              return out
          nl.store(out, value=nl.load(a))
          return out
      """
  }

  static let plain = "        nl.store(out[0:P, j * F:(j + 1) * F], value=nl.multiply(t, 2.0))"
  static let branching = """
            if j == 1:
                nl.store(out[0:P, j * F:(j + 1) * F], value=nl.multiply(t, 3.0))
            else:
                nl.store(out[0:P, j * F:(j + 1) * F], value=nl.multiply(t, 2.0))
    """

  @Test(
    "a return at the end of the body returns after every iteration (symbolic and specialised loops)",
    arguments: ["nl.affine_range", "nl.sequential_range"], [false, true])
  func returnAfterEveryIteration(_ range: String, _ branches: Bool) throws {
    for p in [1, 7, 128] {
      let f = 3
      let x = (0..<(p * 4 * f)).map { Float(($0 * 5) % 17) - 8 }
      let a = try HostArray(shape: [p, 4 * f], dtype: .float32, values: x)
      let (k, r) = try traceAndRun(Self.kernel(range, branches ? Self.branching : Self.plain), [a])
      #expect(k.indexVars.filter { $0.kind == .loop }.count == (branches ? 0 : 1))
      let out = r.outputs[0].floatValues()
      for row in 0..<p {
        for c in 0..<(4 * f) {
          let e = row * 4 * f + c
          let scale: Float = branches && c / f == 1 ? 3 : 2
          #expect(out[e] == scale * x[e], "\(range) p \(p) [\(row), \(c)]")
        }
      }
    }
  }

  @Test("a return in some iterations of a specialised loop only is refused at the loop")
  func returnInSomeIterationsRefused() throws {
    let body = """
              nl.store(out[0:P, j * F:(j + 1) * F], value=t)
              if j == 3:
                  return out
      """
    let src = Self.kernel("nl.affine_range", body).replacingOccurrences(
      of: "        return out\n    nl.store", with: "    nl.store")
    let a = try HostArray(shape: [7, 12], dtype: .float32, values: Array(repeating: 1, count: 84))
    let e = try #require(try traceRefusal(src, [a]))
    #expect(e.message.contains("return inside a loop body that branches on its index"), "\(e.message)")
    #expect(e.location.line == 9, "\(e.location)")
  }
}
