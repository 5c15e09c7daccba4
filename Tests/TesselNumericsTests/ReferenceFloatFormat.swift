import TesselIR
import Testing

/// An independent model of a binary float format, written from the format's definition and used
/// as the oracle for `DType.quantize`, `encode` and `decode`.
///
/// Decoding evaluates `(-1)^s · 2^(e - bias) · (1 + m/2^M)` (or `2^(1 - bias) · m/2^M` for
/// subnormals) in `Double`. Encoding searches the sorted list of every finite value for the
/// nearest one, breaking ties toward the even mantissa; overflow is decided by placing a virtual
/// value one ulp past the largest finite value (with the opposite mantissa parity): a value that
/// rounds to it overflows, to ±infinity in IEEE-like formats and to NaN in "fn" formats.
struct ReferenceFloatFormat: Sendable, CustomStringConvertible {
  /// The dtype this format models.
  let dtype: DType
  /// Exponent field width.
  let exponentBits: Int
  /// Mantissa field width.
  let mantissaBits: Int
  /// Exponent bias.
  let bias: Int
  /// Whether the all-ones exponent holds ±infinity and NaNs (IEEE-like); otherwise only the
  /// all-ones pattern `S.1…1.1…1` is NaN ("fn" formats).
  let hasInfinity: Bool
  /// How far the format's pattern is shifted left in its storage word (13 for tfloat32).
  let storageShift: Int

  var description: String { dtype.nkiName }

  /// Every narrow float format Tessel rounds to.
  static let all: [ReferenceFloatFormat] = [
    ReferenceFloatFormat(
      dtype: .bfloat16, exponentBits: 8, mantissaBits: 7, bias: 127, hasInfinity: true,
      storageShift: 0),
    ReferenceFloatFormat(
      dtype: .float16, exponentBits: 5, mantissaBits: 10, bias: 15, hasInfinity: true,
      storageShift: 0),
    ReferenceFloatFormat(
      dtype: .tfloat32, exponentBits: 8, mantissaBits: 10, bias: 127, hasInfinity: true,
      storageShift: 13),
    ReferenceFloatFormat(
      dtype: .float8e4m3, exponentBits: 4, mantissaBits: 3, bias: 7, hasInfinity: true,
      storageShift: 0),
    ReferenceFloatFormat(
      dtype: .float8e5m2, exponentBits: 5, mantissaBits: 2, bias: 15, hasInfinity: true,
      storageShift: 0),
    ReferenceFloatFormat(
      dtype: .float8e4m3fn, exponentBits: 4, mantissaBits: 3, bias: 7, hasInfinity: false,
      storageShift: 0),
  ]

  /// Looks up the model of `dtype`.
  static func of(_ dtype: DType) -> ReferenceFloatFormat {
    all.first { $0.dtype == dtype } ?? all[0]
  }

  /// The number of bits in a pattern (sign, exponent and mantissa).
  var bitWidth: Int { 1 + exponentBits + mantissaBits }

  /// The number of distinct patterns.
  var patternCount: Int { 1 << bitWidth }

  /// The sign bit of a pattern.
  var signBit: UInt32 { UInt32(1) << UInt32(exponentBits + mantissaBits) }

  /// Converts a pattern to the storage word `encode` returns.
  func storage(_ pattern: UInt32) -> UInt32 { pattern << UInt32(storageShift) }

  /// `2^k` as a `Double`.
  static func power2(_ k: Int) -> Double { Double(sign: .plus, exponent: k, significand: 1) }

  /// Whether a pattern encodes NaN.
  func isNaN(_ pattern: UInt32) -> Bool {
    let e = Int((pattern >> UInt32(mantissaBits)) & UInt32((1 << exponentBits) - 1))
    let m = Int(pattern & UInt32((1 << mantissaBits) - 1))
    let allOnes = (1 << exponentBits) - 1
    if hasInfinity { return e == allOnes && m != 0 }
    return e == allOnes && m == (1 << mantissaBits) - 1
  }

