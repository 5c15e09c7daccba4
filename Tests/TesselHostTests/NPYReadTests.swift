import Foundation
import TesselIR
import Testing

@testable import TesselHost

/// Reading `.npy` files as numpy writes them.
///
/// The fixtures are built by hand from the format spec
/// (see `npyFixture`); the same layouts were cross-checked during development against files that
/// numpy 2.4.6 wrote with `np.save` and `numpy.lib.format.write_array(version=...)` (868 files:
/// every descr in both byte orders, C and Fortran order, versions 1.0/2.0/3.0, ml_dtypes types).
@Suite("NPY reading")
struct NPYReadTests {
  @Test func version1Float32() throws {
    let file = npyFixture(
      header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      data: leBytes([1, 2, 3, 4, 5, 6] as [Float]))
    let a = try HostArray.readNPY(data: file)
    #expect(a.shape == [2, 3])
    #expect(a.elementType == .nki(.float32))
    #expect(a.floatValues() == [1, 2, 3, 4, 5, 6])
  }

  @Test func version2Header() throws {
    let file = npyFixture(
      major: 2, header: "{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }", data: [1, 0, 0xFF, 0xFF, 0, 0x80])
    let a = try HostArray.readNPY(data: file)
    #expect(a.dtype == .int16)
    #expect(a.floatValues() == [1, -1, -32768])
  }

  @Test func version3Utf8Header() throws {
    // Format 3.0 headers are UTF-8, so a multi-byte character in a string is one character.
    let file = npyFixture(
      major: 3, header: "{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }", data: [2, 0, 3, 1])
    let a = try HostArray.readNPY(data: file)
    #expect(a.floatValues() == [2, 259])
    let accented = npyFixture(major: 3, header: "{'descr': 'é', 'fortran_order': False, 'shape': (), }")
    #expect(throws: NPYError.unsupportedDescr(path: "<bytes>", descr: "é")) { try HostArray.readNPY(data: accented) }
    // In 1.0 the same bytes are latin-1: two characters.
    let latin1 = npyFixture(major: 1, header: "{'descr': 'é', 'fortran_order': False, 'shape': (), }")
    #expect(throws: NPYError.unsupportedDescr(path: "<bytes>", descr: "Ã©")) { try HostArray.readNPY(data: latin1) }
  }

  @Test func bigEndianIsByteSwapped() throws {
    let file = npyFixture(
      header: "{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", data: [0, 0, 1, 2, 0xFF, 0xFF, 0xFF, 0xFE])
    let a = try HostArray.readNPY(data: file)
    #expect(a.dtype == .int32)
    #expect(a.bytes == [2, 1, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF])
    #expect(a.floatValues() == [258, -2])
    let f8 = npyFixture(
      header: "{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", data: leBytes([1.5] as [Double]).reversed())
    #expect(try HostArray.readNPY(data: f8).floatValues() == [1.5])
  }

