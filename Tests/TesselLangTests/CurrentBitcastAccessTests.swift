import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselTestSupportCore
import Testing

/// `t.ap(pattern, dtype=d)`: the pattern addresses the tile's storage as elements of `d`.
@Suite("Current dialect: ap(dtype=...) reinterprets storage")
struct CurrentBitcastAccessTests {
  /// Copies `x` (`[p, 2]` fp32) into SBUF and stores the tile's bytes, through `.ap(dtype=nl.uint8)`,
  /// into a `[p, 8]` uint8 output (`offset` selects the first byte, `count` how many per row).
  static func bytes(p: Int, _ x: [Float], pattern: String, outColumns: Int, offset: String = "None") throws -> [Float] {
    let source = Self.kernel(
      tile: "(\(p), 2), dtype=nl.float32", out: "(\(p), \(outColumns)), dtype=nl.uint8",
      ap: "pattern=\(pattern), offset=\(offset), dtype=nl.uint8")
    let traced = try NKIFile(source: source, file: "bitcast.py").trace(
      arguments: [.tensor(shape: [p, 2], dtype: .float32)])
    let r = try Interpreter(kernel: traced.kernel).run(
      hostArrays: [try HostArray(shape: [p, 2], dtype: .float32, values: x)])
    return r.outputs[0].floatValues()
  }

  /// A kernel copying `x` into a tile (`tile`: its shape and dtype) and the tile's `.ap(...)`
  /// (`ap`: the arguments) into an output (`out`); the `.ap` call is on line 11.
  static func kernel(tile: String, out: String, ap: String) -> String {
    """
    import nki
    import nki.isa as nisa
    import nki.language as nl


    @nki.jit
    def k(x):
        t = nl.ndarray(\(tile), buffer=nl.sbuf)
        nisa.dma_copy(dst=t, src=x)
        out = nl.ndarray(\(out), buffer=nl.shared_hbm)
        nisa.dma_copy(dst=out, src=t.ap(\(ap)))
        return out
    """
  }

  /// The little-endian bytes of each fp32 value.
  static func littleEndian(_ x: [Float]) -> [Float] {
    x.flatMap { v in (0..<4).map { Float((v.bitPattern >> (8 * UInt32($0))) & 0xFF) } }
  }

  @Test("a [P, 2] fp32 tile read as [P, 8] bytes", arguments: [1, 7, 128])
  func wholeRows(p: Int) throws {
    var rng = SeededGenerator(seed: UInt64(p))
    let x = (0..<(2 * p)).map { _ in Float.random(in: -100...100, using: &rng) }
    let got = try Self.bytes(p: p, x, pattern: "[[8, \(p)], [1, 8]]", outColumns: 8)
    #expect(got == Self.littleEndian(x))
  }

  @Test("an offset and a pattern in the new dtype's elements pick the second value's bytes")
  func offsetInNewElements() throws {
    let p = 7
    var rng = SeededGenerator(seed: 5)
    let x = (0..<(2 * p)).map { _ in Float.random(in: -100...100, using: &rng) }
    let got = try Self.bytes(p: p, x, pattern: "[[8, \(p)], [1, 4]]", outColumns: 4, offset: "4")
    let all = Self.littleEndian(x)
    let expected = (0..<p).flatMap { r in all[(r * 8 + 4)..<(r * 8 + 8)] }
    #expect(got == expected)
  }

  @Test("a row whose bytes do not divide into the new dtype is a located error")
  func indivisible() throws {
    let source = Self.kernel(
      tile: "(4, 3), dtype=nl.uint8", out: "(4, 1), dtype=nl.float32", ap: "pattern=[[1, 4], [1, 1]], dtype=nl.float32")
    let file = try NKIFile(source: source, file: "bitcast.py")
    do {
      _ = try file.trace(arguments: [.tensor(shape: [4, 3], dtype: .uint8)])
      Issue.record("traced a float32 view of 3-byte rows")
    } catch {
      #expect(error.message.contains("cannot view"), "\(error.message)")
      #expect(error.location.line == 11)
    }
  }
}
