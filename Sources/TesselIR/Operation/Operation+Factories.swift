// The operations with their operands as labels, for the front ends: `.load(dst: t, src: x)`.
// Each builds its case's payload; the payloads' own files document the operations.

extension Operation {
  /// `nl.load(src)`: HBM → SBUF (``Load``).
  public static func load(dst: View, src: View) -> Operation { .load(Unary(dst: dst, src: src)) }

  /// `nl.store(dst, value)`: SBUF or PSUM → HBM (``Store``).
  public static func store(dst: View, src: View) -> Operation { .store(Unary(dst: dst, src: src)) }

  /// `nisa.dma_copy(dst=, src=)` (``DMACopy``).
  public static func dmaCopy(dst: View, src: View) -> Operation { .dmaCopy(Unary(dst: dst, src: src)) }

  /// `nl.load_transpose2d(src)` (``LoadTranspose``).
  public static func loadTranspose(dst: View, src: View) -> Operation { .loadTranspose(Unary(dst: dst, src: src)) }

  /// A DMA gathering (`side: .source`) or scattering (`side: .destination`) by the indices of an
  /// `[P, 1]` tile (``IndirectDMA``).
  public static func indirectDMA(
    dst: View, src: View, indices: View, side: IndirectDMA.Side, offsetSteps: [Int],
    outOfBounds: IndirectDMA.OutOfBoundsMode = .error
  ) -> Operation {
    .indirectDMA(
      IndirectDMA(dst: dst, src: src, indices: indices, side: side, offsetSteps: offsetSteps, outOfBounds: outOfBounds))
  }

  /// `nisa.nc_matmul(stationary, moving)` (``Matmul``).
  public static func matmul(
    dst: View, stationary: View, moving: View, accumulation: Accumulation, doubleRow: Bool = false,
    isTranspose: Bool = false
  ) -> Operation {
    .matmul(
      Matmul(
        dst: dst, stationary: stationary, moving: moving, accumulation: accumulation, doubleRow: doubleRow,
        isTranspose: isTranspose))
  }

  /// `nisa.nc_transpose(data)` (``Transpose``).
  public static func transpose(dst: View, src: View) -> Operation { .transpose(Unary(dst: dst, src: src)) }

  /// `nisa.tensor_tensor(data1, data2, op)` (``TensorTensor``).
  public static func tensorTensor(dst: View, a: View, b: View, op: ALUOp) -> Operation {
    .tensorTensor(TensorTensor(dst: dst, a: a, b: b, op: op))
  }

  /// `nisa.tensor_scalar(data, op0, operand0, reverse0, op1, operand1, reverse1)`
  /// (``TensorScalar``); the second stage is present when both `op1` and `operand1` are.
  public static func tensorScalar(
    dst: View, src: View, op0: ALUOp, operand0: Operand, reverse0: Bool, op1: ALUOp?, operand1: Operand?,
    reverse1: Bool
  ) -> Operation {
    let second = op1.flatMap { op in operand1.map { TensorScalar.Stage(op: op, operand: $0, reversed: reverse1) } }
    return .tensorScalar(
      TensorScalar(dst: dst, src: src, stage0: .init(op: op0, operand: operand0, reversed: reverse0), stage1: second))
  }

  /// `nisa.scalar_tensor_tensor(data, op0, operand0, op1, operand1, reverse0, reverse1)`
  /// (``ScalarTensorTensor``).
  public static func scalarTensorTensor(
    dst: View, src: View, op0: ALUOp, operand0: Operand, reverse0: Bool, op1: ALUOp, operand1: View, reverse1: Bool
  ) -> Operation {
    .scalarTensorTensor(
      ScalarTensorTensor(
        dst: dst, src: src, stage0: .init(op: op0, operand: operand0, reversed: reverse0), op1: op1,
        operand1: operand1, reverse1: reverse1))
  }

  /// `nisa.tensor_scalar_reduce(data, op0, operand0, reduce_op, reduce_res, reverse0)`
  /// (``TensorScalarReduce``).
  public static func tensorScalarReduce(
    dst: View, src: View, op0: ALUOp, operand0: Operand, reverse0: Bool, reduceOp: ALUOp, reduceDst: View
  ) -> Operation {
    .tensorScalarReduce(
      TensorScalarReduce(
        dst: dst, src: src, stage: .init(op: op0, operand: operand0, reversed: reverse0), reduceOp: reduceOp,
        reduceDst: reduceDst))
  }

