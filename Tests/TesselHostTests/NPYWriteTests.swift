import TesselIR
import Testing

@testable import TesselHost

/// Writing `.npy` files and reading them back.
///
/// During development every dtype in `DType.allCases` at shapes (), (0,), (1,), (7,), (3,5),
/// (2,3,4), (0,3), (1200,) and (40,30) was written by `npyBytes()`, loaded with numpy 2.4.6 +
/// ml_dtypes 0.6.0 (`np.load(f)`, then `.view(ml_dtypes.<type>)` for `V` descrs), and compared
/// with numpy's own `np.save` of the same array: all 126 files loaded with the right values and
/// were byte-identical (for float8_e5m2, identical to numpy's file of the same bytes saved as a
/// `<V1` type, since ml_dtypes saves float8_e5m2 as `<f1`, which numpy cannot load). The exact
/// headers below were copied from numpy's output. No test runs Python.
@Suite("NPY writing")
struct NPYWriteTests {
  static let shapes: [[Int]] = [[], [0], [1], [7], [3, 5], [2, 3, 4]]

  /// Values every dtype holds exactly (small integers, halves for floats, 0/1 for bool).
  static func sampleValues(_ dtype: DType, count: Int) -> [Float] {
    (0..<count).map { i in
      switch dtype {
      case .bool: Float(i % 2)
      case .uint8, .uint16, .uint32: Float(i % 16)
      case .int8, .int16, .int32: Float(i % 16) - 8
      default: (Float(i % 16) - 8) / 2
      }
    }
  }

  /// The dtype to pass to `readNPY(as:)` to get `dtype` back (nil when the file says it).
  static func readBackType(_ dtype: DType) -> DType? {
    switch dtype {
    case .bfloat16, .tfloat32, .float8e4m3, .float8e5m2, .float8e4m3fn: dtype
    default: nil
    }
  }

  @Test(arguments: DType.allCases)
  func roundTripEveryDTypeAndShape(dtype: DType) throws {
    for shape in Self.shapes {
      let count = shape.reduce(1, *)
      let array = try HostArray(shape: shape, dtype: dtype, values: Self.sampleValues(dtype, count: count))
      let file = array.npyBytes()
      // The data starts at a multiple of 64 and the header ends with a newline.
      let headerLength = Int(file[8]) | Int(file[9]) << 8
      #expect(file[6] == 1 && file[7] == 0)
      #expect((10 + headerLength) % 64 == 0)
      #expect(file[10 + headerLength - 1] == 0x0A)
      #expect(file.count == 10 + headerLength + count * dtype.byteSize)
      let back = try HostArray.readNPY(data: file, as: Self.readBackType(dtype))
      #expect(back == array, "\(dtype) \(shape)")
      #expect(back.floatValues() == Self.sampleValues(dtype, count: count))
    }
  }

