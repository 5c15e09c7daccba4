import TesselIR
import TesselNumerics

/// The element type of a ``HostArray``: an NKI dtype, or one of the 64-bit numpy types NKI has
/// no dtype for (they appear in `.npy` files written by numpy's defaults, `np.arange` and so on).
///
/// ```swift
/// HostElementType.nki(.bfloat16).byteSize  // 2
/// HostElementType.int64.description        // "int64"
/// ```
public enum HostElementType: Sendable, Hashable, CustomStringConvertible {
  /// One of NKI's dtypes, stored in `dtype.byteSize` bytes.
  case nki(DType)
  /// numpy `int64` (`<i8`).
  case int64
  /// numpy `uint64` (`<u8`).
  case uint64
  /// numpy `float64` (`<f8`).
  case float64

  /// The size of one element in bytes.
  public var byteSize: Int {
    switch self {
    case .nki(let dtype): dtype.byteSize
    case .int64, .uint64, .float64: 8
    }
  }

  /// The NKI dtype, or `nil` for the 64-bit numpy types.
  public var dtype: DType? {
    if case .nki(let dtype) = self { return dtype }
    return nil
  }

  /// Whether the elements are integers (bool counts as an integer).
  public var isInteger: Bool {
    switch self {
    case .nki(let dtype): dtype.isInteger
    case .int64, .uint64: true
    case .float64: false
    }
  }

  /// The numpy name: `"float32"`, `"bfloat16"`, `"int64"`, ...
  public var description: String {
    switch self {
    case .nki(let dtype): dtype.nkiName
    case .int64: "int64"
    case .uint64: "uint64"
    case .float64: "float64"
    }
  }
}

/// An error from building or converting a ``HostArray``.
public enum HostError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A dimension of `shape` is negative.
  case negativeDimension(shape: [Int])
  /// The number of elements (or bytes) of `shape` does not fit in an `Int`.
  case shapeOverflow(shape: [Int])
  /// `values` has `found` elements but `shape` holds `expected`.
  case valueCountMismatch(shape: [Int], expected: Int, found: Int)
  /// `bytes` has `found` bytes but `shape` of `elementType` needs `expected`.
  case byteCountMismatch(shape: [Int], elementType: HostElementType, expected: Int, found: Int)
  /// A bit-cast between element types of different sizes.
  case bitcastSizeMismatch(from: HostElementType, to: DType)

  public var description: String {
    switch self {
    case .negativeDimension(let shape):
      "shape \(formatShape(shape)) has a negative dimension"
    case .shapeOverflow(let shape):
      "shape \(formatShape(shape)) has too many elements to address"
    case .valueCountMismatch(let shape, let expected, let found):
      "shape \(formatShape(shape)) holds \(expected) elements but \(found) values were given"
    case .byteCountMismatch(let shape, let elementType, let expected, let found):
      "shape \(formatShape(shape)) of \(elementType) needs \(expected) bytes but \(found) were given"
    case .bitcastSizeMismatch(let from, let to):
      "cannot bit-cast \(from) (\(from.byteSize) bytes) to \(to) (\(to.byteSize) bytes)"
    }
  }
}

/// Formats a shape the way numpy prints it: `()`, `(3,)`, `(2, 3)`.
func formatShape(_ shape: [Int]) -> String {
  switch shape.count {
  case 0: "()"
  case 1: "(\(shape[0]),)"
  default: "(" + shape.map(String.init).joined(separator: ", ") + ")"
  }
}

/// The number of elements of `shape`, or `nil` if a dimension is negative or the product overflows.
func elementCount(of shape: [Int]) -> Int? {
  var n = 1
  for d in shape {
    guard d >= 0 else { return nil }
    let (p, overflow) = n.multipliedReportingOverflow(by: d)
    guard !overflow else { return nil }
    n = p
  }
  return n
}

/// A row-major (C-order) array on the host: a shape, an element type, and the elements'
/// little-endian bytes.
///
/// Equality is bitwise: two arrays are equal when shape, element type and bytes all match, so a
/// NaN equals the same NaN bit pattern, and `0.0` differs from `-0.0`.
///
/// ```swift
/// let a = try HostArray(shape: [2, 3], dtype: .bfloat16, values: [1, 2, 3, 4, 5, 6])
/// a.count            // 6
/// a.bytes.count      // 12
/// a.floatValues()    // [1, 2, 3, 4, 5, 6]
/// try a.writeNPY(to: "a.npy")   // loads in numpy as '<V2'; .view(ml_dtypes.bfloat16)
/// ```
public struct HostArray: Sendable, Equatable {
  /// The dimensions, outermost first.
  ///
  /// `[]` is a scalar (one element).
  public let shape: [Int]
  /// The type of each element.
  public let elementType: HostElementType
  /// The elements in row-major order, each `elementType.byteSize` little-endian bytes.
  public let bytes: [UInt8]

