import TesselIR

extension NKIRules {
  /// The ALU operation an instruction stage (`op0=`/`operand0=` of `tensor_scalar`,
  /// `tensor_scalar_reduce`, `scalar_tensor_tensor`) performs when the kernel passes the unary
  /// `nl.abs`: `|data|`, which is `abs_max(data, 0)`.
  ///
  /// NKI lists `abs` among the ALU operators that take one input; its stage still names an
  /// operand, which only `0.0` leaves without effect, so any other operand is refused rather than
  /// guessed at.
  ///
  /// - Throws: ``KernelError`` (`invalidOp`) when `operand` is not the scalar 0.
  public static func absoluteValueStage(
    operand: Operand, opName: String, operandName: String, operation: String
  ) throws(KernelError) -> ALUOp {
    guard operand == .scalar(0) else {
      throw KernelError(
        .invalidOp(op: "nl.abs", reason: "an absolute value as \(opName) takes \(operandName)=0.0"),
        operation: operation)
    }
    return .absMax
  }
}
