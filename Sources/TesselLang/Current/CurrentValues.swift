import TesselIR
import TesselPython

/// An NKI dtype (`nl.bfloat16`): compares equal to itself, hashes (dtypes key dicts), and prints
/// as its NKI name (`str(nl.bfloat16) == "bfloat16"`).
///
/// A packed MX dtype (`nl.float8_e5m2_x4`) is four fp8 values per element: ``dtype`` is the fp8
/// type and ``packing`` 4, and a tensor of it is stored as fp8 with a last dimension four times
/// longer (``NkiTensor/packing``).
final class NkiDType: NativeObject {
  /// The element type (of each packed value for an `_x4` type); nil for the types Tessel names but
  /// does not store (`float4_e2m1fn_x4`, `float8_e8m0fnu`).
  let dtype: DType?
  /// Values per element: 4 for the `_x4` types, 1 otherwise.
  let packing: Int
  let name: String

  init(_ dtype: DType?, packing: Int = 1, name: String) {
    self.dtype = dtype
    self.packing = packing
    self.name = name
  }

  var typeName: String { "dtype" }
  func repr(_ ev: Evaluator) throws(TraceError) -> String { name }
  func hashKey(_ ev: Evaluator) -> HashKey? { .string("dtype:" + name) }
  func isEqual(to other: Value, _ ev: Evaluator) -> Bool? {
    if case .native(let o) = other, let d = o as? NkiDType { return d.name == name }
    if case .string(let s) = other { return s == name }
    return false
  }
  func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    switch name {
    case "itemsize": return dtype.map { .int($0.byteSize * packing) } ?? .int(4)
    case "name": return .string(self.name)
    default: return nil
    }
  }

  /// The element type of a tensor of this dtype, or a located error for the types Tessel does
  /// not store.
  func storedType(at location: SourceLocation) throws(TraceError) -> DType {
    guard let dtype else {
      throw TraceError.unsupported("tensors of the MX dtype nl.\(name) (Tessel stores fp8 MX data only)", at: location)
    }
    return dtype
  }

  /// The dtypes of `nki.language`, by attribute name: element type and values per element.
  static let byName: [String: (dtype: DType?, packing: Int)] = [
    "float32": (.float32, 1), "float16": (.float16, 1), "bfloat16": (.bfloat16, 1), "tfloat32": (.tfloat32, 1),
    "int8": (.int8, 1), "int16": (.int16, 1), "int32": (.int32, 1), "uint8": (.uint8, 1), "uint16": (.uint16, 1),
    "uint32": (.uint32, 1), "bool_": (.bool, 1), "float8_e4m3": (.float8e4m3, 1), "float8_e5m2": (.float8e5m2, 1),
    "float8_e4m3fn": (.float8e4m3fn, 1), "float8_e4m3fn_x4": (.float8e4m3fn, 4), "float8_e5m2_x4": (.float8e5m2, 4),
    "float4_e2m1fn_x4": (nil, 4), "float8_e8m0fnu": (nil, 1),
  ]

  static func value(_ name: String) -> Value? {
    guard let d = byName[name] else { return nil }
    return .native(NkiDType(d.dtype, packing: d.packing, name: name))
  }

  /// The dtype object of `d`, packed `packing` values per element (`float8_e5m2` packed by 4 is
  /// `float8_e5m2_x4`).
  static func value(_ d: DType, packing: Int = 1) -> Value {
    .native(NkiDType(d, packing: packing, name: packing == 1 ? d.nkiName : "\(d.nkiName)_x\(packing)"))
  }
}

/// A memory buffer of `nki.language` (`nl.sbuf`, `nl.psum`, `nl.shared_hbm`, ...).
final class NkiBuffer: NativeObject {
  let space: MemorySpace
  init(_ space: MemorySpace) { self.space = space }
  var typeName: String { "buffer" }
  func repr(_ ev: Evaluator) throws(TraceError) -> String { space.nkiName }
  func hashKey(_ ev: Evaluator) -> HashKey? { .string("buffer:" + space.nkiName) }
  func isEqual(to other: Value, _ ev: Evaluator) -> Bool? {
    if case .native(let o) = other, let b = o as? NkiBuffer { return b.space == space }
    return false
  }
}

