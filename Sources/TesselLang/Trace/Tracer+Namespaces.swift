import TesselIR

extension Tracer {
  static let dtypeNames: [String: DType] = [
    "float32": .float32, "fp32": .float32, "float16": .float16, "bfloat16": .bfloat16, "tfloat32": .tfloat32,
    "int8": .int8, "int16": .int16, "int32": .int32, "uint8": .uint8, "uint16": .uint16, "uint32": .uint32,
    "bool_": .bool, "float8_e4m3": .float8e4m3, "float8_e5m2": .float8e5m2, "float8_e4m3fn": .float8e4m3fn,
  ]

  /// An attribute of a namespace (`nl.float32`, `nl.tile_size.pmax`, `nisa.nc_matmul`, `np.add`).
  func namespaceAttribute(_ ns: String, _ name: String, at loc: SourceLocation) throws(TraceError) -> Value {
    switch ns {
    case "nl":
      if name == "fp32" || name == "bfp16" { return .object(ObjectBox(attributes: ["min": .float(Double(-Tracer.dtypeMax(name == "fp32" ? .float32 : .bfloat16))), "max": .float(Double(Tracer.dtypeMax(name == "fp32" ? .float32 : .bfloat16)))])) }
      if let d = Tracer.dtypeNames[name] { return .dtype(d) }
      switch name {
      case "sbuf": return .memorySpace(.sbuf)
      case "psum": return .memorySpace(.psum)
      case "hbm": return .memorySpace(.hbm)
      case "shared_hbm": return .memorySpace(.sharedHBM)
      case "private_hbm": return .memorySpace(.privateHBM)
      case "tile_size": return .namespace(Namespace(name: "nl.tile_size"))
      case "mgrid": return .mgrid
      default: return .builtin(Builtin("nl.\(name)"))
      }
    case "nl.tile_size":
      switch name {
      case "pmax": return .int(target.pmax)
      case "psum_fmax", "psum_bank_fmax": return .int(target.psumFmax)
      case "psum_bank_fmax_bytes": return .int(target.psumBankBytes)
      case "psum_num_banks": return .int(target.psumBanks)
      case "gemm_stationary_fmax": return .int(target.gemmStationaryFmax)
      case "gemm_moving_fmax": return .int(target.gemmMovingFmax == 4096 ? 512 : target.gemmMovingFmax)
      case "bn_stats_fmax": return .int(target.bnStatsFmax)
      case "psum_min_align": return .int(4)
      case "sbuf_min_align": return .int(1)
      case "total_available_sbuf_size", "sbuf_fmax_bytes": return .int(target.sbufBytesPerPartition)
      case "sbuf_fmax": return .int(target.sbufBytesPerPartition / 4)
      case "sbuf_size_bytes": return .int(target.sbufBytesPerPartition * 128)
      default: throw TraceError.unsupported("nl.tile_size.\(name)", at: loc)
      }
    case "nisa":
      switch name {
      case "nc_version": return .namespace(Namespace(name: "nisa.nc_version"))
      case "tensor_engine", "vector_engine", "scalar_engine", "gpsimd_engine", "unknown_engine":
        return .string("engine:" + name.replacingOccurrences(of: "_engine", with: ""))
      case "engine": return .namespace(Namespace(name: "nisa.engine"))
      case "reduce_cmd": return .namespace(Namespace(name: "nisa.reduce_cmd"))
      case "dge_mode", "oob_mode": return .namespace(Namespace(name: "nisa.\(name)"))
      default: return .builtin(Builtin("nisa.\(name)"))
      }
    case "nisa.nc_version":
      switch name {
      case "gen2": return .int(2)
      case "gen3": return .int(3)
      case "gen4": return .int(4)
      default: throw TraceError.unsupported("nisa.nc_version.\(name)", at: loc)
      }
    case "nisa.engine":
      return .string("engine:\(name)")
    case "nisa.reduce_cmd", "nisa.dge_mode", "nisa.oob_mode":
      return .string("\(ns).\(name)")
    case "nki":
      switch name {
      case "language": return .namespace(Namespace(name: "nl"))
      case "isa": return .namespace(Namespace(name: "nisa"))
      case "typing": return .namespace(Namespace(name: "nt"))
      default: return .builtin(Builtin("nki.\(name)"))
      }
    case "nt":
      return .namespace(Namespace(name: "nt.tensor"))
    case "np":
      if let d = Tracer.dtypeNames[name], !name.hasPrefix("float8"), name != "bfloat16", name != "tfloat32", name != "fp32" { return .dtype(d) }
      switch name {
      case "bool_", "bool": return .dtype(.bool)
      case "pi": return .float(Double.pi)
      case "e": return .float(M_E)
      case "inf": return .float(.infinity)
      case "nan": return .float(.nan)
      case "float64", "int64": return .dtype(name == "float64" ? .float32 : .int32)
      case "random": return .namespace(Namespace(name: "np.random"))
      default: return .builtin(Builtin("np.\(name)"))
      }
    case "np.random":
      return .builtin(Builtin("np.random.\(name)"))
    case "math":
      switch name {
      case "pi": return .float(Double.pi)
      case "e": return .float(M_E)
      case "inf": return .float(.infinity)
      case "nan": return .float(.nan)
      default: return .builtin(Builtin("math.\(name)"))
      }
    default:
      throw TraceError.python("AttributeError", "module '\(ns)' has no attribute '\(name)'", at: loc)
    }
  }

