import TesselIR

/// 64-bit element values, for hosts that keep numpy's `float64` and `int64` arrays exactly (the
/// REPL's numpy arrays).
extension HostArray {
  /// Every element as a `Double`: exact for `float64`, for NKI dtypes and for integers up to 2^53.
  public func doubleValues() -> [Double] {
    switch elementType {
    case .float64: return (0..<count).map { Double(bitPattern: rawBits(at: $0)) }
    case .int64: return (0..<count).map { Double(Int64(bitPattern: rawBits(at: $0))) }
    case .uint64: return (0..<count).map { Double(rawBits(at: $0)) }
    case .nki: return floatValues().map(Double.init)
    }
  }

  /// An array of numpy dtype `numpyDType` (`int64`, an NKI dtype's name such as `float32` or
  /// `bfloat16`, and `float64` for any other name) holding `values`, row-major.
  ///
  /// - Throws: ``HostError/byteCountMismatch(shape:elementType:expected:found:)`` or
  ///   ``HostError/valueCountMismatch(shape:expected:found:)`` when the count is not the shape's.
  public init(shape: [Int], numpyDType: String, values: [Double]) throws(HostError) {
    let bits: [UInt64]
    switch numpyDType {
    case "int64": bits = values.map { UInt64(bitPattern: Int64(exactly: $0.rounded(.towardZero)) ?? 0) }
    default:
      if let dtype = DType(nkiName: numpyDType) {
        try self.init(shape: shape, dtype: dtype, values: values.map { Float($0) })
        return
      }
      bits = values.map(\.bitPattern)
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(8 * bits.count)
    for b in bits { withUnsafeBytes(of: b.littleEndian) { bytes += $0 } }
    let element: HostElementType = numpyDType == "int64" ? .int64 : .float64
    try self.init(shape: shape, elementType: element, bytes: bytes)
  }
}
