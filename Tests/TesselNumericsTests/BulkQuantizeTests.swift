import TesselIR
import TesselNumerics
import TesselTestSupportCore
import Testing

/// `DType.quantize(_:)` on a buffer must equal the scalar `quantize(_:)` on every element.
@Suite("Bulk quantize equals scalar quantize")
struct BulkQuantizeTests {
  /// Inputs that exercise every rounding path: specials, ties of each format, subnormals,
  /// overflow thresholds, integer ties and saturation, and random bit patterns.
  static let inputs: [Float] = {
    var values: [Float] = [
      0, -0.0, 1, -1, .nan, -.nan, Float(bitPattern: 0x7F80_0001), Float(bitPattern: 0xFFBF_FFFF),
      .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
      .leastNonzeroMagnitude, .leastNormalMagnitude, 0.5, 1.5, 2.5, -2.5, 3.5, 127.5, 128, -128.5,
      255.5, 256, 32767.5, 65535.5, 65504, 65520, 65519.996, 240, 248, 247.99998, 448, 464,
      464.00003,
      57344, 61440, 1 + 0x1p-8, 1 + 3 * 0x1p-8, 1 + 0x1p-11, 2049, 1.0625, 1.1875, 0x1p-24, 0x1p-25,
      0x1p-9, 0x1p-10, 0x1p-133, 0x1p-134, 2_147_483_648, -2_147_483_648, 4_294_967_296, 1e10,
      -1e10,
    ]
    for format in ReferenceFloatFormat.all {
      let table = ReferenceFloatFormat.Encoder(format).values
      for i in Swift.stride(from: 0, to: table.count - 1, by: max(1, table.count / 64)) {
        let tie = Float((table[i] + table[i + 1]) / 2)
        values += [tie, -tie, tie.nextUp, tie.nextDown]
      }
    }
    var generator = SeededGenerator(seed: 0xB0_1C)
    for _ in 0..<4_000 {
      values.append(Float(bitPattern: UInt32(truncatingIfNeeded: generator.next())))
      values.append(Float.random(in: -70_000...70_000, using: &generator))
      values.append(Float(Int.random(in: -600...600, using: &generator)) / 2)
    }
    return values
  }()

  /// Quantizes `values[offset..<offset + length]` through the buffer API and compares each
  /// element with the scalar API; returns the mismatching inputs.
  static func mismatches(_ dtype: DType, _ values: [Float], offset: Int, length: Int) -> [Float] {
    var work = Array(values[offset..<offset + length])
    work.withUnsafeMutableBufferPointer { dtype.quantize($0) }
    var bad: [Float] = []
    for i in 0..<length {
      let x = values[offset + i]
      let scalar = dtype.quantize(x)
      if work[i].bitPattern != scalar.bitPattern { bad.append(x) }
    }
    return bad
  }

  @Test("whole input set, bit for bit", arguments: DType.allCases)
  func wholeSet(dtype: DType) {
    let bad = BulkQuantizeTests.mismatches(
      dtype, BulkQuantizeTests.inputs, offset: 0, length: BulkQuantizeTests.inputs.count)
    expectNoFailures(bad.map { ($0, $0.bitPattern) })
  }

  @Test(
    "buffers of length 1, 7, 8 and 33 at several offsets (vector tails)", arguments: DType.allCases)
  func tails(dtype: DType) {
    let values = BulkQuantizeTests.inputs
    var bad: [Float] = []
    for length in [1, 7, 8, 33] {
      for offset in [0, 1, 3, 5, 17, 40] {
        bad += BulkQuantizeTests.mismatches(dtype, values, offset: offset, length: length)
      }
    }
    expectNoFailures(bad.map { ($0, $0.bitPattern) })
  }

  @Test("an empty buffer is a no-op", arguments: DType.allCases)
  func emptyBuffer(dtype: DType) {
    var empty: [Float] = []
    empty.withUnsafeMutableBufferPointer { dtype.quantize($0) }
    dtype.quantize(UnsafeMutableBufferPointer<Float>(start: nil, count: 0))
    #expect(empty.isEmpty)
  }
}