  /// `nisa.tensor_copy(src)` (``TensorCopy``).
  public static func tensorCopy(dst: View, src: View) -> Operation { .tensorCopy(Unary(dst: dst, src: src)) }

  /// `nisa.activation(op, data, bias, scale, reduce_op, reduce_res)` (``Activation``); the
  /// reduction is present when both `reduceOp` and `reduceDst` are.
  public static func activation(
    dst: View, src: View, function: ActivationFunction, scale: Operand, bias: View?, reduceOp: ALUOp?,
    reduceDst: View?
  ) -> Operation {
    let reduce = reduceOp.flatMap { op in reduceDst.map { Activation.Reduction(op: op, dst: $0) } }
    return .activation(
      Activation(dst: dst, src: src, function: function, scale: scale, bias: bias, reduce: reduce))
  }

  /// A bitcast view's bytes moved between the view's copy and its base (``Bitcast``).
  public static func bitcast(dst: View, src: View) -> Operation { .bitcast(Unary(dst: dst, src: src)) }
  /// `nisa.reciprocal(data)` (``Reciprocal``).
  public static func reciprocal(dst: View, src: View) -> Operation { .reciprocal(Unary(dst: dst, src: src)) }

  /// `nisa.memset(shape, value, dtype)` (``Memset``).
  public static func memset(dst: View, value: Float) -> Operation { .memset(Memset(dst: dst, value: value)) }

  /// `nisa.iota(expr, dtype)` (``Iota``).
  public static func iota(dst: View, expression: AffineCondition) -> Operation {
    .iota(Iota(dst: dst, expression: expression))
  }

  /// `nisa.affine_select(pred, on_true_tile, on_false_value)` (``AffineSelect``).
  public static func affineSelect(dst: View, predicate: AffineCondition, onTrue: View, onFalse: Float) -> Operation {
    .affineSelect(AffineSelect(dst: dst, predicate: predicate, onTrue: onTrue, onFalse: onFalse))
  }

  /// `nl.where(condition, x, y)` (``Select``).
  public static func select(dst: View, predicate: View, onTrue: Operand, onFalse: Operand) -> Operation {
    .select(Select(dst: dst, predicate: predicate, onTrue: onTrue, onFalse: onFalse))
  }

  /// `nl.broadcast_to(src, shape)` (``Broadcast``).
  public static func broadcast(dst: View, src: View) -> Operation { .broadcast(Unary(dst: dst, src: src)) }

  /// `nisa.tensor_reduce(op, data, axis, negate)` (``TensorReduce``).
  public static func tensorReduce(dst: View, src: View, op: ALUOp, axes: [Int], negate: Bool) -> Operation {
    .tensorReduce(TensorReduce(dst: dst, src: src, op: op, axes: axes, negate: negate))
  }

  /// `nisa.tensor_partition_reduce(op, data)` (``TensorPartitionReduce``).
  public static func tensorPartitionReduce(dst: View, src: View, op: ALUOp) -> Operation {
    .tensorPartitionReduce(TensorPartitionReduce(dst: dst, src: src, op: op))
  }

  /// `nisa.tensor_tensor_scan(data0, data1, initial, op0, op1)` (``TensorTensorScan``).
  public static func tensorTensorScan(
    dst: View, data0: View, data1: View, initial: Operand, op0: ALUOp, op1: ALUOp
  ) -> Operation {
    .tensorTensorScan(TensorTensorScan(dst: dst, data0: data0, data1: data1, initial: initial, op0: op0, op1: op1))
  }

  /// `nisa.bn_stats(data)` (``BNStats``).
  public static func bnStats(dst: View, src: View) -> Operation { .bnStats(Unary(dst: dst, src: src)) }

  /// `nisa.bn_aggr(data)` (``BNAggr``).
  public static func bnAggr(dst: View, src: View) -> Operation { .bnAggr(Unary(dst: dst, src: src)) }
}
