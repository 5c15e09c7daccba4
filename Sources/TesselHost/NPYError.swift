import TesselIR

/// Why a `.npy` file could not be read.
///
/// Every case names the file (`"<bytes>"` for in-memory
/// data) and its `description` is one line saying what was expected and what was found.
public enum NPYError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file could not be opened or read (`reason` is the system's message).
  case cannotRead(path: String, reason: String)
  /// The file ends inside `part` ("magic and version", "header length", "header"): `part` needs
  /// the file to be at least `expectedBytes` long, but it has `foundBytes`.
  case truncated(path: String, part: String, expectedBytes: Int, foundBytes: Int)
  /// The file does not start with `\x93NUMPY`; `found` holds its first bytes (up to 6).
  case badMagic(path: String, found: [UInt8])
  /// The format version is not 1.0, 2.0 or 3.0.
  case unsupportedVersion(path: String, major: Int, minor: Int)
  /// The header is not the dict numpy writes: `expected` says what was wanted, `found` what was there.
  case badHeader(path: String, expected: String, found: String)
  /// The `descr` is valid numpy but not a type Tessel can hold (strings, complex, datetimes, ...).
  case unsupportedDescr(path: String, descr: String)
  /// The array holds Python objects (`|O`), which need pickle; Tessel never loads them.
  case objectArray(path: String, descr: String)
  /// The array has a structured (record) dtype.
  case structuredArray(path: String, descr: String)
  /// The `descr` is raw bytes (`<V2`, `<V1`: how numpy saves ml_dtypes' bfloat16 and fp8), so the
  /// element type must be passed explicitly.
  case rawDataNeedsDType(path: String, descr: String, byteSize: Int)
  /// The explicitly requested dtype's size does not match the raw (`V`) element size of the file.
  case dtypeSizeMismatch(path: String, descr: String, byteSize: Int, requested: DType)
  /// A dimension of the shape is negative.
  case negativeDimension(path: String, shape: [Int])
  /// The shape's element or byte count does not fit in an `Int` (`shape` as written in the file).
  case shapeOverflow(path: String, shape: String)
  /// The data after the header is not the size the shape and descr call for.
  case dataSizeMismatch(path: String, shape: [Int], descr: String, expectedBytes: Int, foundBytes: Int)

  public var description: String {
    switch self {
    case .cannotRead(let path, let reason):
      return "\(path): cannot read: \(reason)"
    case .truncated(let path, let part, let expected, let found):
      return "\(path): truncated .npy file: the \(part) needs at least \(expected) bytes, file has \(found)"
    case .badMagic(let path, let found):
      let hex = found.map { byte in
        let s = String(byte, radix: 16, uppercase: true)
        return s.count == 1 ? "0" + s : s
      }.joined(separator: " ")
      return
        "\(path): not a .npy file: expected magic bytes 93 4E 55 4D 50 59 (\\x93NUMPY), found \(found.isEmpty ? "an empty file" : hex)"
    case .unsupportedVersion(let path, let major, let minor):
      return "\(path): unsupported .npy format version \(major).\(minor) (expected 1.0, 2.0 or 3.0)"
    case .badHeader(let path, let expected, let found):
      return "\(path): bad .npy header: expected \(expected), found \(found)"
    case .unsupportedDescr(let path, let descr):
      return
        "\(path): unsupported .npy element type '\(descr)' (expected bool, int8-64, uint8-64, float16/32/64, or raw V1/V2 with an explicit dtype)"
    case .objectArray(let path, let descr):
      return "\(path): .npy holds Python objects (descr '\(descr)'); object arrays need pickle and are not supported"
    case .structuredArray(let path, let descr):
      return "\(path): .npy holds a structured array (descr \(descr)); only plain numeric arrays are supported"
    case .rawDataNeedsDType(let path, let descr, let size):
      let example = size == 2 ? "bfloat16" : size == 1 ? "float8_e4m3" : "float32"
      return
        "\(path): element type '\(descr)' is raw \(size)-byte data (how numpy saves ml_dtypes types); pass the dtype explicitly, e.g. `:\(example)`"
    case .dtypeSizeMismatch(let path, let descr, let size, let requested):
      return
        "\(path): element type '\(descr)' is \(size)-byte raw data, but the requested dtype \(requested) has \(requested.byteSize) bytes"
    case .negativeDimension(let path, let shape):
      return "\(path): .npy shape \(formatShape(shape)) has a negative dimension"
    case .shapeOverflow(let path, let shape):
      return "\(path): .npy shape \(shape) is too large to address"
    case .dataSizeMismatch(let path, let shape, let descr, let expected, let found):
      return
        "\(path): .npy data size mismatch: shape \(formatShape(shape)) of '\(descr)' needs \(expected) bytes after the header, found \(found)"
    }
  }
}
