import TesselIR
import TesselNKI
import TesselPython

/// The arguments of one call of the current dialect's API, bound to its signature, with
/// conversions that raise Python's errors at the call.
struct CurrentArguments {
  let bound: BoundArguments
  let names: [String]
  let function: String
  let location: SourceLocation
  unowned let ev: Evaluator
  unowned let tracer: CurrentTracer

  /// The argument of parameter `name`, if given (and not None).
  func get(_ name: String) -> Value? {
    guard let i = names.firstIndex(of: name), let v = bound[i] else { return nil }
    return v.isNone ? nil : v
  }

  /// Whether the parameter was given at all (None included).
  func given(_ name: String) -> Bool {
    guard let i = names.firstIndex(of: name) else { return false }
    return bound[i] != nil
  }

  func typeError(_ name: String, _ expected: String, _ v: Value) -> TraceError {
    TraceError.typeError(
      .message("\(function)() argument '\(name)' must be \(expected), not \(v.typeName)"), at: location)
  }

  /// A required tensor argument.
  func tensor(_ name: String) throws(TraceError) -> NkiTensor {
    guard let v = get(name) else {
      throw TraceError.typeError(.message("\(function)() argument '\(name)' must be a tensor, not None"), at: location)
    }
    if let array = v.native(NDArray.self), let hostTensor = tracer.hostTensor {
      // At the REPL's prompt: a numpy array becomes an HBM tensor holding its data.
      return try hostTensor(array, location)
    }
    guard case .native(let o) = v, let t = o as? NkiTensor else { throw typeError(name, "a tensor", v) }
    return t
  }

  /// An optional tensor argument.
  func optionalTensor(_ name: String) throws(TraceError) -> NkiTensor? {
    guard get(name) != nil else { return nil }
    return try tensor(name)
  }

  /// A tensor argument lowered to an IR view.
  func view(_ name: String) throws(TraceError) -> View { try tensor(name).irView(at: location) }

  func int(_ name: String, default d: Int) throws(TraceError) -> Int {
    guard let v = get(name) else { return d }
    return try ev.intValue(v, at: location)
  }

  func bool(_ name: String, default d: Bool) throws(TraceError) -> Bool {
    guard let v = get(name) else { return d }
    if case .bool(let b) = v { return b }
    return try ev.truth(v, at: location)
  }

  func float(_ name: String) throws(TraceError) -> Double? {
    guard let v = get(name) else { return nil }
    return try ev.floatValue(v, at: location)
  }

  /// An operator constant (`nl.add`) as an ALU operator.
  func alu(_ name: String) throws(TraceError) -> ALUOp {
    guard let v = get(name) else {
      throw TraceError.typeError(
        .message("\(function)() argument '\(name)' must be an operator such as nl.add, not None"), at: location)
    }
    guard case .native(let o) = v, let op = o as? NkiOp else { throw typeError(name, "an operator such as nl.add", v) }
    guard let a = op.alu else {
      throw TraceError(
        rule: .invalidOp(op: "nl.\(op.name)", reason: "not an arithmetic operator for \(name)"), operation: function,
        at: location)
    }
    return a
  }

  /// What `tensor_scalar`, `scalar_tensor_tensor` and `tensor_scalar_reduce` start with: `dst`
  /// and `data` aligned to one shape, the first stage (`op0=`, `operand0=`) and `reverse0=`.
  func firstStage() throws(TraceError) -> (dst: View, data: View, op: ALUOp, operand: Operand, reverse: Bool) {
    let (d, s) = try tracer.aligned(try view("dst"), try view("data"), at: location)
    let (op0, o0) = try stage("op0", "operand0")
    return (d, s, op0, o0, try bool("reverse0", default: false))
  }