  /// Creates an array from raw little-endian bytes.
  ///
  /// - Throws: ``HostError/negativeDimension(shape:)``, ``HostError/shapeOverflow(shape:)``, or
  ///   ``HostError/byteCountMismatch(shape:elementType:expected:found:)`` when `bytes.count` is
  ///   not the element count times `elementType.byteSize`.
  public init(shape: [Int], elementType: HostElementType, bytes: [UInt8]) throws(HostError) {
    let expected = try Self.byteCount(shape: shape, elementType: elementType)
    guard bytes.count == expected else {
      throw .byteCountMismatch(
        shape: shape, elementType: elementType, expected: expected, found: bytes.count)
    }
    self.shape = shape
    self.elementType = elementType
    self.bytes = bytes
  }

  /// Creates an array of `dtype` from `Float` values in row-major order; each value is rounded to
  /// `dtype` with `dtype.encode` (round to nearest even).
  ///
  /// - Throws: ``HostError/valueCountMismatch(shape:expected:found:)`` when `values.count` is
  ///   not the element count of `shape`, or a shape error.
  public init(shape: [Int], dtype: DType, values: [Float]) throws(HostError) {
    let elementType = HostElementType.nki(dtype)
    let byteCount = try Self.byteCount(shape: shape, elementType: elementType)
    let expected = byteCount / dtype.byteSize
    guard values.count == expected else {
      throw .valueCountMismatch(shape: shape, expected: expected, found: values.count)
    }
    let bytes = [UInt8](unsafeUninitializedCapacity: byteCount) { raw, count in
      HugePages.advise(raw.baseAddress, byteCount: byteCount)
      values.withUnsafeBufferPointer { v in
        if let out = raw.baseAddress { dtype.encode(v, into: UnsafeMutableRawPointer(out)) }
      }
      count = byteCount
    }
    self.shape = shape
    self.elementType = elementType
    self.bytes = bytes
  }

  /// Builds an array whose invariants the caller has already checked.
  init(unchecked shape: [Int], elementType: HostElementType, bytes: [UInt8]) {
    self.shape = shape
    self.elementType = elementType
    self.bytes = bytes
  }

  /// The byte count of `shape` of `elementType`, validating the shape.
  static func byteCount(shape: [Int], elementType: HostElementType) throws(HostError) -> Int {
    if shape.contains(where: { $0 < 0 }) { throw .negativeDimension(shape: shape) }
    guard let n = elementCount(of: shape) else { throw .shapeOverflow(shape: shape) }
    let (bytes, overflow) = n.multipliedReportingOverflow(by: elementType.byteSize)
    guard !overflow else { throw .shapeOverflow(shape: shape) }
    return bytes
  }

  /// The number of elements (the product of `shape`; 1 for a scalar).
  public var count: Int { bytes.count / elementType.byteSize }

  /// The number of dimensions.
  public var rank: Int { shape.count }

  /// The NKI dtype, or `nil` for the 64-bit numpy element types.
  public var dtype: DType? { elementType.dtype }

  /// The raw bits of element `i` (little-endian), zero-extended to 64 bits.
  func rawBits(at i: Int) -> UInt64 {
    bytes.withUnsafeBytes { raw in
      switch elementType.byteSize {
      case 1: UInt64(raw[i])
      case 2: UInt64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
      case 4: UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
      default: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
      }
    }
  }

  /// Every element converted to `Float`, in row-major order.
  ///
  /// NKI dtypes decode exactly with `dtype.decode`. `int64`, `uint64` and `float64` are rounded to
  /// the nearest `Float` (ties to even; `float64` beyond the `Float` range becomes ±infinity).
  /// Integers (including `int32` and `uint32`) with magnitude above 2^24 may lose precision.
  public func floatValues() -> [Float] {
    let n = count
    return [Float](unsafeUninitializedCapacity: n) { out, initialized in
      writeFloatValues(into: UnsafeMutableBufferPointer(rebasing: out[0..<n]))
      initialized = n
    }
  }