  @Test func fortranOrderIsConvertedToC() throws {
    // C-order [[1, 2, 3], [4, 5, 6]] stored column by column: 1 4 2 5 3 6.
    let file = npyFixture(
      header: "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }",
      data: leBytes([1, 4, 2, 5, 3, 6] as [Double]))
    let a = try HostArray.readNPY(data: file)
    #expect(a.elementType == .float64)
    #expect(a.shape == [2, 3])
    #expect(a.floatValues() == [1, 2, 3, 4, 5, 6])
    // Rank 3: element (i, j, k) of shape (2, 3, 4) is stored at i + 2j + 6k.
    var fortran = [Float](repeating: 0, count: 24)
    for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { fortran[i + 2 * j + 6 * k] = Float(12 * i + 4 * j + k) } } }
    let cube = npyFixture(
      header: "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3, 4), }", data: leBytes(fortran))
    #expect(try HostArray.readNPY(data: cube).floatValues() == (0..<24).map(Float.init))
  }

  @Test func rawTwoByteDataReadAsBFloat16() throws {
    for descr in ["|V2", "<V2"] {
      let file = npyFixture(
        header: "{'descr': '\(descr)', 'fortran_order': False, 'shape': (3,), }",
        data: [0x80, 0x3F, 0x00, 0xC0, 0x60, 0x40])
      let a = try HostArray.readNPY(data: file, as: .bfloat16)
      #expect(a.dtype == .bfloat16)
      #expect(a.floatValues() == [1, -2, 3.5])
      #expect(
        throws: NPYError.rawDataNeedsDType(path: "<bytes>", descr: descr, byteSize: 2)
      ) { try HostArray.readNPY(data: file) }
      #expect(
        throws: NPYError.dtypeSizeMismatch(path: "<bytes>", descr: descr, byteSize: 2, requested: .float32)
      ) { try HostArray.readNPY(data: file, as: .float32) }
    }
    let error = NPYError.rawDataNeedsDType(path: "x.npy", descr: "<V2", byteSize: 2)
    #expect(error.description.contains("`:bfloat16`"))
  }

  @Test func rawOneByteDataReadAsFloat8() throws {
    let file = npyFixture(header: "{'descr': '<V1', 'fortran_order': False, 'shape': (2,), }", data: [0x38, 0x40])
    #expect(try HostArray.readNPY(data: file, as: .float8e4m3fn).floatValues() == [1, 2])
    #expect(throws: NPYError.rawDataNeedsDType(path: "<bytes>", descr: "<V1", byteSize: 1)) {
      try HostArray.readNPY(data: file)
    }
  }

  @Test func recordListDescrOfOneUnnamedField() throws {
    // dtype.descr of an ml_dtypes bfloat16 is [('', '<V2')]; accept it as '<V2'.
    let file = npyFixture(
      header: "{'descr': [('', '<V2')], 'fortran_order': False, 'shape': (1,), }", data: [0x80, 0x3F])
    #expect(try HostArray.readNPY(data: file, as: .bfloat16).floatValues() == [1])
  }

  @Test func float8e5m2AsMLDtypesSavesIt() throws {
    // ml_dtypes saves float8_e5m2 with descr '<f1'.
    let file = npyFixture(header: "{'descr': '<f1', 'fortran_order': False, 'shape': (2,), }", data: [0x3C, 0xC0])
    let a = try HostArray.readNPY(data: file)
    #expect(a.dtype == .float8e5m2)
    #expect(a.floatValues() == [1, -2])
  }

  @Test func scalarsAndZeroSizeArrays() throws {
    let scalar = npyFixture(
      header: "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", data: leBytes([7] as [Float]))
    let s = try HostArray.readNPY(data: scalar)
    #expect(s.shape == [])
    #expect(s.floatValues() == [7])
    for shape in ["(0,)", "(2, 0)", "(0, 3, 5)"] {
      let file = npyFixture(header: "{'descr': '<i8', 'fortran_order': True, 'shape': \(shape), }")
      let a = try HostArray.readNPY(data: file)
      #expect(a.count == 0)
      #expect(a.elementType == .int64)
    }
  }

  @Test func boolsAreNormalized() throws {
    let file = npyFixture(header: "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", data: [0, 1, 7])
    let a = try HostArray.readNPY(data: file)
    #expect(a.bytes == [0, 1, 1])
    #expect(a.floatValues() == [0, 1, 1])
  }

  @Test func headerSpellingsNumpyAccepts() throws {
    // Double quotes, keys in another order, no trailing comma, no alignment padding, a Python 2
    // long suffix, extra whitespace and `=`/`|` byte orders.
    let variants = [
      "{\"shape\": (2,), \"descr\": \"<u4\", \"fortran_order\": False}",
      "{'descr':'=u4','fortran_order':False,'shape':(2L,)}",
      "  { 'descr' : '|u4' , 'fortran_order' : False , 'shape' : ( 2 , ) , }  \t",
    ]
    for header in variants {
      let file = npyFixture(header: header, data: [5, 0, 0, 0, 6, 0, 0, 0], align: false)
      let a = try HostArray.readNPY(data: file)
      #expect(a.dtype == .uint32, "\(header)")
      #expect(a.floatValues() == [5, 6])
    }
  }

  @Test func requestedDTypeConvertsTypedData() throws {
    let file = npyFixture(
      header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data: leBytes([0.1, -3] as [Double]))
    let a = try HostArray.readNPY(data: file, as: .float32)
    #expect(a.dtype == .float32)
    #expect(a.floatValues() == [0.1, -3])
    let b = try HostArray.readNPY(data: file, as: .bfloat16)
    #expect(b.floatValues() == [0x1.9Ap-4, -3])
  }

  @Test func readsFromAPath() throws {
    let dir = try npyTemporaryDirectory()
    let path = dir + "/fixture.npy"
    let file = npyFixture(header: "{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", data: [9, 0, 0, 0])
    try writeAtomically(file, to: path)
    #expect(try HostArray.readNPY(from: path).floatValues() == [9])
    // A directory opens but cannot be read; a missing file cannot be opened.
    let dirError = npyCaught(NPYError.self) { try HostArray.readNPY(from: dir) }
    guard case .cannotRead(let p, _) = dirError else {
      Issue.record("expected cannotRead, got \(String(describing: dirError))")
      return
    }
    #expect(p == dir)
    let missing = npyCaught(NPYError.self) { try HostArray.readNPY(from: dir + "/missing.npy") }
    #expect(missing?.description == "\(dir)/missing.npy: cannot read: No such file or directory")
  }
}