  /// A stage's operator and operand (`op0=`, `operand0=`).
  ///
  /// `nl.abs` with the operand 0 is
  /// `|data|`, which is `abs_max(data, 0)`; with another operand it is refused.
  func stage(_ opName: String, _ operandName: String) throws(TraceError) -> (ALUOp, Operand) {
    guard let operand = try operand(operandName) else {
      throw TraceError.typeError(
        .message("\(function)() argument '\(operandName)' must be a number or a [P, 1] tensor, not None"), at: location)
    }
    if case .native(let o)? = get(opName), let op = o as? NkiOp, op.alu == nil, op.name == "abs" {
      do {
        return (
          try NKIRules.absoluteValueStage(
            operand: operand, opName: opName, operandName: operandName, operation: function),
          operand
        )
      } catch {
        throw TraceError(.kernel(error), at: location)
      }
    }
    return (try alu(opName), operand)
  }

  /// An optional ALU operator.
  func optionalALU(_ name: String) throws(TraceError) -> ALUOp? {
    get(name) == nil ? nil : try alu(name)
  }

  /// An operator constant as an activation function.
  func activation(_ name: String) throws(TraceError) -> ActivationFunction {
    guard let v = get(name) else {
      throw TraceError.typeError(
        .message("\(function)() argument '\(name)' must be an activation function such as nl.exp, not None"),
        at: location)
    }
    guard case .native(let o) = v, let op = o as? NkiOp else {
      throw typeError(name, "an activation function such as nl.exp", v)
    }
    guard let f = op.activation else {
      throw TraceError(
        rule: .invalidOp(op: "nl.\(op.name)", reason: "not an activation function"), operation: function, at: location)
    }
    return f
  }

  /// A member of one of `nki.isa`'s enums, by its member name (nil when not given).
  ///
  /// The member itself (`nisa.dge_mode.none`) or its integer value (`dge_mode=3`, as AWS's
  /// library kernels write it) is accepted; a string or another integer is a TypeError.
  func enumMember(_ name: String, _ enumName: String) throws(TraceError) -> String? {
    guard let v = get(name) else { return nil }
    let members = NkiEnumMember.enums[enumName] ?? []
    switch v {
    case .native(let o as NkiEnumMember) where o.enumName == enumName: return o.name
    case .int(let i) where members.contains { $0.1 == i }: return members.first { $0.1 == i }?.0
    default:
      let values = members.map { "\($0.0) = \($0.1)" }.joined(separator: ", ")
      throw typeError(name, "a member of nisa.\(enumName) or its value (\(values))", v)
    }
  }

  /// The engine the kernel chose (`engine=nisa.vector_engine`), nil for `unknown` or not given.
  func engine(_ name: String = "engine") throws(TraceError) -> Engine? {
    switch try enumMember(name, "engine") {
    case "tensor": return .tensor
    case "vector": return .vector
    case "scalar": return .scalar
    case "gpsimd": return .gpsimd
    case "dma", "sync": return .dma
    default: return nil
    }
  }

  /// A scalar immediate or a `[P, 1]` tensor operand.
  func operand(_ name: String) throws(TraceError) -> Operand? {
    guard let v = get(name) else { return nil }
    if case .native(let o) = v, let t = o as? NkiTensor { return .view(try t.irView(at: location)) }
    return .scalar(Float(try ev.floatValue(v, at: location)))
  }

  /// A list of integers (`shuffle_mask`, `axes`).
  func ints(_ name: String) throws(TraceError) -> [Int]? {
    guard let v = get(name) else { return nil }
    var out: [Int] = []
    for x in try ev.iterate(v, at: location) { out.append(try ev.intValue(x, at: location)) }
    return out
  }

  /// `[[step, count], ...]` pairs of an iota or affine_select pattern.
  func pattern(_ name: String) throws(TraceError) -> [(step: Int, count: Int)] {
    guard let v = get(name) else { return [] }
    var out: [(step: Int, count: Int)] = []
    for p in try ev.iterate(v, at: location) {
      let pair = try ev.iterate(p, at: location)
      guard pair.count == 2 else {
        throw TraceError.python("ValueError", "\(function)() \(name) is a list of [step, count] pairs", at: location)
      }
      out.append((try ev.intValue(pair[0], at: location), try ev.intValue(pair[1], at: location)))
    }
    return out
  }
}