/// An operator constant passed as `op=` to ISA calls (`nl.add`, `nl.exp`, `nl.maximum`): an
/// ALU operator, an activation function, or both (`nl.abs`).
final class NkiOp: NativeObject {
  let name: String
  init(_ name: String) { self.name = name }
  var typeName: String { "function" }
  var alu: ALUOp? { ALUOp(rawValue: name) ?? (name == "abs_max" ? .absMax : nil) }
  var activation: ActivationFunction? { ActivationFunction(rawValue: name) }
  func repr(_ ev: Evaluator) throws(TraceError) -> String { "<function nl.\(name)>" }
  func hashKey(_ ev: Evaluator) -> HashKey? { .string("op:" + name) }
  func isEqual(to other: Value, _ ev: Evaluator) -> Bool? {
    if case .native(let o) = other, let b = o as? NkiOp { return b.name == name }
    return false
  }
  func call(_ positional: [Value], _ keywords: [(String, Value)], _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  {
    throw TraceError.unsupported(
      "nl.\(name)(...) as a tensor function; pass nl.\(name) as the op of a nisa instruction "
        + "(nisa.tensor_tensor(dst, a, b, op=nl.\(name)), nisa.activation(dst, op=nl.\(name), data=x))",
      at: location)
  }

  /// The operator names `nki.language` exports.
  static let names: Set<String> = Set(ALUOp.allCases.map(\.rawValue)).union(ActivationFunction.allCases.map(\.rawValue))
}

/// A member of one of `nki.isa`'s enums (`nisa.engine.vector`, `nisa.reduce_cmd.reset_reduce`,
/// `nisa.oob_mode.skip`, `nisa.nc_version.gen3`).
final class NkiEnumMember: NativeObject {
  let enumName: String
  let name: String
  let value: Int
  init(_ enumName: String, _ name: String, _ value: Int) {
    self.enumName = enumName
    self.name = name
    self.value = value
  }
  var typeName: String { enumName }
  func repr(_ ev: Evaluator) throws(TraceError) -> String { "<\(enumName).\(name): \(value)>" }
  func str(_ ev: Evaluator) throws(TraceError) -> String { "\(enumName).\(name)" }
  func hashKey(_ ev: Evaluator) -> HashKey? { .string("\(enumName).\(name)") }
  func isEqual(to other: Value, _ ev: Evaluator) -> Bool? {
    if case .native(let o) = other, let m = o as? NkiEnumMember { return m.enumName == enumName && m.name == name }
    return false
  }
  func compare(
    _ op: ComparisonOperator, _ other: Value, reflected: Bool, _ ev: Evaluator, at location: SourceLocation
  ) throws(TraceError) -> Value? {
    // nc_version members order by generation (`nisa.get_nc_version() >= nisa.nc_version.gen3`).
    guard case .native(let o) = other, let m = o as? NkiEnumMember, m.enumName == enumName else { return nil }
    let (a, b) = reflected ? (m.value, value) : (value, m.value)
    switch op {
    case .less: return .bool(a < b)
    case .lessEqual: return .bool(a <= b)
    case .greater: return .bool(a > b)
    case .greaterEqual: return .bool(a >= b)
    case .equal: return .bool(a == b)
    case .notEqual: return .bool(a != b)
    default: return nil
    }
  }
  func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    switch name {
    case "name": return .string(self.name)
    case "value": return .int(value)
    default: return nil
    }
  }

  /// The enums of `nki.isa` and their members with NKI 0.6's values.
  static let enums: [String: [(String, Int)]] = [
    "engine": [("tensor", 0), ("vector", 1), ("scalar", 2), ("gpsimd", 3), ("dma", 4), ("sync", 5), ("unknown", 6)],
    "reduce_cmd": [("idle", 0), ("reset", 1), ("reduce", 2), ("reset_reduce", 3), ("load_reduce", 4)],
    "dge_mode": [("unknown", 0), ("swdge", 1), ("hwdge", 2), ("none", 3)],
    "oob_mode": [("error", 0), ("skip", 1)],
    "matmul_perf_mode": [("none", 0), ("double_row", 1)],
    "nc_version": [("gen2", 2), ("gen3", 3), ("gen4", 4)],
    "dma_engine": [("dma", 0), ("gpsimd_dma", 1)],
  ]

  static func member(_ enumName: String, _ name: String) -> Value? {
    guard let v = enums[enumName]?.first(where: { $0.0 == name }) else { return nil }
    return .native(NkiEnumMember(enumName, name, v.1))
  }
}

/// One of `nki.isa`'s enums as a namespace (`nisa.reduce_cmd`).
final class NkiEnum: NativeModule {
  let name: String
  init(_ name: String) { self.name = name }
  var attributeNames: [String] { NkiEnumMember.enums[name]?.map(\.0) ?? [] }
  func attribute(_ attr: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    NkiEnumMember.member(name, attr)
  }
  static func value(_ name: String) -> Value {
    .module(PyModule(name: name, scope: Scope(parent: nil), native: NkiEnum(name)))
  }
}

/// `nl.ds(start, size)`: a slice object `start:start+size` (also usable as a value).
final class NkiDynamicSlice: NativeObject {
  let start: Int
  let size: Int
  init(start: Int, size: Int) {
    self.start = start
    self.size = size
  }
  var typeName: String { "DynSlice" }
  func repr(_ ev: Evaluator) throws(TraceError) -> String { "ds(\(start), \(size))" }
  func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    switch name {
    case "start": return .int(start)
    case "size": return .int(size)
    case "stop": return .int(start + size)
    default: return nil
    }
  }
}

/// `nki.typing` annotations (`nt.tensor[128, 512]`, `nt.mutable_tensor`): inert at trace time.
final class InertAnnotation: NativeObject {
  let name: String
  init(_ name: String) { self.name = name }
  var typeName: String { "annotation" }
  func repr(_ ev: Evaluator) throws(TraceError) -> String { name }
  func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    .native(InertAnnotation(self.name + "." + name))
  }
  func getItem(_ key: Value, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    .native(InertAnnotation(name + "[...]"))
  }
  func call(_ positional: [Value], _ keywords: [(String, Value)], _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  { .native(InertAnnotation(name + "(...)")) }
}

/// `nki.jit` and its keyword form `nki.jit(mode=..., ...)`: returns the function itself (a
/// jit-decorated helper called from a kernel is a plain call).
final class JitDecorator: NativeObject {
  var typeName: String { "function" }
  func call(_ positional: [Value], _ keywords: [(String, Value)], _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  {
    if positional.count == 1, keywords.isEmpty { return positional[0] }
    if positional.isEmpty {
      // `@nki.jit(mode="auto", platform_target="trn3", ...)`: the options are accepted; the target
      // and the launch come from the command line (--target, --lnc).
      return .native(JitDecorator())
    }
    throw TraceError.typeError(.message("jit() takes one function and keyword options"), at: location)
  }
}
