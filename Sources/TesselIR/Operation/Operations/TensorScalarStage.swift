extension Operation.TensorScalar.Stage {
  /// `op operand`, with `(reversed)` after the operator when the operand is the left side.
  public func printed(_ f: IRFormat) -> String {
    "\(op.nkiName)\(reversed ? "(reversed)" : "") \(f.operand(operand))"
  }

  /// Checks a fused Vector-engine stage: an arithmetic operator, and a scalar or `[P, 1]` operand.
  func verifyFused(_ c: InstructionCheck, partitions: Int, extraOperators: [ALUOp] = []) throws(KernelError) {
    if let v = operand.view { try c.perPartitionVector(v, "operand0", partitions: partitions) }
    for alu in [op] + extraOperators where alu.isBitwise {
      throw c.fail(
        .invalidOp(op: alu.nkiName, reason: "\(c.instruction.operation.nkiName) supports arithmetic operators only"))
    }
  }
}
