import TesselIR

/// `nisa.scalar_tensor_tensor(data, op0, operand0, op1, operand1, reverse0, reverse1)`:
/// `(data op0 operand0) op1 operand1` on the Vector engine, into a new SBUF tile; `operand0` is a
/// scalar or `[P, 1]` tile, `operand1` a tile of the data's shape.
///
/// ```swift
/// let dx = scalarTensorTensor(dy, op0: .subtract, operand0: .tile(rowDot), op1: .multiply, operand1: y)
/// ```
///
/// - Parameters:
///   - data: The tile.
///   - op0: The first operation, with `operand0`.
///   - operand0: Its scalar or `[P, 1]` operand.
///   - reverse0: Computes `operand0 op0 data` instead.
///   - op1: The second operation, applied to the first one's result and `operand1`.
///   - operand1: A tile of the data's shape.
///   - reverse1: Computes `operand1 op1 x` instead.
///   - dtype: The result dtype; defaults to the data's.
///   - mask: Restricts the elements computed.
/// - Returns: The result tile.
public func scalarTensorTensor<S: OnChipMemory, T: OnChipMemory>(
  _ data: Tile<S>, op0: ALUOp, operand0: ScalarOperand, reverse0: Bool = false, op1: ALUOp, operand1: Tile<T>,
  reverse1: Bool = false, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  Emit.result(
    "scalar_tensor_tensor", data.shape, dtype ?? data.dtype, uses: [data.handle] + operand0.handles + [operand1.handle],
    mask: mask, loc(fileID, line, column)
  ) {
    .scalarTensorTensor(
      dst: $0, src: data.view, op0: op0, operand0: operand0.operand, reverse0: reverse0, op1: op1,
      operand1: operand1.view, reverse1: reverse1)
  }
}

/// `nisa.tensor_scalar_reduce(data, op0, operand0, reduce_op, reduce_res, reverse0)`:
/// `data op0 operand0` into a new SBUF tile, and the per-partition `reduceOp` of the result
/// written to `reduceInto` (`[P, 1]`).
///
/// ```swift
/// let copied = tensorScalarReduce(scores, op0: .multiply, operand0: 1.0, reduceOp: .maximum, reduceInto: rowMax)
/// ```
@discardableResult
public func tensorScalarReduce<S: OnChipMemory>(
  _ data: Tile<S>, op0: ALUOp, operand0: ScalarOperand, reverse0: Bool = false, reduceOp: ALUOp,
  reduceInto: Tile<SBUF>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  Emit.result(
    "tensor_scalar_reduce", data.shape, dtype ?? data.dtype,
    uses: [data.handle] + operand0.handles + [reduceInto.handle],
    mask: mask, loc(fileID, line, column)
  ) {
    .tensorScalarReduce(
      dst: $0, src: data.view, op0: op0, operand0: operand0.operand, reverse0: reverse0, reduceOp: reduceOp,
      reduceDst: reduceInto.view)
  }
}
