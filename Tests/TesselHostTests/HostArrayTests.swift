import TesselIR
import Testing

@testable import TesselHost

@Suite("HostArray")
struct HostArrayTests {
  @Test func initFromValuesEncodesLittleEndian() throws {
    let a = try HostArray(shape: [2, 3], dtype: .float32, values: [1, 2, 3, 4, 5, 6])
    #expect(a.shape == [2, 3])
    #expect(a.count == 6)
    #expect(a.rank == 2)
    #expect(a.dtype == .float32)
    #expect(a.elementType == .nki(.float32))
    #expect(a.bytes == leBytes([1, 2, 3, 4, 5, 6] as [Float]))
    #expect(a.floatValues() == [1, 2, 3, 4, 5, 6])
  }

  @Test func bfloat16ValuesAreRoundedToNearestEven() throws {
    // 1 + 2^-8 is halfway between bf16 neighbours 1 and 1 + 2^-7: ties go to the even one (1).
    let a = try HostArray(shape: [3], dtype: .bfloat16, values: [1 + 0x1p-8, -2, 3.5])
    #expect(a.bytes == [0x80, 0x3F, 0x00, 0xC0, 0x60, 0x40])
    #expect(a.floatValues() == [1, -2, 3.5])
  }

  @Test func scalarAndEmptyShapes() throws {
    let scalar = try HostArray(shape: [], dtype: .int32, values: [-7])
    #expect(scalar.count == 1)
    #expect(scalar.bytes == [0xF9, 0xFF, 0xFF, 0xFF])
    let empty = try HostArray(shape: [4, 0], dtype: .float16, values: [])
    #expect(empty.count == 0)
    #expect(empty.bytes.isEmpty)
    #expect(empty.floatValues().isEmpty)
  }