  /// The value of a pattern, from the format's definition.
  func value(_ pattern: UInt32) -> Double {
    let negative = pattern & signBit != 0
    let e = Int((pattern >> UInt32(mantissaBits)) & UInt32((1 << exponentBits) - 1))
    let m = Double(pattern & UInt32((1 << mantissaBits) - 1))
    let scale = ReferenceFloatFormat.power2(mantissaBits)
    let magnitude: Double
    if isNaN(pattern) {
      return .nan
    } else if hasInfinity && e == (1 << exponentBits) - 1 {
      magnitude = .infinity
    } else if e == 0 {
      magnitude = ReferenceFloatFormat.power2(1 - bias) * (m / scale)
    } else {
      magnitude = ReferenceFloatFormat.power2(e - bias) * (1 + m / scale)
    }
    return negative ? -magnitude : magnitude
  }

  /// The positive finite values with their patterns, ascending (checked, not assumed).
  func positiveFiniteValues() -> [(value: Double, pattern: UInt32)] {
    var result: [(value: Double, pattern: UInt32)] = []
    for pattern in UInt32(0)..<signBit {
      let v = value(pattern)
      if v.isFinite { result.append((v, pattern)) }
    }
    return result
  }

  /// The reference encoder over a precomputed positive-value table.
  struct Encoder: Sendable {
    let format: ReferenceFloatFormat
    let values: [Double]
    let patterns: [UInt32]
    /// The value one ulp past the largest finite value.
    let virtualNext: Double
    /// Whether the virtual value's mantissa is even (so ties go to it).
    let virtualIsEven: Bool

    init(_ format: ReferenceFloatFormat) {
      self.format = format
      let table = format.positiveFiniteValues()
      values = table.map(\.value)
      patterns = table.map(\.pattern)
      let count = table.count
      virtualNext = values[count - 1] + (values[count - 1] - values[count - 2])
      virtualIsEven = patterns[count - 1] & 1 == 1
    }

    /// Whether the table is strictly increasing.
    var isSorted: Bool { zip(values, values.dropFirst()).allSatisfy { $0 < $1 } }

    /// The positive NaN pattern the encoder expects for NaN results (any NaN pattern is accepted
    /// by the tests; this one is used to carry the sign).
    var overflowPattern: UInt32 {
      if format.hasInfinity {
        return UInt32((1 << format.exponentBits) - 1) << UInt32(format.mantissaBits)
      }
      return format.signBit - 1
    }

    /// The nearest pattern to `x` (ties to even mantissa), or `nil` if `x` is NaN.
    func encode(_ x: Float) -> UInt32? {
      if x.isNaN { return nil }
      let sign: UInt32 = x.sign == .minus ? format.signBit : 0
      let v = Double(x.magnitude)
      if v > virtualNext { return sign | overflowPattern }
      // Largest index with values[i] <= v (binary search).
      var low = 0
      var high = values.count - 1
      while low < high {
        let mid = (low + high + 1) / 2
        if values[mid] <= v { low = mid } else { high = mid - 1 }
      }
      let lower = values[low]
      if lower == v { return sign | patterns[low] }
      let upperValue = low + 1 < values.count ? values[low + 1] : virtualNext
      let upperIsVirtual = low + 1 >= values.count
      let upperIsEven = upperIsVirtual ? virtualIsEven : patterns[low + 1] & 1 == 0
      let midpoint = (lower + upperValue) / 2
      let takeUpper = v > midpoint || (v == midpoint && upperIsEven)
      if !takeUpper { return sign | patterns[low] }
      return sign | (upperIsVirtual ? overflowPattern : patterns[low + 1])
    }
  }
}

/// Whether two floats are the same value: bit-identical, or both NaN with the same sign.
func sameFloat(_ a: Float, _ b: Float) -> Bool {
  if a.isNaN || b.isNaN { return a.isNaN && b.isNaN && a.sign == b.sign }
  return a.bitPattern == b.bitPattern
}

/// Expects `failures` to be empty, reporting only how many there are and the first few.
func expectNoFailures<T>(
  _ failures: [T], _ label: String = "", sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
  let count = failures.count
  let first = failures.prefix(6).map { "\($0)" }.joined(separator: ", ")
  #expect(count == 0, "\(label) \(count) failures; first: \(first)", sourceLocation: sourceLocation)
}
