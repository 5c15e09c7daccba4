import TesselIR
import TesselPython

/// The fused Vector-engine functions of the current dialect, on the IR operations the legacy
/// binding shares.
extension CurrentISA {
  /// `nisa.scalar_tensor_tensor(dst, data, op0, operand0, op1, operand1)`:
  /// `dst = (data op0 operand0) op1 operand1`, `operand0` a number or a `[P, 1]` tensor and
  /// `operand1` a tensor of `data`'s shape.
  static func scalarTensorTensor(_ a: CurrentArguments) throws(TraceError) -> Value {
    let f = try a.firstStage()
    let (_, o1) = try a.tracer.aligned(f.dst, try a.view("operand1"), at: a.location)
    a.tracer.emit(
      .scalarTensorTensor(
        dst: f.dst, src: f.data, op0: f.op, operand0: f.operand, reverse0: f.reverse, op1: try a.alu("op1"),
        operand1: o1, reverse1: try a.bool("reverse1", default: false)),
      engine: .vector, at: a.location)
    return .none
  }

  /// `nisa.tensor_scalar_reduce(dst, data, op0, operand0, reduce_op, reduce_res)`:
  /// `dst = data op0 operand0`, and `reduce_res` (`[P, 1]`) the reduction of each partition's row.
  static func tensorScalarReduce(_ a: CurrentArguments) throws(TraceError) -> Value {
    let f = try a.firstStage()
    a.tracer.emit(
      .tensorScalarReduce(
        dst: f.dst, src: f.data, op0: f.op, operand0: f.operand, reverse0: f.reverse,
        reduceOp: try a.alu("reduce_op"), reduceDst: try a.view("reduce_res")),
      engine: .vector, at: a.location)
    return .none
  }
}
