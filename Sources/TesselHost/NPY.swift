import TesselIR
import TesselNumerics

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The .npy format (numpy/lib/format.py, NEP 1):
//
//   \x93NUMPY  major minor  header-length  header  data
//
// header-length is a little-endian UInt16 in version 1.0 and a UInt32 in 2.0 and 3.0. The header
// is a Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`, latin-1
// in 1.0/2.0 and UTF-8 in 3.0, padded with spaces and a final newline so the data starts at a
// multiple of 64 bytes.
//
// What numpy 2.4 with ml_dtypes 0.6 writes for ml_dtypes' types (checked with np.save):
//   bfloat16                                  descr '<V2'  (np.load gives |V2; .view(bfloat16) works)
//   float8_e4m3fn, float8_e4m3 and most others descr '<V1'
//   float8_e5m2                               descr '<f1'  (which np.load itself rejects)
// The descr is a plain string, not a `[('', '<V2')]` record list, though we accept that form too.

/// How the element type of a `.npy` file was described.
enum NPYFileType: Equatable {
  /// A type Tessel holds directly.
  case host(HostElementType)
  /// `V<n>`: raw bytes whose meaning the caller must supply.
  case raw(byteSize: Int)
}

extension HostArray {
  /// The magic string that opens every `.npy` file.
  static let npyMagic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
  /// The data of a `.npy` file numpy writes starts at a multiple of this.
  static let npyAlignment = 64
  /// numpy leaves room after the header so the first axis can grow to this many digits in place.
  static let npyGrowthAxisMaxDigits = 21

  /// Reads a `.npy` file.
  ///
  /// Supports format versions 1.0, 2.0 and 3.0; descrs `b1 i1 i2 i4 i8 u1 u2 u4 u8 f2 f4 f8` in
  /// either byte order (`<`, `>`, `|`, `=`); `f1` (how ml_dtypes saves float8_e5m2); raw `V1`/`V2`
  /// (how numpy saves ml_dtypes' fp8 and bfloat16); Fortran-order data (converted to C order);
  /// scalars (shape `()`) and zero-size arrays. Bools are normalized to 0 or 1.
  ///
  /// - Parameter dtype: For raw `V<n>` data, the dtype the bytes hold (its size must be `n`):
  ///   required, since the file does not say. For any other descr, the array is converted to
  ///   `dtype` with ``converted(to:)`` (a value conversion; use ``bitcast(to:)`` to reinterpret
  ///   bits instead). When nil, the file's own type is kept.
  /// - Throws: ``NPYError``: the file is unreadable or malformed; the data size must match the
  ///   shape exactly (trailing bytes are an error).
  public static func readNPY(from path: String, as dtype: DType? = nil) throws(NPYError) -> HostArray {
    try readNPYFile(path, as: dtype)
  }

  /// Reads `.npy` file contents from memory.
  ///
  /// See ``readNPY(from:as:)``; errors name `"<bytes>"`.
  public static func readNPY(data: [UInt8], as dtype: DType? = nil) throws(NPYError) -> HostArray {
    try parseNPY(data, path: "<bytes>", as: dtype)
  }

  /// The `.npy` file for this array, byte-identical to `np.save` of the same numpy array.
  ///
  /// Format 1.0 (2.0 if the header exceeds 65535 bytes), C order, the header padded with spaces
  /// and a newline so the data starts at a multiple of 64 bytes. bfloat16 is written as `<V2`
  /// and the fp8 types as `<V1`, as numpy saves ml_dtypes arrays, so
  /// `np.load(f).view(ml_dtypes.bfloat16)` recovers them. float8_e5m2 is also written `<V1`
  /// (ml_dtypes' own `<f1` cannot be loaded by numpy). tfloat32 is written as `<f4`.
  public func npyBytes() -> [UInt8] {
    npyHeaderBytes() + bytes
  }