  @Test(arguments: [HostElementType.int64, .uint64, .float64])
  func roundTripSixtyFourBitTypes(type: HostElementType) throws {
    for shape in Self.shapes {
      let count = shape.reduce(1, *)
      let bytes = (0..<(count * 8)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
      let array = try HostArray(shape: shape, elementType: type, bytes: bytes)
      #expect(try HostArray.readNPY(data: array.npyBytes()) == array)
    }
  }

  @Test func bytesMatchNumpyForFloat32() throws {
    let a = try HostArray(shape: [2, 3], dtype: .float32, values: [1, 2, 3, 4, 5, 6])
    let header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + String(repeating: " ", count: 58) + "\n"
    let expected =
      [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 118, 0] + Array(header.utf8) + leBytes([1, 2, 3, 4, 5, 6] as [Float])
    #expect(a.npyBytes() == expected)
    #expect(expected.count == 152)
  }

  @Test func bfloat16AndFloat8AreWrittenAsRawVoidLikeNumpy() throws {
    // np.save(f, np.array([1, -2, 3.5], dtype=ml_dtypes.bfloat16)): descr '<V2'.
    let bf = try HostArray(shape: [3], dtype: .bfloat16, values: [1, -2, 3.5])
    let bfHeader =
      "{'descr': '<V2', 'fortran_order': False, 'shape': (3,), }" + String(repeating: " ", count: 60) + "\n"
    #expect(
      bf.npyBytes() == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 118, 0] + Array(bfHeader.utf8) + [
        0x80, 0x3F, 0x00, 0xC0, 0x60, 0x40,
      ])
    // np.save(f, np.array([1, 2], dtype=ml_dtypes.float8_e4m3fn)): descr '<V1'.
    let f8 = try HostArray(shape: [2], dtype: .float8e4m3fn, values: [1, 2])
    let f8Header =
      "{'descr': '<V1', 'fortran_order': False, 'shape': (2,), }" + String(repeating: " ", count: 60) + "\n"
    #expect(f8.npyBytes() == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 118, 0] + Array(f8Header.utf8) + [0x38, 0x40])
    for dtype in [DType.float8e4m3, .float8e5m2] {
      let bytes = try HostArray(shape: [1], dtype: dtype, values: [1]).npyBytes()
      #expect(String(decoding: bytes[10..<25], as: UTF8.self) == "{'descr': '<V1'")
    }
  }

  @Test func scalarAndZeroSizeHeadersMatchNumpy() throws {
    // np.save(f, np.array(True)): no growth padding after an empty shape.
    let scalar = try HostArray(shape: [], dtype: .bool, values: [1])
    let scalarHeader =
      "{'descr': '|b1', 'fortran_order': False, 'shape': (), }" + String(repeating: " ", count: 62) + "\n"
    #expect(scalar.npyBytes() == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 118, 0] + Array(scalarHeader.utf8) + [1])
    // np.save(f, np.zeros((0,), dtype=np.int64)).
    let empty = try HostArray(shape: [0], elementType: .int64, bytes: [])
    let emptyHeader =
      "{'descr': '<i8', 'fortran_order': False, 'shape': (0,), }" + String(repeating: " ", count: 60) + "\n"
    #expect(empty.npyBytes() == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 118, 0] + Array(emptyHeader.utf8))
    // np.save(f, np.zeros((12345678901, 0), dtype=np.int32)): the growth padding shrinks with the digits.
    let wide = try HostArray(shape: [12_345_678_901, 0], dtype: .int32, values: [])
    let wideHeader =
      "{'descr': '<i4', 'fortran_order': False, 'shape': (12345678901, 0), }" + String(repeating: " ", count: 48) + "\n"
    #expect(wide.npyBytes() == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 118, 0] + Array(wideHeader.utf8))
  }

  @Test func otherDescrsAreNumpys() throws {
    let expected: [(DType, String)] = [
      (.bool, "|b1"), (.int8, "|i1"), (.uint8, "|u1"), (.int16, "<i2"), (.uint16, "<u2"), (.int32, "<i4"),
      (.uint32, "<u4"), (.float16, "<f2"), (.float32, "<f4"), (.tfloat32, "<f4"),
    ]
    for (dtype, descr) in expected {
      let bytes = try HostArray(shape: [1], dtype: dtype, values: [1]).npyBytes()
      #expect(String(decoding: bytes[10..<25], as: UTF8.self) == "{'descr': '\(descr)'", "\(dtype)")
    }
  }

  @Test func veryLongHeaderUsesVersion2() throws {
    // 30000 dimensions of 1: the header no longer fits a 16-bit length.
    let shape = [Int](repeating: 1, count: 30_000)
    let a = try HostArray(shape: shape, dtype: .float32, values: [2.5])
    let file = a.npyBytes()
    #expect(file[6] == 2 && file[7] == 0)
    let headerLength = Int(file[8]) | Int(file[9]) << 8 | Int(file[10]) << 16 | Int(file[11]) << 24
    #expect((12 + headerLength) % 64 == 0)
    #expect(headerLength > 65535)
    #expect(try HostArray.readNPY(data: file) == a)
  }

  @Test func writeAndReadAFile() throws {
    let dir = try npyTemporaryDirectory()
    let path = dir + "/a.npy"
    let a = try HostArray(shape: [2, 2], dtype: .bfloat16, values: [1, 2, 3, 4])
    try a.writeNPY(to: path)
    #expect(try HostArray.readNPY(from: path, as: .bfloat16) == a)
    // Overwriting replaces the file.
    let b = try HostArray(shape: [3], dtype: .int16, values: [-1, 0, 1])
    try b.writeNPY(to: path)
    #expect(try HostArray.readNPY(from: path) == b)
  }

  @Test func writeToAMissingDirectoryThrows() throws {
    let a = try HostArray(shape: [1], dtype: .float32, values: [1])
    let error = npyCaught(AtomicWriteError.self) { try a.writeNPY(to: "/nonexistent-tessel-dir/a.npy") }
    #expect(error?.path == "/nonexistent-tessel-dir/a.npy")
  }
}
