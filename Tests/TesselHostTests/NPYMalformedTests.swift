import TesselIR
import Testing

@testable import TesselHost

/// Malformed `.npy` files: each must throw its specific ``NPYError``, never trap.
@Suite("NPY malformed files")
struct NPYMalformedTests {
  static let p = "<bytes>"

  static func header(descr: String = "'<f4'", order: String = "False", shape: String = "(2,)") -> String {
    "{'descr': \(descr), 'fortran_order': \(order), 'shape': \(shape), }"
  }

  static func read(_ bytes: [UInt8], as dtype: DType? = nil) throws -> HostArray {
    try HostArray.readNPY(data: bytes, as: dtype)
  }

  @Test func truncatedPreambles() {
    #expect(throws: NPYError.truncated(path: Self.p, part: "magic and version", expectedBytes: 8, foundBytes: 0)) {
      try Self.read([])
    }
    #expect(throws: NPYError.truncated(path: Self.p, part: "magic and version", expectedBytes: 8, foundBytes: 4)) {
      try Self.read([0x93, 0x4E, 0x55, 0x4D])
    }
    #expect(throws: NPYError.truncated(path: Self.p, part: "header length", expectedBytes: 10, foundBytes: 9)) {
      try Self.read([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 0x76])
    }
    #expect(throws: NPYError.truncated(path: Self.p, part: "header length", expectedBytes: 12, foundBytes: 10)) {
      try Self.read([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 2, 0, 0x76, 0])
    }
    let file = npyFixture(header: Self.header(), data: leBytes([1, 2] as [Float]))
    #expect(throws: NPYError.truncated(path: Self.p, part: "header", expectedBytes: 128, foundBytes: 40)) {
      try Self.read(Array(file.prefix(40)))
    }
    let huge = npyFixture(major: 2, header: Self.header(), headerLengthOverride: 0xFFFF_FFFF)
    #expect(
      throws: NPYError.truncated(path: Self.p, part: "header", expectedBytes: 12 + 0xFFFF_FFFF, foundBytes: huge.count)
    ) {
      try Self.read(huge)
    }
  }

  @Test func badMagic() {
    #expect(throws: NPYError.badMagic(path: Self.p, found: [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00])) {
      try Self.read([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00])  // a .npz (zip)
    }
    #expect(throws: NPYError.badMagic(path: Self.p, found: [0x93, 0x6E])) { try Self.read([0x93, 0x6E]) }
    #expect(
      NPYError.badMagic(path: "a.npz", found: [0x50, 0x4B]).description
        == "a.npz: not a .npy file: expected magic bytes 93 4E 55 4D 50 59 (\\x93NUMPY), found 50 4B")
  }

  @Test func unsupportedVersions() {
    for (major, minor) in [(0, 0), (4, 0), (1, 1), (255, 255)] as [(UInt8, UInt8)] {
      let file = npyFixture(major: major == 1 ? 1 : 2, header: Self.header(), data: leBytes([1, 2] as [Float]))
      var bytes = file
      bytes[6] = major
      bytes[7] = minor
      #expect(throws: NPYError.unsupportedVersion(path: Self.p, major: Int(major), minor: Int(minor))) {
        try Self.read(bytes)
      }
    }
  }

  @Test func headerSyntaxErrors() {
    let cases: [(String, String)] = [
      ("{'descr': '<f4', ", "missing '}' at offset 54"),
      ("{'descr' '<f4'}", "expected ':' after dict key 'descr' at offset 9"),
      ("{'descr': '<f4}", "newline inside a string at offset 54"),
      ("{'descr': np.float32}", "unexpected name 'np' at offset 10"),
      ("{'descr': '<f4'} x", "unexpected 'x' after the literal at offset 17"),
      ("", "unexpected end of header at offset 54"),
      (String(repeating: "(", count: 10_000), "nesting deeper than 32"),
      (String(repeating: "[", count: 100) + String(repeating: "]", count: 100), "nesting deeper than 32"),
    ]
    for (header, message) in cases {
      let error = npyCaught(NPYError.self) { try Self.read(npyFixture(header: header)) }
      guard case .badHeader(let path, let expected, let found) = error else {
        Issue.record("\(header.prefix(30)): expected badHeader, got \(String(describing: error))")
        continue
      }
      #expect(path == Self.p)
      #expect(expected == "a Python dict literal")
      #expect(found.contains(message), "\(found)")
    }
  }

  @Test func headerDictErrors() {
    let cases: [(String, String, String)] = [
      ("[1, 2]", "a dict", "a list [1, 2]"),
      ("{1: 2}", "string keys", "key 1"),
      (
        "{'descr': '<f4', 'shape': (2,)}", "keys 'descr', 'fortran_order', 'shape'",
        "keys 'descr', 'shape'"
      ),
      (
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", "keys 'descr', 'fortran_order', 'shape'",
        "keys 'descr', 'fortran_order', 'shape', 'x'"
      ),
      (Self.header(shape: "[2]"), "shape as a tuple of ints", "[2]"),
      (Self.header(shape: "(2)"), "shape as a tuple of ints", "2"),
      (Self.header(shape: "(2.0,)"), "shape as a tuple of ints", "(2.0,)"),
      (Self.header(shape: "('2',)"), "shape as a tuple of ints", "('2',)"),
      (Self.header(order: "0"), "fortran_order True or False", "0"),
      (Self.header(order: "'False'"), "fortran_order True or False", "'False'"),
    ]
    for (header, expected, found) in cases {
      #expect(throws: NPYError.badHeader(path: Self.p, expected: expected, found: found), "\(header)") {
        try Self.read(npyFixture(header: header, data: leBytes([1, 2] as [Float])))
      }
    }
  }

  @Test func unsupportedDescrs() {
    for descr in ["<c8", "<U3", "|S5", "<M8[ns]", "<f16", "<i3", "<f", "", "<", "float32", "<V0", "<b2"] {
      #expect(throws: NPYError.unsupportedDescr(path: Self.p, descr: descr)) {
        try Self.read(npyFixture(header: Self.header(descr: "'\(descr)'")))
      }
    }
    #expect(throws: NPYError.unsupportedDescr(path: Self.p, descr: "4")) {
      try Self.read(npyFixture(header: Self.header(descr: "4")))
    }
    #expect(throws: NPYError.unsupportedDescr(path: Self.p, descr: "('<f4', (2,))")) {
      try Self.read(npyFixture(header: Self.header(descr: "('<f4', (2,))")))
    }
  }

  @Test func objectAndStructuredArrays() {
    #expect(throws: NPYError.objectArray(path: Self.p, descr: "|O")) {
      try Self.read(npyFixture(header: Self.header(descr: "'|O'"), data: [0x80, 0x04]))
    }
    #expect(throws: NPYError.structuredArray(path: Self.p, descr: "[('a', '<f4'), ('b', '<i4')]")) {
      try Self.read(npyFixture(header: Self.header(descr: "[('a', '<f4'), ('b', '<i4')]")))
    }
  }

  @Test func rawDataWithoutOrWithWrongDType() {
    let file = npyFixture(header: Self.header(descr: "'|V4'", shape: "(1,)"), data: [0, 0, 0x80, 0x3F])
    #expect(throws: NPYError.rawDataNeedsDType(path: Self.p, descr: "|V4", byteSize: 4)) { try Self.read(file) }
    #expect(throws: NPYError.dtypeSizeMismatch(path: Self.p, descr: "|V4", byteSize: 4, requested: .bfloat16)) {
      try Self.read(file, as: .bfloat16)
    }
    // V4 holds float32 bits when asked.
    #expect((try? Self.read(file, as: .float32))?.floatValues() == [1])
  }

  @Test func badShapes() {
    #expect(throws: NPYError.negativeDimension(path: Self.p, shape: [-1, 3])) {
      try Self.read(npyFixture(header: Self.header(shape: "(-1, 3)")))
    }
    #expect(throws: NPYError.shapeOverflow(path: Self.p, shape: "(4611686018427387904, 4)")) {
      try Self.read(npyFixture(header: Self.header(shape: "(4611686018427387904, 4)")))
    }
    // The element count fits in an Int but the byte count does not.
    #expect(throws: NPYError.shapeOverflow(path: Self.p, shape: "(4611686018427387904,)")) {
      try Self.read(npyFixture(header: Self.header(shape: "(4611686018427387904,)")))
    }
    #expect(throws: NPYError.shapeOverflow(path: Self.p, shape: "(99999999999999999999999,)")) {
      try Self.read(npyFixture(header: Self.header(shape: "(99999999999999999999999,)")))
    }
  }

  @Test func dataSizeMismatch() {
    let short = npyFixture(header: Self.header(shape: "(2, 3)"), data: leBytes([1, 2, 3, 4, 5] as [Float]))
    #expect(
      throws: NPYError.dataSizeMismatch(path: Self.p, shape: [2, 3], descr: "<f4", expectedBytes: 24, foundBytes: 20)
    ) { try Self.read(short) }
    let long = npyFixture(header: Self.header(shape: "()"), data: [0, 0, 0, 0, 1])
    #expect(throws: NPYError.dataSizeMismatch(path: Self.p, shape: [], descr: "<f4", expectedBytes: 4, foundBytes: 5)) {
      try Self.read(long)
    }
    let hugeClaim = npyFixture(header: Self.header(shape: "(1000000000000, 1000)"), data: [1, 2, 3])
    #expect(
      throws: NPYError.dataSizeMismatch(
        path: Self.p, shape: [1_000_000_000_000, 1000], descr: "<f4", expectedBytes: 4_000_000_000_000_000,
        foundBytes: 3)
    ) { try Self.read(hugeClaim) }
  }

  @Test func invalidUtf8InVersion3Header() {
    let file = npyFixture(major: 3, headerBytes: Array("{'descr': '".utf8) + [0xFF, 0xFE] + Array("'}".utf8))
    #expect(throws: NPYError.badHeader(path: Self.p, expected: "a UTF-8 header (format 3.0)", found: "invalid UTF-8")) {
      try Self.read(file)
    }
  }

  @Test func everyDescriptionIsOneLineNamingThePath() {
    let errors: [NPYError] = [
      .cannotRead(path: "f.npy", reason: "No such file or directory"),
      .truncated(path: "f.npy", part: "header", expectedBytes: 128, foundBytes: 50),
      .badMagic(path: "f.npy", found: []),
      .unsupportedVersion(path: "f.npy", major: 9, minor: 1),
      .badHeader(path: "f.npy", expected: "a dict", found: "a list [1,\\n 2]"),
      .unsupportedDescr(path: "f.npy", descr: "<c8"),
      .objectArray(path: "f.npy", descr: "|O"),
      .structuredArray(path: "f.npy", descr: "[('a', '<f4')]"),
      .rawDataNeedsDType(path: "f.npy", descr: "<V1", byteSize: 1),
      .dtypeSizeMismatch(path: "f.npy", descr: "<V2", byteSize: 2, requested: .float32),
      .negativeDimension(path: "f.npy", shape: [-1]),
      .shapeOverflow(path: "f.npy", shape: "(99999999999999999999,)"),
      .dataSizeMismatch(path: "f.npy", shape: [2], descr: "<f4", expectedBytes: 8, foundBytes: 4),
    ]
    for error in errors {
      #expect(error.description.hasPrefix("f.npy: "))
      #expect(!error.description.contains("\n"))
    }
    #expect(
      NPYError.dataSizeMismatch(path: "f.npy", shape: [2], descr: "<f4", expectedBytes: 8, foundBytes: 4).description
        == "f.npy: .npy data size mismatch: shape (2,) of '<f4' needs 8 bytes after the header, found 4")
    // Header excerpts escape newlines and stop after 80 characters.
    let long = "[" + String(repeating: "1, ", count: 100) + "\n]"
    let error = npyCaught(NPYError.self) { try Self.read(npyFixture(header: long)) }
    #expect(error.map { !$0.description.contains("\n") && $0.description.count < 300 } == true)
  }
}
