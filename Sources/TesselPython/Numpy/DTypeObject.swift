import TesselIR

/// A dtype value: `nl.float32`, `np.float32`, `np.dtype(np.int64)`, `arr.dtype`.
///
/// NKI's dtypes and numpy's are the same objects in both NKI dialects, so one type serves the
/// evaluator's trace-time numpy and every binding.
package final class DTypeObject: NativeObject {
  /// The element type.
  package let kind: ArrayDType

  package init(_ kind: ArrayDType) { self.kind = kind }

  package var typeName: String { "dtype" }

  package func attribute(_ name: String, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    switch name {
    case "itemsize": return .int(kind.itemsize)
    case "name": return .string(kind.description)
    case "kind": return .string(kind.isBool ? "b" : kind.isFloat ? "f" : kind.isUnsigned ? "u" : "i")
    case "type": return .native(self)
    // The range of the type, as NKI's dtypes answer it (`nl.float32.max`).
    case "min": return .float(kind.minimum)
    case "max": return .float(kind.maximum)
    default: throw TraceError.python("AttributeError", "'dtype' object has no attribute '\(name)'", at: loc)
    }
  }

  /// `np.float32(1.5)`, `np.int32(7)`: a number of this type, or an array converted to it.
  package func call(_ positional: [Value], _ keywords: [(String, Value)], _ ev: Evaluator, at loc: SourceLocation)
    throws(TraceError) -> Value?
  {
    guard let x = positional.first else { return kind.isBool ? .bool(false) : kind.isFloat ? .float(0) : .int(0) }
    if let a = x.native(NDArray.self) { return .native(try NDArray.from(.native(a), dtype: kind, ev, at: loc)) }
    let f = try ev.floatValue(x, at: loc)
    guard let v = kind.convert(f) else { throw TraceError.unsupported("\(kind) scalars at trace time", at: loc) }
    if kind.isBool { return .bool(v != 0) }
    return kind.isFloat ? .float(v) : .int(Int(v))
  }

  package func hashKey(_ ev: Evaluator) -> HashKey? { .native("dtype:" + kind.description) }

  package func isEqual(to other: Value, _ ev: Evaluator) -> Bool? {
    if let d = other.native(DTypeObject.self) { return d.kind == kind }
    if case .string(let s) = other { return kind.description == s || ArrayDType(named: s) == kind }
    return false
  }

  package func repr(_ ev: Evaluator) throws(TraceError) -> String {
    if case .nki(let d) = kind { return d.nkiName }
    return kind.description
  }

  package func str(_ ev: Evaluator) throws(TraceError) -> String { kind.description }

  /// The dtype a value names: a dtype, or a dtype name (`"float32"`); nil for anything else.
  package static func kind(of v: Value) -> ArrayDType? {
    if let d = v.native(DTypeObject.self) { return d.kind }
    if case .string(let s) = v { return ArrayDType(named: s) }
    if case .type(let c) = v {
      switch c.builtin {
      case .int?: return .int64
      case .float?: return .float64
      case .bool?: return .nki(.bool)
      default: return nil
      }
    }
    return nil
  }
}
