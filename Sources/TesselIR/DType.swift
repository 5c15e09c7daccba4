/// An element type of an NKI tensor or tile.
///
/// The cases are NKI's dtypes (`docs/numerics.md` describes each). Engines compute in fp32; the dtype of a
/// destination decides how a result is rounded when it is written (see `TesselNumerics`).
///
/// ```swift
/// let t = DType.bfloat16
/// t.byteSize          // 2
/// t.nkiName           // "bfloat16"
/// DType(nkiName: "float8_e4m3")  // .float8e4m3
/// ```
public enum DType: String, Sendable, Hashable, CaseIterable, Codable {
  /// `nl.bool_`: stored as one byte, 0 or 1.
  case bool
  /// `nl.int8`.
  case int8
  /// `nl.int16`.
  case int16
  /// `nl.int32`.
  case int32
  /// `nl.uint8`.
  case uint8
  /// `nl.uint16`.
  case uint16
  /// `nl.uint32`.
  case uint32
  /// `nl.float16`: IEEE binary16 (1/5/10).
  case float16
  /// `nl.bfloat16`: the high half of an fp32 (1/8/7).
  case bfloat16
  /// `nl.tfloat32`: fp32 with a 10-bit mantissa (1/8/10), stored in 32 bits.
  case tfloat32
  /// `nl.float32`: IEEE binary32.
  case float32
  /// `nl.float8_e4m3`: Trainium's legacy fp8 (1/4/3, IEEE-like with inf and NaN, max 240).
  case float8e4m3
  /// `nl.float8_e5m2`: fp8 (1/5/2, IEEE-like, max 57344).
  case float8e5m2
  /// `nl.float8_e4m3fn`: OCP fp8 (1/4/3, no infinities, max 448, NaN = all ones).
  case float8e4m3fn

  /// The size of one element in bytes, as the hardware stores it.
  public var byteSize: Int {
    switch self {
    case .bool, .int8, .uint8, .float8e4m3, .float8e5m2, .float8e4m3fn: 1
    case .int16, .uint16, .float16, .bfloat16: 2
    case .int32, .uint32, .tfloat32, .float32: 4
    }
  }

  /// Whether the dtype is a floating-point format.
  public var isFloatingPoint: Bool {
    switch self {
    case .float16, .bfloat16, .tfloat32, .float32, .float8e4m3, .float8e5m2, .float8e4m3fn: true
    default: false
    }
  }

  /// Whether the dtype is an integer format (bool counts as an unsigned integer).
  public var isInteger: Bool { !isFloatingPoint }

  /// Whether the dtype is a signed integer format.
  public var isSignedInteger: Bool {
    switch self {
    case .int8, .int16, .int32: true
    default: false
    }
  }

  /// Whether the dtype is one of the 8-bit float formats.
  public var isFloat8: Bool {
    switch self {
    case .float8e4m3, .float8e5m2, .float8e4m3fn: true
    default: false
    }
  }

  /// The name NKI and numpy (with ml_dtypes) use for this dtype, such as `"float8_e4m3"`.
  public var nkiName: String {
    switch self {
    case .bool: "bool_"
    case .float8e4m3: "float8_e4m3"
    case .float8e5m2: "float8_e5m2"
    case .float8e4m3fn: "float8_e4m3fn"
    default: rawValue
    }
  }

  /// Looks a dtype up by NKI or numpy name (`"float32"`, `"bf16"`, `"float8_e4m3"`, `"bool"`).
  public init?(nkiName name: String) {
    switch name {
    case "bool", "bool_": self = .bool
    case "int8": self = .int8
    case "int16": self = .int16
    case "int32": self = .int32
    case "uint8": self = .uint8
    case "uint16": self = .uint16
    case "uint32": self = .uint32
    case "float16", "fp16", "half": self = .float16
    case "bfloat16", "bf16": self = .bfloat16
    case "tfloat32", "tf32": self = .tfloat32
    case "float32", "fp32", "float": self = .float32
    case "float8_e4m3", "fp8_e4m3": self = .float8e4m3
    case "float8_e5m2", "fp8_e5m2": self = .float8e5m2
    case "float8_e4m3fn", "fp8_e4m3fn": self = .float8e4m3fn
    default: return nil
    }
  }
}

extension DType: CustomStringConvertible {
  public var description: String { nkiName }
}
