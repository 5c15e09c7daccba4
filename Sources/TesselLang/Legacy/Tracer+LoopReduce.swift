import TesselIR
import TesselPython

/// `dst[...] = nl.loop_reduce(x, op, loop_indices)`: a reduction over loop iterations whose
/// destination tile is also the operation's other operand, so the assignment computes
/// `dst[...] = op(dst[...], x)` (NKI's documented equivalent is `nisa.tensor_tensor(dst, x, op)`).
///
/// The call itself emits nothing: it makes a ``LoopReduction``, which the subscript assignment
/// turns into one `tensor_tensor` on the Vector engine. `loop_indices` names the loops the
/// compiler may optimize the reduction across; it does not change the result.
final class LoopReduction: NativeObject {
  let x: TensorRef
  let op: ALUOp
  let dtype: DType?
  let mask: [AffineCondition]
  let location: SourceLocation

  init(x: TensorRef, op: ALUOp, dtype: DType?, mask: [AffineCondition], location: SourceLocation) {
    self.x = x
    self.op = op
    self.dtype = dtype
    self.mask = mask
    self.location = location
  }

  var typeName: String { "loop_reduce" }

  func binary(_ op: BinaryOperator, _ other: Value, reflected: Bool, _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  {
    throw LoopReduction.notAValue(at: location)
  }

  static func notAValue(at loc: SourceLocation) -> TraceError {
    TraceError.python(
      "TypeError",
      "the result of nl.loop_reduce is assigned into its destination tile (`dst[...] = nl.loop_reduce(x, op, loop_indices)`), not used as a value",
      at: loc)
  }

  /// `dst[...] = self`: `dst[...] = op(dst[...], x)`, rounded through `dtype` when one is given.
  func reduce(into dst: TensorRef, tracer: Tracer, accumulate: BinaryOperator?, at loc: SourceLocation)
    throws(TraceError)
  {
    guard accumulate == nil else { throw LoopReduction.notAValue(at: loc) }
    guard let v = tracer.broadcast(x.view, to: dst.view.shape) else {
      throw TraceError(
        rule: .shapeMismatch(operands: ["dst", "x"], shapes: [dst.view.shape, x.view.shape]), operation: "loop_reduce",
        at: loc)
    }
    let dstType = tracer.decl(dst).dtype
    if let dtype, dtype != dstType {
      let t = try tracer.newTensor(dst.view.shape, dtype, .sbuf, at: location)
      try tracer.emit(.tensorTensor(dst: t.view, a: dst.view, b: v, op: op), engine: .vector, mask: mask, at: location)
      try tracer.emit(.tensorCopy(dst: dst.view, src: t.view), mask: mask, at: location)
    } else {
      try tracer.emit(
        .tensorTensor(dst: dst.view, a: dst.view, b: v, op: op), engine: .vector, mask: mask, at: location)
    }
  }
}

extension Tracer {
  /// `nl.loop_reduce(x, op, loop_indices, *, dtype=None, mask=None, name='')`.
  func loopReduce(_ a: CallArguments) throws(TraceError) -> Value {
    let loc = a.location
    guard let x = try a.require(0, "x").tensor else {
      throw TraceError.python("TypeError", "nl.loop_reduce expects a tile as x", at: loc)
    }
    let op = try aluOp(of: try a.require(1, "op"), at: loc)
    let indices = try a.require(2, "loop_indices")
    var items = [indices]
    switch indices {
    case .tuple, .list: items = try iterate(indices, at: loc)
    default: break
    }
    for i in items where i.index == nil {
      if case .int = i { continue }
      throw TraceError.python(
        "TypeError", "loop_indices of nl.loop_reduce are loop indices (or numbers), not \(i.typeName)", at: loc)
    }
    let dtype = try dtypeArgument(a.get(-1, "dtype"), at: loc)
    let mask = try maskConditions(a.get(-1, "mask"), rank: x.view.shape.count, shape: x.view.shape, at: loc)
    return .native(LoopReduction(x: x, op: op, dtype: dtype, mask: mask, location: loc))
  }
}
