import TesselIR
import TesselNumerics
import Testing

@testable import TesselInterpreter

/// Every bit pattern of each narrow float format, NaNs included, read through a bitcast view of
/// fp32 data, copied by an engine, stored, and viewed back as fp32: the bytes must come back
/// unchanged (the reference is the input's own bytes).
@Suite("Bitcast views keep every narrow-float bit pattern")
struct BitcastNaNPatternTests {
  /// The little-endian bytes of partition `p`: a chunk of at most 16,384 patterns of a
  /// `size`-byte format (chunk `p` modulo the number of chunks, so any 4 consecutive partitions
  /// hold every pattern), rotated by a partition-dependent amount.
  static func rowBytes(_ p: Int, size: Int) -> [UInt8] {
    let count = 1 << (8 * size)
    let perRow = Swift.min(count, 16_384)
    let chunk = p % (count / perRow)
    return (0..<perRow).flatMap { j -> [UInt8] in
      let pattern = chunk * perRow + (j + 37 * p) % perRow
      return (0..<size).map { UInt8(truncatingIfNeeded: pattern >> (8 * $0)) }
    }
  }

  /// fp32 words of little-endian bytes.
  static func words(_ bytes: [UInt8]) -> [Float] {
    stride(from: 0, to: bytes.count, by: 4).map { i in
      Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[i + $1]) << (8 * UInt32($1)) })
    }
  }

  @Test(
    "fp32 bytes → view → engine copy → store, and back to fp32: bit for bit",
    arguments: [DType.float8e4m3, .float8e5m2, .float8e4m3fn, .bfloat16, .float16])
  func everyPattern(dtype: DType) throws {
    let size = dtype.byteSize
    let partitionCounts = size == 1 ? [1, 7, 128] : [4, 7]
    for partitions in partitionCounts {
      let rows = (0..<partitions).map { Self.rowBytes($0, size: size) }
      let narrowPerRow = rows[0].count / size
      let widePerRow = rows[0].count / 4
      var k = TileKernel()
      let x = k.input("x", [partitions, widePerRow])
      let t = k.tile("t", [partitions, widePerRow])
      k.load(t, x)
      let v = try k.b.declareBitcast(name: "t_view", of: t, as: dtype)
      let c = k.tile("c", [partitions, narrowPerRow], dtype)
      k.b.emit(.tensorCopy(dst: k.whole(c), src: k.whole(v)))
      let narrowOut = k.output("narrow", [partitions, narrowPerRow], dtype)
      k.store(narrowOut, c)
      let back = try k.b.declareBitcast(name: "c_fp32", of: c, as: .float32)
      let wideOut = k.output("wide", [partitions, widePerRow])
      k.store(wideOut, back)
      let input = rows.flatMap(Self.words)
      let r = try k.run([narrowOut, wideOut], [input])

      var bytes = [UInt8](repeating: 0, count: partitions * narrowPerRow * size)
      bytes.withUnsafeMutableBytes { raw in
        r.outputs[0].withUnsafeBufferPointer { values in
          if let base = raw.baseAddress { dtype.encode(values, into: base) }
        }
      }
      let expected = rows.flatMap { $0 }
      let badBytes = (0..<partitions * narrowPerRow).filter { e in
        (0..<size).contains { bytes[e * size + $0] != expected[e * size + $0] }
      }
      expectNoFailures(badBytes, "\(dtype) narrow output, P=\(partitions)")
      let badWords = zip(r.outputs[1], input).enumerated().filter { $0.element.0.bitPattern != $0.element.1.bitPattern }
      expectNoFailures(badWords.map(\.offset), "\(dtype) fp32 round trip, P=\(partitions)")
      #expect(r.report.warnings.isEmpty, "\(r.report.warnings)")
    }
  }
}

/// Expects `failures` to be empty, reporting how many there are and the first few.
private func expectNoFailures<T>(
  _ failures: [T], _ label: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
  let first = failures.prefix(6).map { "\($0)" }.joined(separator: ", ")
  #expect(failures.isEmpty, "\(label): \(failures.count) failures; first: \(first)", sourceLocation: sourceLocation)
}
