import TesselIR
import TesselPython

/// Arithmetic on loop indices or program ids that is not affine (`i * j`, `i % dilation`).
///
/// It is never an index: in a subscript, a slice or an access pattern it is the located error
/// "index expression `*` is not affine ...", at the operation that made it. As a Python value
/// (compared, tested by `if`, converted with `int()` or `range()`) it refuses as a loop index
/// does, so the loops it depends on are specialised and the expression becomes a Python integer.
final class NonAffineIndex: NativeObject {
  /// The affine expressions it was computed from (their loop indices and program ids).
  let operands: [AffineExpr]
  /// The error of its use as an index, located at the operation that made it.
  let error: TraceError

  init(operands: [AffineExpr], error: TraceError) {
    self.operands = operands
    self.error = error
  }

  var typeName: String { "index" }

  /// The refusal of a concrete Python value: the loops over its variables specialise.
  func refusal(_ ev: Evaluator, at loc: SourceLocation) -> TraceError {
    TraceError(.symbolicValue(Tracer.refusal(ev, operands, IndexObject.controlFlow)), at: loc)
  }

  func binary(_ op: BinaryOperator, _ other: Value, reflected: Bool, _ ev: Evaluator, at loc: SourceLocation)
    throws(TraceError) -> Value?
  {
    switch other {
    case .int, .bool: return .native(NonAffineIndex(operands: operands, error: error))
    case .native(let o as NonAffineIndex):
      return .native(NonAffineIndex(operands: operands + o.operands, error: error))
    case .native(let o as IndexObject) where o.grid.shape.isEmpty:
      return .native(NonAffineIndex(operands: operands + [o.grid.base], error: error))
    default: return nil
    }
  }

  func unary(_ op: UnaryOperator, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    .native(NonAffineIndex(operands: operands, error: error))
  }

  func compare(_ op: ComparisonOperator, _ other: Value, reflected: Bool, _ ev: Evaluator, at loc: SourceLocation)
    throws(TraceError) -> Value?
  {
    throw refusal(ev, at: loc)
  }

  func truth(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Bool { throw refusal(ev, at: loc) }

  func asInteger(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Int? { throw refusal(ev, at: loc) }

  func asFloat(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Double? { throw refusal(ev, at: loc) }

  func repr(_ ev: Evaluator) throws(TraceError) -> String { throw refusal(ev, at: .unknown) }

  func hashKey(_ ev: Evaluator) -> HashKey? { nil }
}
