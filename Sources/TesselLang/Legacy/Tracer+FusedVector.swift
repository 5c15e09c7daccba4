import TesselIR
import TesselNKI
import TesselPython

/// The fused Vector-engine instructions `nisa.scalar_tensor_tensor` and
/// `nisa.tensor_scalar_reduce`.
extension Tracer {
  /// `nisa.scalar_tensor_tensor(data=, op0=, operand0=, op1=, operand1=, ...)`:
  /// `(data op0 operand0) op1 operand1`.
  ///
  /// Without `dtype=` the result takes the promoted dtype of
  /// `data` and `operand1`.
  ///
  /// `nisa.tensor_scalar_reduce(data=, op0=, operand0=, reduce_op=, reduce_res=, ...)`:
  /// `data op0 operand0`, reduced along every free dimension into `reduce_res` (written in place).
  /// Without `dtype=` the result keeps `data`'s dtype.
  func callFusedVector(_ fn: String, _ a: CallArguments) throws(TraceError) -> Value {
    let loc = a.location
    let data = try tensorArgument(try a.require(0, "data"), "data", of: "nisa.\(fn)", at: loc)
    let operand0 = try operandArgument(try a.require(2, "operand0"), at: loc)
    let op0 = try aluStage(
      try a.require(1, "op0"), operand: operand0, opName: "op0", operandName: "operand0", of: fn, at: loc)
    let reverse0 = try truth(a.get(-1, "reverse0") ?? .bool(false), at: loc)
    let dtype = try dtypeArgument(a.get(-1, "dtype"), at: loc)
    let shape = data.view.shape
    let mask = try maskConditions(a.get(-1, "mask"), rank: shape.count, shape: shape, at: loc)
    if fn == "scalar_tensor_tensor" {
      let op1 = try aluOp(of: try a.require(3, "op1"), at: loc)
      let operand1 = try tensorArgument(try a.require(4, "operand1"), "operand1", of: "nisa.\(fn)", at: loc)
      let reverse1 = try truth(a.get(-1, "reverse1") ?? .bool(false), at: loc)
      let outType = dtype ?? NKIRules.promote(decl(data).dtype, decl(operand1).dtype)
      let dst = try newTensor(shape, outType, .sbuf, at: loc)
      let op = Operation.scalarTensorTensor(
        dst: dst.view, src: data.view, op0: op0, operand0: operand0, reverse0: reverse0, op1: op1,
        operand1: operand1.view, reverse1: reverse1)
      return fresh(dst, try emit(op, engine: .vector, mask: mask, at: loc))
    }
    let reduceOp = try aluOp(of: try a.require(3, "reduce_op"), at: loc)
    let reduceRes = try tensorArgument(try a.require(4, "reduce_res"), "reduce_res", of: "nisa.\(fn)", at: loc)
    let dst = try newTensor(shape, dtype ?? decl(data).dtype, .sbuf, at: loc)
    let op = Operation.tensorScalarReduce(
      dst: dst.view, src: data.view, op0: op0, operand0: operand0, reverse0: reverse0, reduceOp: reduceOp,
      reduceDst: reduceRes.view)
    return fresh(dst, try emit(op, engine: .vector, mask: mask, at: loc))
  }
}
