import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselTestSupportCore
import Testing

/// `nisa.tensor_reduce`'s axis numbering: NKI 0.3's (from the partition dimension, ending at the
/// last axis) and, translated with a warning, the earlier one (`axis=1` the most-minor free axis).
@Suite("Current dialect: tensor_reduce axis numbering")
struct CurrentReduceAxesTests {
  /// Reduces a `[p, 3, 8]` tile with `axis` into a destination of `dstShape` and returns the
  /// result and the trace's warnings.
  static func reduce(p: Int, axis: String, dstShape: String, _ x: [Float]) throws -> ([Float], [String]) {
    let source = """
      import nki
      import nki.isa as nisa
      import nki.language as nl


      @nki.jit
      def k(x):
          t = nl.ndarray((\(p), 3, 8), dtype=nl.float32, buffer=nl.sbuf)
          nisa.dma_copy(dst=t, src=x)
          r = nl.ndarray(\(dstShape), dtype=nl.float32, buffer=nl.sbuf)
          nisa.tensor_reduce(r, nl.add, t, axis=\(axis))
          out = nl.ndarray(\(dstShape), dtype=nl.float32, buffer=nl.shared_hbm)
          nisa.dma_copy(dst=out, src=r)
          return out
      """
    let traced = try NKIFile(source: source, file: "axes.py").trace(
      arguments: [.tensor(shape: [p, 3, 8], dtype: .float32)])
    let r = try Interpreter(kernel: traced.kernel).run(
      hostArrays: [try HostArray(shape: [p, 3, 8], dtype: .float32, values: x)])
    return (r.outputs[0].floatValues(), traced.warnings.map(\.message))
  }

  /// Sums over the last axis (`[p, 3]`) or over both free axes (`[p, 1]`).
  static func sums(_ x: [Float], p: Int, both: Bool) -> [Float] {
    var out: [Float] = []
    for i in 0..<p {
      if both {
        out.append((0..<24).reduce(Float(0)) { $0 + x[i * 24 + $1] })
      } else {
        for j in 0..<3 { out.append((0..<8).reduce(Float(0)) { $0 + x[i * 24 + j * 8 + $1] }) }
      }
    }
    return out
  }

  /// Equal up to fp32 summation order.
  static func close(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }
  }

  @Test("axis=2 reduces the last axis; axis=(1, 2) both", arguments: [1, 7, 128])
  func current(p: Int) throws {
    var rng = SeededGenerator(seed: UInt64(p))
    let x = (0..<(p * 24)).map { _ in Float.random(in: -1...1, using: &rng) }
    let (last, w1) = try Self.reduce(p: p, axis: "2", dstShape: "(\(p), 3)", x)
    #expect(Self.close(last, Self.sums(x, p: p, both: false)))
    #expect(w1.isEmpty)
    let (both, w2) = try Self.reduce(p: p, axis: "(1, 2)", dstShape: "(\(p), 1)", x)
    #expect(Self.close(both, Self.sums(x, p: p, both: true)))
    #expect(w2.isEmpty)
  }

  @Test("axis=1 on a three-dimensional tile is the older numbering: the last axis, with a warning")
  func older() throws {
    let p = 7
    var rng = SeededGenerator(seed: 99)
    let x = (0..<(p * 24)).map { _ in Float.random(in: -1...1, using: &rng) }
    let (out, warnings) = try Self.reduce(p: p, axis: "1", dstShape: "(\(p), 3)", x)
    #expect(Self.close(out, Self.sums(x, p: p, both: false)))
    #expect(warnings.count == 1)
    #expect(warnings.first?.contains("before 0.3") == true)
    #expect(warnings.first?.contains("axis=2") == true)
  }
}
