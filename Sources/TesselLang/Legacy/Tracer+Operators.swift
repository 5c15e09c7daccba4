import TesselIR
import TesselNKI
import TesselPython

extension Tracer {
  /// The NKI name of a function value passed as an operator (`nl.add`, `np.max`, `nl.exp`).
  func functionName(_ v: Value) -> String? {
    switch v {
    case .builtin(let f): return f.signature.name
    case .native(let o): return (o as? UnsupportedAPI)?.name
    default: return nil
    }
  }

  /// The ALU op a value names when passed as `op=` (`nl.add`, `np.add`, `np.max`, ...).
  func aluOp(of v: Value, at loc: SourceLocation) throws(TraceError) -> ALUOp {
    guard let name = functionName(v) else {
      throw TraceError.python("TypeError", "expected an operator such as nl.add, got \(v.typeName)", at: loc)
    }
    let short = name.split(separator: ".").last.map(String.init) ?? name
    switch short {
    case "max", "amax": return .maximum
    case "min", "amin": return .minimum
    case "sum": return .add
    case "prod": return .multiply
    case "true_divide": return .divide
    case "remainder": return .mod
    default:
      if let op = ALUOp(rawValue: short) { return op }
      throw TraceError.unsupported("\(name) as an ALU operator", at: loc)
    }
  }

  /// The ALU op of an instruction stage (`op0=` with `operand0=`, ...): as ``aluOp(of:at:)``, and
  /// the unary `nl.abs` with the operand 0 as `abs_max(data, 0)`
  /// (``NKIRules/absoluteValueStage(operand:opName:operandName:operation:)``).
  func aluStage(
    _ v: Value, operand: Operand, opName: String, operandName: String, of function: String, at loc: SourceLocation
  ) throws(TraceError) -> ALUOp {
    let short = functionName(v)?.split(separator: ".").last.map(String.init)
    guard short == "abs" || short == "absolute" else { return try aluOp(of: v, at: loc) }
    do {
      return try NKIRules.absoluteValueStage(
        operand: operand, opName: opName, operandName: operandName, operation: function)
    } catch {
      throw TraceError(.kernel(error), at: loc)
    }
  }

  /// The activation function a value names (`nl.exp`, `np.exp`, `nl.copy`, ...).
  func activationFunction(of v: Value, at loc: SourceLocation) throws(TraceError) -> ActivationFunction {
    guard let name = functionName(v) else {
      throw TraceError.python("TypeError", "expected an activation function such as nl.exp, got \(v.typeName)", at: loc)
    }
    let short = name.split(separator: ".").last.map(String.init) ?? name
    switch short {
    case "identity": return .copy
    case "absolute": return .abs
    case "arctan2": throw TraceError.unsupported("\(name) as an activation", at: loc)
    default:
      if let f = ActivationFunction(rawValue: short) { return f }
      throw TraceError.unsupported("\(name) as an activation function", at: loc)
    }
  }

  /// The ALU op of a Python operator on tiles.
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
      throw TraceError.unsupported(
        "operator `\(op.rawValue)` on tiles (use nl.matmul / nisa.nc_matmul for products)", at: loc)
    }
  }

  /// The ALU op of a Python comparison (`<`, `==`, …); nil for `in`, `is` and their negations.
  static func aluComparison(_ op: ComparisonOperator) -> ALUOp? {
    switch op {
    case .equal: .equal
    case .notEqual: .notEqual
    case .less: .less
    case .lessEqual: .lessEqual
    case .greater: .greater
    case .greaterEqual: .greaterEqual
    default: nil
    }
  }

  /// The largest finite value of a dtype.
  static func dtypeMax(_ d: DType) -> Float { Float(ArrayDType.nki(d).maximum) }
}
