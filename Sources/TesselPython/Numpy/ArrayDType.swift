import Foundation
import TesselIR

/// The element type of a trace-time numpy array or a dtype value: one of NKI's dtypes, or one
/// of numpy's 64-bit types, which NKI has no dtype for (numpy's defaults: `np.arange(4)` is
/// `int64`, `np.zeros(3)` is `float64`).
///
/// ```swift
/// ArrayDType.int64.itemsize                    // 8
/// ArrayDType.promote(.nki(.int32), .nki(.float32))  // .float64, as numpy
/// ```
package enum ArrayDType: Hashable, Sendable, CustomStringConvertible {
  /// One of NKI's dtypes.
  case nki(DType)
  /// numpy `int64`.
  case int64
  /// numpy `float64`.
  case float64

  /// The dtype named `name` (`"float32"`, `"int64"`, `"bool"`, `"bfloat16"`), as `np.dtype`
  /// accepts it.
  package init?(named name: String) {
    switch name {
    case "int64", "int", "i8", "<i8", "long", "intp": self = .int64
    case "float64", "float", "double", "f8", "<f8": self = .float64
    case "bool", "bool_", "?": self = .nki(.bool)
    case "f4", "<f4", "single": self = .nki(.float32)
    case "f2", "<f2", "half": self = .nki(.float16)
    case "i4", "<i4", "intc": self = .nki(.int32)
    case "i2", "<i2": self = .nki(.int16)
    case "i1", "b": self = .nki(.int8)
    case "u1", "B": self = .nki(.uint8)
    default:
      guard let d = DType(nkiName: name) else { return nil }
      self = .nki(d)
    }
  }

  /// numpy's name: `float32`, `bfloat16`, `int64`, `bool`.
  package var description: String {
    switch self {
    case .nki(.bool): "bool"
    case .nki(let d): d.nkiName
    case .int64: "int64"
    case .float64: "float64"
    }
  }

  /// The size of one element in bytes (`np.dtype(x).itemsize`).
  package var itemsize: Int {
    switch self {
    case .nki(let d): d.byteSize
    case .int64, .float64: 8
    }
  }

  /// Whether elements are booleans.
  package var isBool: Bool { self == .nki(.bool) }

  /// Whether elements are floating-point numbers.
  package var isFloat: Bool {
    switch self {
    case .nki(let d): d.isFloatingPoint
    case .int64: false
    case .float64: true
    }
  }

  /// Whether elements are integers (not booleans).
  package var isInteger: Bool { !isFloat && !isBool }

  /// Whether elements are unsigned integers.
  package var isUnsigned: Bool {
    switch self {
    case .nki(.uint8), .nki(.uint16), .nki(.uint32): true
    default: false
    }
  }

  /// The NKI dtype a binding uses for this type: numpy's 64-bit types stand for their 32-bit
  /// NKI counterparts, as NKI's own front end reads `np.float64` and `np.int64`.
  package var nkiDType: DType {
    switch self {
    case .nki(let d): d
    case .int64: .int32
    case .float64: .float32
    }
  }

  /// The largest finite value (`np.finfo(x).max`, `np.iinfo(x).max`).
  package var maximum: Double {
    switch self {
    case .int64: return Double(Int64.max)
    case .float64: return Double.greatestFiniteMagnitude
    case .nki(let d):
      switch d {
      case .float32, .tfloat32: return Double(Float.greatestFiniteMagnitude)
      case .bfloat16: return Double(Float(bitPattern: 0x7F7F_0000))
      case .float16: return 65504
      case .float8e4m3: return 240
      case .float8e5m2: return 57344
      case .float8e4m3fn: return 448
      case .int8: return 127
      case .int16: return 32767
      case .int32: return Double(Int32.max)
      case .uint8: return 255
      case .uint16: return 65535
      case .uint32: return Double(UInt32.max)
      case .bool: return 1
      }
    }
  }

  /// The smallest value (`np.finfo(x).min`, `np.iinfo(x).min`).
  package var minimum: Double {
    if isBool || isUnsigned { return 0 }
    return isFloat ? -maximum : -maximum - 1
  }

  /// The machine epsilon of a floating-point type (`np.finfo(x).eps`); nil for integers.
  package var epsilon: Double? {
    switch self {
    case .float64: return Double.ulpOfOne
    case .int64: return nil
    case .nki(let d):
      switch d {
      case .float32: return Double(Float.ulpOfOne)
      case .tfloat32: return 1.0 / 1024
      case .bfloat16: return 1.0 / 128
      case .float16: return 1.0 / 1024
      case .float8e4m3, .float8e4m3fn: return 0.125
      case .float8e5m2: return 0.25
      default: return nil
      }
    }
  }

  /// The smallest positive normal number of a floating-point type (`np.finfo(x).tiny`).
  package var tiny: Double? {
    switch self {
    case .float64: return Double.leastNormalMagnitude
    case .nki(.float32), .nki(.bfloat16), .nki(.tfloat32): return Double(Float.leastNormalMagnitude)
    case .nki(.float16): return 6.103515625e-05
    default: return nil
    }
  }

  /// `x` converted to this type as numpy's `astype` converts it: integers truncate toward zero
  /// and wrap; floating-point values round to the nearest representable value.
  ///
  /// Returns nil for
  /// the 8-bit float formats, whose host conversion Tessel does not model at trace time.
  package func convert(_ x: Double) -> Double? {
    switch self {
    case .float64: return x
    case .int64: return Double(ArrayDType.truncated(x))
    case .nki(let d):
      switch d {
      case .bool: return x != 0 ? 1 : 0
      case .float32: return Double(Float(x))
      case .tfloat32: return Double(Float(x))
      case .float16: return Double(Float(Float16(Float(x))))
      case .bfloat16: return Double(ArrayDType.roundToBFloat16(Float(x)))
      case .float8e4m3, .float8e5m2, .float8e4m3fn: return nil
      case .int8: return Double(Int8(truncatingIfNeeded: ArrayDType.truncated(x)))
      case .int16: return Double(Int16(truncatingIfNeeded: ArrayDType.truncated(x)))
      case .int32: return Double(Int32(truncatingIfNeeded: ArrayDType.truncated(x)))
      case .uint8: return Double(UInt8(truncatingIfNeeded: ArrayDType.truncated(x)))
      case .uint16: return Double(UInt16(truncatingIfNeeded: ArrayDType.truncated(x)))
      case .uint32: return Double(UInt32(truncatingIfNeeded: ArrayDType.truncated(x)))
      }
    }
  }

  private static func truncated(_ x: Double) -> Int64 {
    guard x.isFinite else { return 0 }
    let t = x.rounded(.towardZero)
    return t >= 9.223372036854775e18 ? .max : t <= -9.223372036854775e18 ? .min : Int64(t)
  }

  private static func roundToBFloat16(_ f: Float) -> Float {
    if f.isNaN { return f }
    let bits = f.bitPattern
    let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
    return Float(bitPattern: rounded & 0xFFFF_0000)
  }

  private var kindRank: Int { isBool ? 0 : isFloat ? 2 : 1 }

  /// The result type of an operation on two arrays (numpy's promotion rules).
  package static func promote(_ a: ArrayDType, _ b: ArrayDType) -> ArrayDType {
    if a == b { return a }
    if a.kindRank != b.kindRank {
      let (lo, hi) = a.kindRank < b.kindRank ? (a, b) : (b, a)
      if lo.isBool { return hi }
      // An integer with a float: the float must hold the integer exactly.
      if hi.itemsize > lo.itemsize || hi == .float64 {
        return hi == .nki(.bfloat16) && lo.itemsize > 1 ? .nki(.float32) : hi
      }
      return lo.itemsize >= 4 ? .float64 : .nki(.float32)
    }
    if a.isFloat {
      if a == .nki(.bfloat16) || b == .nki(.bfloat16) {
        return a.itemsize > 2 ? a : b.itemsize > 2 ? b : .nki(.float32)
      }
      return a.itemsize >= b.itemsize ? a : b
    }
    // Two integer types: a mixed signed/unsigned pair needs a wider signed type.
    if a.isUnsigned != b.isUnsigned {
      let (u, s) = a.isUnsigned ? (a, b) : (b, a)
      if s.itemsize > u.itemsize { return s }
      switch u.itemsize {
      case 1: return .nki(.int16)
      case 2: return .nki(.int32)
      default: return .int64
      }
    }
    return a.itemsize >= b.itemsize ? a : b
  }

  /// The result type of an operation between an array and a Python scalar (NEP 50: the
  /// array's type wins, unless a float meets an integer or boolean array).
  package static func promote(_ a: ArrayDType, scalar: Value) -> ArrayDType {
    switch scalar {
    case .bool: return a
    case .int: return a.isBool ? .int64 : a
    case .float: return a.isFloat ? a : .float64
    default: return a
    }
  }
}
