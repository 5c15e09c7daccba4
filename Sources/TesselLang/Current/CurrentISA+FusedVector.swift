import TesselIR
import TesselPython

/// The fused Vector-engine functions of the current dialect, on the IR operations the legacy
/// binding shares.
extension CurrentISA {
  /// `nisa.scalar_tensor_tensor(dst, data, op0, operand0, op1, operand1)`:
  /// `dst = (data op0 operand0) op1 operand1`, `operand0` a number or a `[P, 1]` tensor and
  /// `operand1` a tensor of `data`'s shape.
  static func scalarTensorTensor(_ a: CurrentArguments) throws(TraceError) -> Value {
    let (d, s) = try a.tracer.aligned(try a.view("dst"), try a.view("data"), at: a.location)
    let (op0, o0) = try a.stage("op0", "operand0")
    let (_, o1) = try a.tracer.aligned(d, try a.view("operand1"), at: a.location)
    a.tracer.emit(
      .scalarTensorTensor(
        dst: d, src: s, op0: op0, operand0: o0, reverse0: try a.bool("reverse0", default: false),
        op1: try a.alu("op1"), operand1: o1, reverse1: try a.bool("reverse1", default: false)),
      engine: .vector, at: a.location)
    return .none
  }

  /// `nisa.tensor_scalar_reduce(dst, data, op0, operand0, reduce_op, reduce_res)`:
  /// `dst = data op0 operand0`, and `reduce_res` (`[P, 1]`) the reduction of each partition's row.
  static func tensorScalarReduce(_ a: CurrentArguments) throws(TraceError) -> Value {
    let (d, s) = try a.tracer.aligned(try a.view("dst"), try a.view("data"), at: a.location)
    let (op0, o0) = try a.stage("op0", "operand0")
    a.tracer.emit(
      .tensorScalarReduce(
        dst: d, src: s, op0: op0, operand0: o0, reverse0: try a.bool("reverse0", default: false),
        reduceOp: try a.alu("reduce_op"), reduceDst: try a.view("reduce_res")),
      engine: .vector, at: a.location)
    return .none
  }
}