/// Files on disk are read header first and then straight into the array: the result, and every
/// error, must be what reading the same bytes from memory gives.
@Suite("NPY files read from disk")
struct NPYFileReadTests {
  /// The same bytes read from a file and from memory: equal arrays, or equal errors (up to the path).
  static func expectSame(_ bytes: [UInt8], _ label: String, as dtype: DType? = nil) throws {
    let dir = try npyTemporaryDirectory()
    let path = dir + "/f.npy"
    try writeAtomically(bytes, to: path)
    let fromMemory = Result { try HostArray.readNPY(data: bytes, as: dtype) }
    let fromFile = Result { try HostArray.readNPY(from: path, as: dtype) }
    switch (fromMemory, fromFile) {
    case (.success(let a), .success(let b)): #expect(a == b, "\(label)")
    case (.failure(let a), .failure(let b)):
      #expect("\(a)".replacingOccurrences(of: "<bytes>", with: path) == "\(b)", "\(label)")
    default: Issue.record("\(label): memory \(fromMemory), file \(fromFile)")
    }
  }

  @Test func wholeTruncatedAndTrailingFiles() throws {
    let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 5), }"
    let data = leBytes((0..<15).map { Float($0) * 0.5 })
    let file = npyFixture(header: header, data: data)
    try Self.expectSame(file, "whole")
    try Self.expectSame(Array(file.dropLast(3)), "data truncated")
    try Self.expectSame(file + [1, 2, 3], "trailing bytes")
    try Self.expectSame(Array(file.prefix(9)), "preamble truncated")
    try Self.expectSame(Array(file.prefix(40)), "header truncated")
    try Self.expectSame(npyFixture(major: 2, header: header, data: data), "version 2")
    try Self.expectSame(npyFixture(header: header, data: data, align: false), "unaligned data start")
    try Self.expectSame(
      npyFixture(header: "{'descr': '>f4', 'fortran_order': True, 'shape': (3, 5), }", data: data), "big-endian Fortran"
    )
    try Self.expectSame(
      npyFixture(header: "{'descr': '<V2', 'fortran_order': False, 'shape': (4,), }", data: Array(data.prefix(8))),
      "raw bf16", as: .bfloat16)
    try Self.expectSame(npyFixture(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }"), "empty")
    try Self.expectSame([], "empty file")
  }

  @Test func aPipeIsReadWhole() throws {
    let dir = try npyTemporaryDirectory()
    let path = dir + "/pipe.npy"
    #expect(mkfifo(path, 0o600) == 0)
    let file = npyFixture(
      header: "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }", data: [7, 0, 0xFF, 0xFF])
    let writer = Thread {
      let fd = open(path, O_WRONLY)
      file.withUnsafeBytes { _ = write(fd, $0.baseAddress, $0.count) }
      close(fd)
    }
    writer.start()
    #expect(try HostArray.readNPY(from: path).floatValues() == [7, -1])
  }
}