  /// Writes ``floatValues()`` into `out` (which holds ``count`` elements) without an intermediate array.
  public func writeFloatValues(into out: UnsafeMutableBufferPointer<Float>) {
    let n = Swift.min(count, out.count)
    guard let dst = out.baseAddress else { return }
    bytes.withUnsafeBytes { raw in
      guard let src = raw.baseAddress else { return }
      switch elementType {
      case .nki(let dtype):
        dtype.decode(src, into: UnsafeMutableBufferPointer(start: dst, count: n))
      case .int64: LittleEndian.decode(src, as: Int64.self, count: n, into: dst) { Float($0) }
      case .uint64: LittleEndian.decode(src, as: UInt64.self, count: n, into: dst) { Float($0) }
      case .float64: LittleEndian.decode(src, as: UInt64.self, count: n, into: dst) { Float(Double(bitPattern: $0)) }
      }
    }
  }

  /// The exact integer value of element `i` when the element type is an integer type.
  func integerValue(at i: Int) -> (negative: Bool, magnitude: UInt64)? {
    let bits = rawBits(at: i)
    switch elementType {
    case .int64:
      let v = Int64(bitPattern: bits)
      return (v < 0, v.magnitude)
    case .uint64:
      return (false, bits)
    case .nki(let dtype):
      switch dtype {
      case .bool: return (false, bits == 0 ? 0 : 1)
      case .uint8, .uint16, .uint32: return (false, bits)
      case .int8:
        let v = Int8(truncatingIfNeeded: bits)
        return (v < 0, UInt64(v.magnitude))
      case .int16:
        let v = Int16(truncatingIfNeeded: bits)
        return (v < 0, UInt64(v.magnitude))
      case .int32:
        let v = Int32(truncatingIfNeeded: bits)
        return (v < 0, UInt64(v.magnitude))
      default: return nil
      }
    case .float64:
      return nil
    }
  }

  /// This array converted element by element to `dtype`.
  ///
  /// Values go through `Float` and are rounded with `dtype.encode` (round to nearest even), as
  /// NKI engines do on write. Integer-to-integer conversions are exact whenever the value fits in
  /// the target type; values out of the target's range go through `dtype.encode`. Converting to
  /// the array's own dtype returns it unchanged.
  public func converted(to dtype: DType) -> HostArray {
    if elementType == .nki(dtype) { return self }
    let size = dtype.byteSize
    let n = count
    var out = [UInt8](repeating: 0, count: n * size)
    let values = floatValues()
    for i in 0..<n {
      let bits = exactIntegerBits(at: i, to: dtype) ?? dtype.encode(values[i])
      for b in 0..<size {
        out[i * size + b] = UInt8(truncatingIfNeeded: bits >> UInt32(8 * b))
      }
    }
    return HostArray(unchecked: shape, elementType: .nki(dtype), bytes: out)
  }

  /// The bits of element `i` in integer `dtype` when both types are integers and the value fits.
  private func exactIntegerBits(at i: Int, to dtype: DType) -> UInt32? {
    guard dtype.isInteger, dtype != .bool, let (negative, magnitude) = integerValue(at: i) else {
      return nil
    }
    if negative {
      let limit: UInt64
      switch dtype {
      case .int8: limit = 128
      case .int16: limit = 32768
      case .int32: limit = 2_147_483_648
      default: return nil
      }
      guard magnitude <= limit else { return nil }
      return UInt32(truncatingIfNeeded: 0 &- magnitude)
    }
    let limit: UInt64
    switch dtype {
    case .int8: limit = 127
    case .int16: limit = 32767
    case .int32: limit = 2_147_483_647
    case .uint8: limit = 255
    case .uint16: limit = 65535
    case .uint32: limit = 4_294_967_295
    default: return nil
    }
    guard magnitude <= limit else { return nil }
    return UInt32(truncatingIfNeeded: magnitude)
  }

  /// The same bytes viewed as `dtype`, which must have the same element size (like numpy's
  /// `.view`).
  ///
  /// Use it for files that store bfloat16 or fp8 bits in a `uint16`/`uint8` array.
  ///
  /// - Throws: ``HostError/bitcastSizeMismatch(from:to:)`` when the element sizes differ.
  public func bitcast(to dtype: DType) throws(HostError) -> HostArray {
    guard dtype.byteSize == elementType.byteSize else {
      throw .bitcastSizeMismatch(from: elementType, to: dtype)
    }
    return HostArray(unchecked: shape, elementType: .nki(dtype), bytes: bytes)
  }
}