  /// The `.npy` preamble and header for this array (``npyBytes()`` without the data).
  func npyHeaderBytes() -> [UInt8] {
    let descr = Self.npyDescr(for: elementType)
    var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(formatShape(shape)), }"
    if let first = shape.first {
      let digits = String(first).count
      header += String(repeating: " ", count: max(0, Self.npyGrowthAxisMaxDigits - digits))
    }
    let headerBytes = Array(header.utf8)
    return Self.npyPreamble(header: headerBytes, version: 1)
      ?? Self.npyPreamble(header: headerBytes, version: 2)
      ?? []
  }

  /// Writes this array as a `.npy` file (see ``npyBytes()``), atomically: the header, then the
  /// data straight from the array.
  ///
  /// Like `np.save`, it does not sync the file to disk; pass
  /// `durable: true` to (see ``writeAtomically(_:to:durable:)``).
  ///
  /// - Throws: ``AtomicWriteError`` when the file cannot be written.
  public func writeNPY(to path: String, durable: Bool = false) throws(AtomicWriteError) {
    try writeAtomically([npyHeaderBytes(), bytes], to: path, durable: durable)
  }

  /// Magic, version, header length and padded header, or nil if the header is too long for `version`.
  static func npyPreamble(header: [UInt8], version: UInt8) -> [UInt8]? {
    let lengthSize = version == 1 ? 2 : 4
    let prefix = npyMagic.count + 2 + lengthSize
    let withNewline = header.count + 1
    let padding = npyAlignment - (prefix + withNewline) % npyAlignment
    let headerLength = withNewline + padding
    guard headerLength <= (version == 1 ? Int(UInt16.max) : Int(UInt32.max)) else { return nil }
    var out = npyMagic + [version, 0]
    for b in 0..<lengthSize { out.append(UInt8(truncatingIfNeeded: headerLength >> (8 * b))) }
    out += header
    out += [UInt8](repeating: 0x20, count: padding)
    out.append(0x0A)
    return out
  }

  /// The descr this library writes for `elementType`.
  static func npyDescr(for elementType: HostElementType) -> String {
    switch elementType {
    case .int64: return "<i8"
    case .uint64: return "<u8"
    case .float64: return "<f8"
    case .nki(let dtype):
      switch dtype {
      case .bool: return "|b1"
      case .int8: return "|i1"
      case .uint8: return "|u1"
      case .int16: return "<i2"
      case .uint16: return "<u2"
      case .int32: return "<i4"
      case .uint32: return "<u4"
      case .float16: return "<f2"
      case .float32, .tfloat32: return "<f4"
      case .bfloat16: return "<V2"
      case .float8e4m3, .float8e5m2, .float8e4m3fn: return "<V1"
      }
    }
  }

  // MARK: - Reading

  /// Where the data of a `.npy` file starts and what it holds, from its first bytes.
  struct NPYLayout {
    var header: NPYHeader
    /// The offset of the first data byte.
    var dataStart: Int
    var elementType: HostElementType
    /// Elements and data bytes the shape calls for.
    var count: Int
    var expectedBytes: Int
  }

  static func parseNPY(_ data: [UInt8], path: String, as requested: DType?) throws(NPYError) -> HostArray {
    let layout = try parseLayout(data, totalBytes: data.count, path: path, as: requested)
    return try finishNPY(layout, bytes: Array(data[layout.dataStart...]), path: path, as: requested)
  }

  /// Parses the magic, version and header from `prefix` (the file's first bytes, at least up to
  /// the end of the header when the file is that long) of a file of `totalBytes` bytes, and checks
  /// that the data that follows has the size the shape calls for.
  static func parseLayout(_ prefix: [UInt8], totalBytes: Int, path: String, as requested: DType?) throws(NPYError)
    -> NPYLayout
  {
    let data = prefix
    // Magic and version.
    let magicSeen = Array(data.prefix(npyMagic.count))
    guard magicSeen == Array(npyMagic.prefix(magicSeen.count)) else {
      throw .badMagic(path: path, found: magicSeen)
    }
    guard data.count >= 8 else {
      throw .truncated(path: path, part: "magic and version", expectedBytes: 8, foundBytes: data.count)
    }
    let major = data[6]
    let minor = data[7]
    guard (1...3).contains(major), minor == 0 else {
      throw .unsupportedVersion(path: path, major: Int(major), minor: Int(minor))
    }

    // Header.
    let lengthSize = major == 1 ? 2 : 4
    let headerStart = 8 + lengthSize
    guard data.count >= headerStart else {
      throw .truncated(path: path, part: "header length", expectedBytes: headerStart, foundBytes: data.count)
    }
    var headerLength = 0
    for b in 0..<lengthSize { headerLength |= Int(data[8 + b]) << (8 * b) }
    let dataStart = headerStart + headerLength
    guard data.count >= dataStart else {
      throw .truncated(path: path, part: "header", expectedBytes: dataStart, foundBytes: data.count)
    }
    let headerBytes = data[headerStart..<dataStart]
    let headerText: String
    if major == 3 {
      guard let text = String(validating: headerBytes, as: UTF8.self) else {
        throw .badHeader(path: path, expected: "a UTF-8 header (format 3.0)", found: "invalid UTF-8")
      }
      headerText = text
    } else {
      // Latin-1: every byte is the Unicode scalar of the same value.
      var scalars = String.UnicodeScalarView()
      for byte in headerBytes { scalars.append(Unicode.Scalar(byte)) }
      headerText = String(scalars)
    }
    let header = try parseHeader(headerText, path: path)

    // Element type.
    let elementType: HostElementType
    switch header.fileType {
    case .host(let type):
      elementType = type
    case .raw(let size):
      guard let requested else {
        throw .rawDataNeedsDType(path: path, descr: header.descr, byteSize: size)
      }
      guard requested.byteSize == size else {
        throw .dtypeSizeMismatch(path: path, descr: header.descr, byteSize: size, requested: requested)
      }
      elementType = .nki(requested)
    }

    // Data.
    let count: Int
    switch validatedCount(header.shape, itemSize: elementType.byteSize) {
    case .success(let n): count = n
    case .failure(let reason):
      switch reason {
      case .negative: throw .negativeDimension(path: path, shape: header.shape)
      case .overflow: throw .shapeOverflow(path: path, shape: formatShape(header.shape))
      }
    }
    let expectedBytes = count * elementType.byteSize
    let foundBytes = totalBytes - dataStart
    guard foundBytes == expectedBytes else {
      throw .dataSizeMismatch(
        path: path, shape: header.shape, descr: header.descr, expectedBytes: expectedBytes,
        foundBytes: foundBytes)
    }
    return NPYLayout(
      header: header, dataStart: dataStart, elementType: elementType, count: count, expectedBytes: expectedBytes)
  }

  /// The array of a parsed file from its data bytes: byte order, bools, Fortran order and the
  /// requested conversion applied.
  static func finishNPY(_ layout: NPYLayout, bytes data: [UInt8], path: String, as requested: DType?) throws(NPYError)
    -> HostArray
  {
    let header = layout.header
    let count = layout.count
    let itemSize = layout.elementType.byteSize
    var bytes = data
    if header.bigEndian && itemSize > 1 {
      for i in 0..<count { bytes[(i * itemSize)..<((i + 1) * itemSize)].reverse() }
    }
    if layout.elementType == .nki(.bool) {
      for i in bytes.indices where bytes[i] > 1 { bytes[i] = 1 }
    }
    if header.fortranOrder && header.shape.count > 1 && count > 0 {
      bytes = fortranToC(bytes, shape: header.shape, itemSize: itemSize)
    }
    let array = HostArray(unchecked: header.shape, elementType: layout.elementType, bytes: bytes)
    if let requested, case .host = header.fileType {
      return array.converted(to: requested)
    }
    return array
  }

  private enum CountFailure: Error { case negative, overflow }

  private static func validatedCount(_ shape: [Int], itemSize: Int) -> Result<Int, CountFailure> {
    if shape.contains(where: { $0 < 0 }) { return .failure(.negative) }
    guard let n = elementCount(of: shape) else { return .failure(.overflow) }
    guard !n.multipliedReportingOverflow(by: itemSize).overflow else { return .failure(.overflow) }
    return .success(n)
  }

  /// Reorders column-major (Fortran) element bytes into row-major (C) order.
  static func fortranToC(_ source: [UInt8], shape: [Int], itemSize: Int) -> [UInt8] {
    let rank = shape.count
    var fortranStrides = [Int](repeating: 1, count: rank)
    for axis in 1..<rank { fortranStrides[axis] = fortranStrides[axis - 1] * shape[axis - 1] }
    var out = [UInt8](repeating: 0, count: source.count)
    var index = [Int](repeating: 0, count: rank)
    var sourceOffset = 0
    let count = source.count / itemSize
    for c in 0..<count {
      let s = sourceOffset * itemSize
      for b in 0..<itemSize { out[c * itemSize + b] = source[s + b] }
      // Advance the C-order multi-index (last axis fastest), tracking the Fortran offset.
      RowMajorIndex.advance(&index, in: shape, offset: &sourceOffset, strides: fortranStrides)
    }
    return out
  }

  struct NPYHeader {
    var descr: String
    var fileType: NPYFileType
    var bigEndian: Bool
    var fortranOrder: Bool
    var shape: [Int]
  }

  /// Interprets the header dict the way numpy's `_read_array_header` does.
  static func parseHeader(_ text: String, path: String) throws(NPYError) -> NPYHeader {
    let literal: NPYLiteral
    do {
      literal = try NPYLiteralParser.parse(text)
    } catch {
      throw .badHeader(
        path: path, expected: "a Python dict literal",
        found: "\(error.message) at offset \(error.offset) in \(excerpt(text))")
    }
    guard case .dict(let entries) = literal else {
      throw .badHeader(path: path, expected: "a dict", found: "\(literal.kind) \(excerpt(literal.repr))")
    }
    var values: [String: NPYLiteral] = [:]
    for entry in entries {
      guard case .string(let key) = entry.key else {
        throw .badHeader(path: path, expected: "string keys", found: "key \(excerpt(entry.key.repr))")
      }
      values[key] = entry.value
    }
    let expectedKeys: Set = ["descr", "fortran_order", "shape"]
    guard Set(values.keys) == expectedKeys else {
      throw .badHeader(
        path: path, expected: "keys 'descr', 'fortran_order', 'shape'",
        found: "keys " + excerpt(values.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")))
    }
    guard let shapeLiteral = values["shape"], let orderLiteral = values["fortran_order"],
      let descrLiteral = values["descr"]
    else {
      throw .badHeader(path: path, expected: "keys 'descr', 'fortran_order', 'shape'", found: "missing keys")
    }

    guard case .tuple(let dims) = shapeLiteral else {
      throw .badHeader(path: path, expected: "shape as a tuple of ints", found: excerpt(shapeLiteral.repr))
    }
    var shape: [Int] = []
    for dim in dims {
      guard case .int(let value, _) = dim else {
        throw .badHeader(path: path, expected: "shape as a tuple of ints", found: excerpt(shapeLiteral.repr))
      }
      guard let value else { throw .shapeOverflow(path: path, shape: excerpt(shapeLiteral.repr)) }
      shape.append(value)
    }

    guard case .bool(let fortranOrder) = orderLiteral else {
      throw .badHeader(path: path, expected: "fortran_order True or False", found: excerpt(orderLiteral.repr))
    }

    let descr: String
    switch descrLiteral {
    case .string(let s):
      descr = s
    case .list(let fields):
      // numpy's dtype.descr form of a plain type: [('', '<V2')].
      if fields.count == 1, case .tuple(let field) = fields[0], field.count == 2,
        case .string("") = field[0], case .string(let s) = field[1]
      {
        descr = s
      } else {
        throw .structuredArray(path: path, descr: excerpt(descrLiteral.repr))
      }
    default:
      throw .unsupportedDescr(path: path, descr: excerpt(descrLiteral.repr))
    }
    let (fileType, bigEndian) = try parseDescr(descr, path: path)
    return NPYHeader(descr: descr, fileType: fileType, bigEndian: bigEndian, fortranOrder: fortranOrder, shape: shape)
  }

  /// Maps a numpy type string such as `<f4` or `>i8` to an element type and its byte order.
  static func parseDescr(_ descr: String, path: String) throws(NPYError) -> (NPYFileType, bigEndian: Bool) {
    var body = Substring(descr)
    var bigEndian = false
    if let first = body.first, "<>|=!".contains(first) {
      bigEndian = first == ">" || first == "!"
      body = body.dropFirst()
    }
    guard let kind = body.first else { throw .unsupportedDescr(path: path, descr: descr) }
    let sizeText = body.dropFirst()
    if kind == "O" && (sizeText.isEmpty || sizeText == "8" || sizeText == "4") {
      throw .objectArray(path: path, descr: descr)
    }
    guard !sizeText.isEmpty, sizeText.allSatisfy({ $0.isASCII && $0.isNumber }), let size = Int(sizeText) else {
      throw .unsupportedDescr(path: path, descr: descr)
    }
    let type: HostElementType
    switch (kind, size) {
    case ("b", 1): type = .nki(.bool)
    case ("i", 1): type = .nki(.int8)
    case ("i", 2): type = .nki(.int16)
    case ("i", 4): type = .nki(.int32)
    case ("i", 8): type = .int64
    case ("u", 1): type = .nki(.uint8)
    case ("u", 2): type = .nki(.uint16)
    case ("u", 4): type = .nki(.uint32)
    case ("u", 8): type = .uint64
    case ("f", 1): type = .nki(.float8e5m2)  // ml_dtypes' float8_e5m2 saves as '<f1'
    case ("f", 2): type = .nki(.float16)
    case ("f", 4): type = .nki(.float32)
    case ("f", 8): type = .float64
    case ("V", 1...): return (.raw(byteSize: size), false)
    default: throw .unsupportedDescr(path: path, descr: descr)
    }
    return (.host(type), bigEndian)
  }

  /// At most 80 characters of `text`, on one line, for an error message.
  static func excerpt(_ text: String) -> String {
    var out = ""
    var length = 0
    for scalar in text.unicodeScalars {
      if length >= 80 {
        out += "..."
        break
      }
      switch scalar {
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          out += scalar.escaped(asASCII: true)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
      length += 1
    }
    return out
  }

  /// The whole contents of the file at `path`.
  ///
  /// Reads a `.npy` file: the preamble and header first, then the data straight into the
  /// array's own storage (one pass over the data, no intermediate buffer). Files whose size
  /// `fstat` does not report (pipes) are read whole first.
  static func readNPYFile(_ path: String, as requested: DType?) throws(NPYError) -> HostArray {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .cannotRead(path: path, reason: systemErrorMessage(errno)) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
      return try parseNPY(try readAll(fd, path: path, capacity: 1 << 16), path: path, as: requested)
    }
    let size = Int(info.st_size)
    // The preamble: magic, version, header length (at most 12 bytes), then the header.
    var prefix = try readUpTo(fd, path: path, count: Swift.min(size, 12))
    if prefix.count >= 10, prefix.starts(with: npyMagic), (1...3).contains(prefix[6]) {
      let lengthSize = prefix[6] == 1 ? 2 : 4
      if prefix.count >= 8 + lengthSize {
        var headerLength = 0
        for b in 0..<lengthSize { headerLength |= Int(prefix[8 + b]) << (8 * b) }
        let want = Swift.min(size, 8 + lengthSize + headerLength) - prefix.count
        if want > 0 { prefix += try readUpTo(fd, path: path, count: want) }
      }
    }
    let layout = try parseLayout(prefix, totalBytes: size, path: path, as: requested)
    // The data, read into the array's own storage.
    if prefix.count > layout.dataStart { prefix.removeFirst(layout.dataStart) } else { prefix = [] }
    let already = prefix.count
    var failure: NPYError?
    let bytes = [UInt8](unsafeUninitializedCapacity: layout.expectedBytes) { buffer, initialized in
      guard let base = buffer.baseAddress else { return }
      HugePages.advise(base, byteCount: buffer.count)
      prefix.withUnsafeBytes {
        if let p = $0.baseAddress { UnsafeMutableRawPointer(base).copyMemory(from: p, byteCount: already) }
      }
      var done = already
      while done < buffer.count {
        let n = read(fd, base + done, buffer.count - done)
        if n < 0 && errno == EINTR { continue }
        if n < 0 {
          failure = .cannotRead(path: path, reason: systemErrorMessage(errno))
          break
        }
        if n == 0 {
          failure = .dataSizeMismatch(
            path: path, shape: layout.header.shape, descr: layout.header.descr, expectedBytes: layout.expectedBytes,
            foundBytes: done)
          break
        }
        done += n
      }
      // Bytes are trivial: the array may hold what was read so far when it is discarded.
      initialized = done
    }
    if let failure { throw failure }
    // The file grew after fstat: trailing data is an error, as for a file read whole.
    var probe: UInt8 = 0
    if read(fd, &probe, 1) == 1 {
      throw .dataSizeMismatch(
        path: path, shape: layout.header.shape, descr: layout.header.descr, expectedBytes: layout.expectedBytes,
        foundBytes: layout.expectedBytes + 1)
    }
    return try finishNPY(layout, bytes: bytes, path: path, as: requested)
  }

  /// Reads up to `count` bytes (fewer only at the end of the file).
  static func readUpTo(_ fd: Int32, path: String, count: Int) throws(NPYError) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: count)
    var done = 0
    while done < count {
      let n = out.withUnsafeMutableBytes { b -> Int in
        guard let base = b.baseAddress else { return 0 }
        return read(fd, base + done, count - done)
      }
      if n < 0 && errno == EINTR { continue }
      if n < 0 { throw .cannotRead(path: path, reason: systemErrorMessage(errno)) }
      if n == 0 { break }
      done += n
    }
    out.removeLast(count - done)
    return out
  }

  /// Reads everything left in `fd`.
  static func readAll(_ fd: Int32, path: String, capacity: Int) throws(NPYError) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(capacity)
    while true {
      let chunk = try readUpTo(fd, path: path, count: 1 << 20)
      if chunk.isEmpty { return out }
      out += chunk
    }
  }
}