  @Test func shapeErrors() {
    #expect(throws: HostError.valueCountMismatch(shape: [2, 2], expected: 4, found: 3)) {
      try HostArray(shape: [2, 2], dtype: .float32, values: [1, 2, 3])
    }
    #expect(throws: HostError.negativeDimension(shape: [2, -1])) {
      try HostArray(shape: [2, -1], dtype: .float32, values: [])
    }
    #expect(throws: HostError.shapeOverflow(shape: [Int.max, 2])) {
      try HostArray(shape: [Int.max, 2], dtype: .int8, values: [])
    }
    // The element count fits, but the byte count does not.
    #expect(throws: HostError.shapeOverflow(shape: [Int.max / 2])) {
      try HostArray(shape: [Int.max / 2], elementType: .nki(.float32), bytes: [])
    }
    #expect(throws: HostError.byteCountMismatch(shape: [3], elementType: .int64, expected: 24, found: 23)) {
      try HostArray(shape: [3], elementType: .int64, bytes: [UInt8](repeating: 0, count: 23))
    }
  }

  @Test func errorDescriptionsAreOneLine() {
    let errors: [HostError] = [
      .negativeDimension(shape: [-1]), .shapeOverflow(shape: [Int.max, 2]),
      .valueCountMismatch(shape: [2], expected: 2, found: 1),
      .byteCountMismatch(shape: [], elementType: .float64, expected: 8, found: 0),
      .bitcastSizeMismatch(from: .nki(.float32), to: .bfloat16),
    ]
    for error in errors {
      #expect(!error.description.isEmpty)
      #expect(!error.description.contains("\n"))
    }
    #expect(
      HostError.byteCountMismatch(shape: [3], elementType: .int64, expected: 24, found: 23).description
        == "shape (3,) of int64 needs 24 bytes but 23 were given")
  }

  @Test func sixtyFourBitTypesDecodeWithRounding() throws {
    let i = try HostArray(
      shape: [4], elementType: .int64, bytes: leBytes([-3, 1 << 24 + 1, 1 << 40, Int64.min] as [Int64]))
    #expect(i.dtype == nil)
    // 2^24 + 1 is not a Float: it rounds to even (2^24).
    #expect(i.floatValues() == [-3, 0x1p24, 0x1p40, -0x1p63])
    let u = try HostArray(shape: [2], elementType: .uint64, bytes: leBytes([7, -1] as [Int64]))
    #expect(u.floatValues() == [7, 0x1p64])
    let d = try HostArray(shape: [3], elementType: .float64, bytes: leBytes([0.1, 1e40, -2.5] as [Double]))
    #expect(d.floatValues() == [0.1, .infinity, -2.5])
    #expect(d.dtype == nil)
  }

  @Test func convertedRoundsFloatsAndKeepsIntegersExact() throws {
    let f = try HostArray(shape: [2], dtype: .float32, values: [1 + 0x1p-8 + 0x1p-20, 3])
    let b = f.converted(to: .bfloat16)
    #expect(b.dtype == .bfloat16)
    #expect(b.floatValues() == [1 + 0x1p-7, 3])
    #expect(f.converted(to: .float32) == f)
    // int64 -> int32 through Float would lose the low bit of 2^30 + 1; the conversion is exact.
    let big = try HostArray(shape: [2], elementType: .int64, bytes: leBytes([1 << 30 + 1, -(1 << 31)] as [Int64]))
    let i32 = big.converted(to: .int32)
    #expect(i32.bytes == [0x01, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x80])
    let u8 = try HostArray(shape: [3], dtype: .int16, values: [0, 200, 255]).converted(to: .uint8)
    #expect(u8.bytes == [0, 200, 255])
    let d = try HostArray(shape: [1], elementType: .float64, bytes: leBytes([0.5] as [Double]))
    #expect(d.converted(to: .float16).floatValues() == [0.5])
  }

  @Test func bitcastReinterpretsSameSizeTypes() throws {
    let raw = try HostArray(shape: [2], dtype: .uint16, values: [0x3F80, 0xC000])
    let bf = try raw.bitcast(to: .bfloat16)
    #expect(bf.floatValues() == [1, -2])
    #expect(bf.bytes == raw.bytes)
    #expect(throws: HostError.bitcastSizeMismatch(from: .nki(.uint16), to: .float32)) {
      try raw.bitcast(to: .float32)
    }
  }

  @Test func equalityIsBitwise() throws {
    let a = try HostArray(shape: [1], dtype: .float32, values: [.nan])
    let b = try HostArray(shape: [1], dtype: .float32, values: [.nan])
    #expect(a == b)
    let z = try HostArray(shape: [1], dtype: .float32, values: [0])
    let nz = try HostArray(shape: [1], dtype: .float32, values: [-0.0])
    #expect(z != nz)
    #expect(
      try HostArray(shape: [2], dtype: .int8, values: [1, 2])
        != HostArray(shape: [1, 2], dtype: .int8, values: [1, 2]))
  }

  @Test func descriptionOfSmallArrays() throws {
    let a = try HostArray(shape: [2, 3], dtype: .float32, values: [1, 2, 3, 4, 5, -6.5])
    #expect(
      a.description == """
        HostArray(shape: (2, 3), dtype: float32)
        [[ 1.0,  2.0,  3.0],
         [ 4.0,  5.0, -6.5]]
        """)
    let s = try HostArray(shape: [], dtype: .bool, values: [1])
    #expect(s.description == "HostArray(shape: (), dtype: bool_)\nTrue")
    let e = try HostArray(shape: [0, 3], dtype: .bfloat16, values: [])
    #expect(e.description == "HostArray(shape: (0, 3), dtype: bfloat16)\n[]")
    let i = try HostArray(shape: [1], elementType: .int64, bytes: leBytes([Int64.min]))
    #expect(i.description == "HostArray(shape: (1,), dtype: int64)\n[-9223372036854775808]")
    let cube = try HostArray(shape: [2, 1, 2], dtype: .int8, values: [1, 2, 3, 4])
    #expect(
      cube.description == """
        HostArray(shape: (2, 1, 2), dtype: int8)
        [[[1, 2]],

         [[3, 4]]]
        """)
  }

  @Test func descriptionElidesTheMiddleOfBigArrays() throws {
    let n = 40 * 50
    let a = try HostArray(shape: [40, 50], dtype: .int32, values: (0..<n).map { Float($0) })
    let lines = a.description.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.first == "HostArray(shape: (40, 50), dtype: int32)")
    #expect(lines.count == 1 + 7)  // header, 3 rows, "...", 3 rows
    #expect(lines[1] == "[[   0,    1,    2, ...,   47,   48,   49],")
    #expect(lines[4] == " ...,")
    #expect(lines[7] == " [1950, 1951, 1952, ..., 1997, 1998, 1999]]")
    // Past 64 dimensions the elements are listed flat (rendering recurses once per axis).
    let deep = try HostArray(shape: [Int](repeating: 1, count: 20_000) + [2], dtype: .int8, values: [3, 4])
    #expect(deep.description.hasSuffix(")\n[3, 4]"))
    // 1000 elements or fewer are printed in full.
    let small = try HostArray(shape: [1000], dtype: .uint8, values: [Float](repeating: 1, count: 1000))
    #expect(!small.description.contains("..."))
  }
}