  /// The ALU op a value names when passed as `op=` (`nl.add`, `np.add`, `np.max`, ...).
  func aluOp(of v: Value, at loc: SourceLocation) throws(TraceError) -> ALUOp {
    guard case .builtin(let b) = v else {
      throw TraceError.python("TypeError", "expected an operator such as nl.add, got \(v.typeName)", at: loc)
    }
    let short = b.name.split(separator: ".").last.map(String.init) ?? b.name
    switch short {
    case "max", "amax": return .maximum
    case "min", "amin": return .minimum
    case "sum": return .add
    case "prod": return .multiply
    case "true_divide": return .divide
    case "remainder": return .mod
    default:
      if let op = ALUOp(rawValue: short) { return op }
      throw TraceError.unsupported("\(b.name) as an ALU operator", at: loc)
    }
  }

  /// The activation function a value names (`nl.exp`, `np.exp`, `nl.copy`, ...).
  func activationFunction(of v: Value, at loc: SourceLocation) throws(TraceError) -> ActivationFunction {
    guard case .builtin(let b) = v else {
      throw TraceError.python("TypeError", "expected an activation function such as nl.exp, got \(v.typeName)", at: loc)
    }
    let short = b.name.split(separator: ".").last.map(String.init) ?? b.name
    switch short {
    case "identity": return .copy
    case "absolute": return .abs
    case "arctan2": throw TraceError.unsupported("\(b.name) as an activation", at: loc)
    default:
      if let f = ActivationFunction(rawValue: short) { return f }
      throw TraceError.unsupported("\(b.name) as an activation function", at: loc)
    }
  }

  static func aluOp(_ op: BinaryOperator, at loc: SourceLocation) throws(TraceError) -> ALUOp {
    switch op {
    case .add: return .add
    case .subtract: return .subtract
    case .multiply: return .multiply
    case .divide: return .divide
    case .modulo: return .mod
    case .power: return .power
    case .bitwiseAnd: return .bitwiseAnd
    case .bitwiseOr: return .bitwiseOr
    case .bitwiseXor: return .bitwiseXor
    case .leftShift: return .leftShift
    case .rightShift: return .rightShift
    case .floorDivide, .matrixMultiply:
      throw TraceError.unsupported("operator `\(op.rawValue)` on tiles (use nl.matmul / nisa.nc_matmul for products)", at: loc)
    }
  }

  static func aluComparison(_ op: ComparisonOperator, at loc: SourceLocation) throws(TraceError) -> ALUOp {
    switch op {
    case .equal: return .equal
    case .notEqual: return .notEqual
    case .less: return .less
    case .lessEqual: return .lessEqual
    case .greater: return .greater
    case .greaterEqual: return .greaterEqual
    default: throw TraceError.unsupported("`\(op.rawValue)` on tiles", at: loc)
    }
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
