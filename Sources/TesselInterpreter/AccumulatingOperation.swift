import TesselIR

/// An operation that writes an accumulator operand (`OperandRole.accumulator`) as its
/// `accumulation` says: overwriting it, adding into it, or as an accumulation group.
protocol AccumulatingOperation {
  /// How the result combines with what the accumulator holds.
  var accumulation: Accumulation { get }
}

extension Operation.Matmul: AccumulatingOperation {}
extension Operation.MatmulMX: AccumulatingOperation {}
