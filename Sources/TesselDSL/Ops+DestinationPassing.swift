import TesselIR
import TesselNKI

// The current NKI dialect's destination-passing ISA calls (`nki.isa`, NKI 0.6 signatures): each
// takes the view it writes as `into:` and records one instruction, creating no tile. Operands
// are regrouped to the destination's shape by the rule the NKI front end uses
// (`NKIRules.aligned`), and the destination's dtype decides the conversion.

/// Records a destination-passing instruction, its operands by default regrouped to `dst`'s shape.
///
/// `make` receives the operands' views in the current dialect's form (``NKIRules/canonicalView(_:)``),
/// destination first, aligned to the destination's shape (``NKIRules/aligned(_:)``) unless
/// `alignsShapes` is false (operations whose operands have shapes of their own: a partition
/// reduction's `[1, F]` result, a transpose, `nc_find_index8`'s 8 values).
@discardableResult
func destinationPassing(
  _ kind: String, _ operands: [any KernelTensor], extra: [TensorHandle] = [], engine: Engine? = nil,
  mask: Mask? = nil, alignsShapes: Bool = true, _ l: SourceLocation, _ make: ([View]) -> Operation
) -> KernelStatement {
  let canonical = operands.map { NKIRules.canonicalView($0.view) }
  let views = alignsShapes ? NKIRules.aligned(canonical) : canonical
  Emit.instruction(make(views), uses: operands.map(\.handle) + extra, engine: engine, mask: mask, l)
  return KernelStatement(kind: kind, location: l)
}

/// `nisa.tensor_copy(dst, src)`: copies an on-chip view into `dst`, converting to its dtype.
///
/// ```swift
/// tensorCopy(into: resultSBUF, resultPSUM)        // nisa.tensor_copy(dst=result_sbuf, src=result_psum)
/// ```
@discardableResult
public func tensorCopy<D: OnChipMemory, S: OnChipMemory>(
  into dst: Tile<D>, _ src: Tile<S>, engine: Engine? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> KernelStatement {
  destinationPassing(
    "tensor_copy", [dst, src], engine: engine,
    loc(fileID, line, column)
  ) { .tensorCopy(dst: $0[0], src: $0[1]) }
}

/// `nisa.tensor_tensor(dst, data1, data2, op)`: `dst = data1 op data2` elementwise.
///
/// ```swift
/// tensorTensor(into: sum[0 ..< p, 0 ..< f], a[0 ..< p, 0 ..< f], b[0 ..< p, 0 ..< f], op: .add)
/// ```
@discardableResult
public func tensorTensor<D: OnChipMemory, A: OnChipMemory, B: OnChipMemory>(
  into dst: Tile<D>, _ data1: Tile<A>, _ data2: Tile<B>, op: ALUOp, engine: Engine? = nil,
  fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> KernelStatement {
  destinationPassing(
    "tensor_tensor", [dst, data1, data2],
    engine: engine, loc(fileID, line, column)
  ) { .tensorTensor(dst: $0[0], a: $0[1], b: $0[2], op: op) }
}

/// `nisa.tensor_scalar(dst, data, op0, operand0, reverse0, op1, operand1, reverse1)`:
/// `dst = (data op0 operand0) op1 operand1`, each operand a number or a `[P, 1]` tile.
///
/// ```swift
/// tensorScalar(into: y, e, op0: .multiply, operand0: .tile(inverseSum))
/// ```
@discardableResult
public func tensorScalar<D: OnChipMemory, S: OnChipMemory>(
  into dst: Tile<D>, _ data: Tile<S>, op0: ALUOp, operand0: ScalarOperand, reverse0: Bool = false,
  op1: ALUOp? = nil, operand1: ScalarOperand? = nil, reverse1: Bool = false, engine: Engine? = nil,
  fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> KernelStatement {
  let l = loc(fileID, line, column)
  if (op1 == nil) != (operand1 == nil) {
    Emit.fail(.invalidOp(op: "op1", reason: "op1 and operand1 must be given together"), "tensor_scalar", l)
  }
  return destinationPassing(
    "tensor_scalar", [dst, data],
    extra: operand0.handles + (operand1?.handles ?? []), engine: engine, l
  ) {
    .tensorScalar(
      dst: $0[0], src: $0[1], op0: op0, operand0: operand0.canonical, reverse0: reverse0, op1: op1,
      operand1: operand1?.canonical, reverse1: reverse1)
  }
}

/// `nisa.tensor_reduce(dst, op, data, axis, negate, keepdims)`: reduces free axes of `data`
/// into `dst` (the kept dimensions, or size 1 on the reduced ones).
///
/// ```swift
/// tensorReduce(into: rowMax[0 ..< p, 0...], .maximum, t[0 ..< p, 0...], axes: [1], negate: true, keepDims: true)
/// ```
@discardableResult
public func tensorReduce<D: OnChipMemory, S: OnChipMemory>(
  into dst: Tile<D>, _ op: ALUOp, _ data: Tile<S>, axes: [Int], negate: Bool = false, keepDims: Bool = false,
  fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> KernelStatement {
  let l = loc(fileID, line, column)
  let rank = data.shape.count
  let axes = axes.map { $0 < 0 ? $0 + rank : $0 }
  let d = NKIRules.reductionDestination(
    NKIRules.canonicalView(dst.view), sourceShape: data.shape, axes: axes, keepDims: keepDims)
  Emit.instruction(
    .tensorReduce(dst: d, src: NKIRules.canonicalView(data.view), op: op, axes: axes, negate: negate),
    uses: [dst.handle, data.handle], l)
  return KernelStatement(kind: "tensor_reduce", location: l)
}

/// `nisa.tensor_partition_reduce(dst, op, data)`: reduces across partitions into `dst` (`[1, F]`).
///
/// ```swift
/// partitionReduce(into: total, .add, column)
/// ```
@discardableResult
public func partitionReduce<D: GpSimdAccessible, S: GpSimdAccessible>(
  into dst: Tile<D>, _ op: ALUOp, _ data: Tile<S>, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> KernelStatement {
  destinationPassing("tensor_partition_reduce", [dst, data], alignsShapes: false, loc(fileID, line, column)) {
    .tensorPartitionReduce(dst: $0[0], src: $0[1], op: op)
  }
}

/// `nisa.activation(dst, op, data, bias, scale, reduce_op, reduce_res)`:
/// `dst = f(data · scale + bias)` on the Scalar engine; with `reduceInto`, the per-partition
/// `reduceOp` of the result is also written there (`[P, 1]`).
///
/// ```swift
/// activation(into: e, .exp, t, bias: negMax, reduceOp: .add, reduceInto: rowSum)
/// ```
///
/// - Parameters:
///   - dst: The view written.
///   - function: The activation function.
///   - data: The input.
///   - bias: An optional `[P, 1]` tile added after scaling.
///   - scale: A number or a `[P, 1]` tile.
///   - reduceOp: The reduction written to `reduceInto` (given together with it).
///   - reduceInto: The `[P, 1]` reduction result.
@discardableResult
public func activation<D: OnChipMemory, S: OnChipMemory>(
  into dst: Tile<D>, _ function: ActivationFunction, _ data: Tile<S>, bias: Tile<SBUF>? = nil,
  scale: ScalarOperand = 1, reduceOp: ALUOp? = nil, reduceInto: Tile<SBUF>? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> KernelStatement {
  let l = loc(fileID, line, column)
  if reduceOp != nil && reduceInto == nil {
    Emit.fail(
      .invalidOp(op: "reduce_op", reason: "a reduction needs reduceInto: (NKI's reduce_res)"), "activation", l)
  }
  let extra = scale.handles + (bias.map { [$0.handle] } ?? []) + (reduceInto.map { [$0.handle] } ?? [])
  return destinationPassing("activation", [dst, data], extra: extra, l) {
    .activation(
      dst: $0[0], src: $0[1], function: function, scale: scale.canonical,
      bias: bias.map { NKIRules.canonicalView($0.view) },
      reduceOp: reduceInto == nil ? nil : reduceOp, reduceDst: reduceInto.map { NKIRules.canonicalView($0.view) })
  }
}

/// `nisa.reciprocal(dst, data)`: `dst = 1 / data` on the Vector engine.
///
/// ```swift
/// reciprocal(into: inverse, rowSum)
/// ```
@discardableResult
public func reciprocal<D: OnChipMemory, S: OnChipMemory>(
  into dst: Tile<D>, _ data: Tile<S>, fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> KernelStatement {
  destinationPassing("reciprocal", [dst, data], loc(fileID, line, column)) {
    .reciprocal(dst: $0[0], src: $0[1])
  }
}

/// `nisa.nc_transpose(dst, data)`: `dst = dataᵀ` on the Tensor engine (SBUF → PSUM, both sides
/// ≤ 128), or on the Vector engine (`engine: .vector`, ≤ 32×32).
///
/// ```swift
/// transpose(into: kT, kTile)
/// ```
@discardableResult
public func transpose<D: OnChipMemory, S: OnChipMemory>(
  into dst: Tile<D>, _ data: Tile<S>, engine: Engine = .tensor, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> KernelStatement {
  destinationPassing("nc_transpose", [dst, data], engine: engine, alignsShapes: false, loc(fileID, line, column)) {
    .transpose(dst: $0[0], src: $0[1])
  }
}

/// `nisa.scalar_tensor_tensor(dst, data, op0, operand0, op1, operand1, reverse0, reverse1)`:
/// `dst = (data op0 operand0) op1 operand1` on the Vector engine, `operand0` a number or a
/// `[P, 1]` tile, `operand1` a tile of the data's shape.
///
/// ```swift
/// scalarTensorTensor(into: s, x, op0: .multiply, operand0: 2.0, op1: .add, operand1: y)
/// ```
@discardableResult
public func scalarTensorTensor<D: OnChipMemory, S: OnChipMemory, T: OnChipMemory>(
  into dst: Tile<D>, _ data: Tile<S>, op0: ALUOp, operand0: ScalarOperand, op1: ALUOp, operand1: Tile<T>,
  reverse0: Bool = false, reverse1: Bool = false, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> KernelStatement {
  destinationPassing(
    "scalar_tensor_tensor", [dst, data, operand1],
    extra: operand0.handles, engine: .vector, loc(fileID, line, column)
  ) {
    .scalarTensorTensor(
      dst: $0[0], src: $0[1], op0: op0, operand0: operand0.canonical, reverse0: reverse0, op1: op1, operand1: $0[2],
      reverse1: reverse1)
  }
}

/// `nisa.tensor_scalar_reduce(dst, data, op0, operand0, reduce_op, reduce_res, reverse0)`:
/// `dst = data op0 operand0`, and the per-partition `reduceOp` of the result into `reduceInto`.
///
/// ```swift
/// tensorScalarReduce(into: m, x, op0: .absMax, operand0: 0.0, reduceOp: .maximum, reduceInto: rowMax)
/// ```
@discardableResult
public func tensorScalarReduce<D: OnChipMemory, S: OnChipMemory>(
  into dst: Tile<D>, _ data: Tile<S>, op0: ALUOp, operand0: ScalarOperand, reduceOp: ALUOp,
  reduceInto: Tile<SBUF>, reverse0: Bool = false, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> KernelStatement {
  destinationPassing(
    "tensor_scalar_reduce", [dst, data],
    extra: operand0.handles + [reduceInto.handle], engine: .vector, loc(fileID, line, column)
  ) {
    .tensorScalarReduce(
      dst: $0[0], src: $0[1], op0: op0, operand0: operand0.canonical, reverse0: reverse0, reduceOp: reduceOp,
      reduceDst: NKIRules.canonicalView(reduceInto.view))
  }
}

/// `nisa.tensor_tensor_scan(dst, data0, data1, initial, op0, op1)`: the running
/// `x[t] = (x[t-1] op0 data0[t]) op1 data1[t]` along the free axis, from `initial`.
///
/// ```swift
/// tensorTensorScan(into: states, decay, inputs, initial: 0.0, op0: .multiply, op1: .add)
/// ```
@discardableResult
public func tensorTensorScan<D: OnChipMemory, A: OnChipMemory, B: OnChipMemory>(
  into dst: Tile<D>, _ data0: Tile<A>, _ data1: Tile<B>, initial: ScalarOperand, op0: ALUOp, op1: ALUOp,
  fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> KernelStatement {
  destinationPassing(
    "tensor_tensor_scan", [dst, data0, data1],
    extra: initial.handles, loc(fileID, line, column)
  ) { .tensorTensorScan(dst: $0[0], data0: $0[1], data1: $0[2], initial: initial.canonical, op0: op0, op1: op1) }
}

/// `nisa.bn_stats(dst, data)`: per-partition mean/variance statistics of `data` into `dst`.
///
/// ```swift
/// bnStats(into: stats, x)
/// ```
@discardableResult
public func bnStats<D: OnChipMemory, S: OnChipMemory>(
  into dst: Tile<D>, _ data: Tile<S>, fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> KernelStatement {
  destinationPassing("bn_stats", [dst, data], loc(fileID, line, column)) {
    .bnStats(dst: $0[0], src: $0[1])
  }
}

/// `nisa.bn_aggr(dst, data)`: combines `bn_stats` results into mean and variance (`[P, 2]`).
///
/// ```swift
/// bnAggr(into: meanVar, stats)
/// ```
@discardableResult
public func bnAggr<D: OnChipMemory, S: OnChipMemory>(
  into dst: Tile<D>, _ data: Tile<S>, fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> KernelStatement {
  destinationPassing("bn_aggr", [dst, data], loc(fileID, line, column)) {
    .bnAggr(dst: $0[0], src: $0[1])
  }
}

/// `nisa.max8(dst, src)`: the 8 largest values of each partition's row, in descending order.
///
/// ```swift
/// max8(into: top, x)          // top: [P, 8]
/// ```
@discardableResult
public func max8<D: OnChipMemory, S: OnChipMemory>(
  into dst: Tile<D>, _ src: Tile<S>, fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> KernelStatement {
  destinationPassing("max8", [dst, src], loc(fileID, line, column)) {
    .max8(dst: $0[0], src: $0[1])
  }
}

/// `nisa.nc_find_index8(dst, data, vals)`: for each of the 8 values of `vals`, the index of its
/// first occurrence in the partition's row of `data`.
///
/// ```swift
/// findIndex8(into: indices, x, values: top)
/// ```
@discardableResult
public func findIndex8<D: OnChipMemory, S: OnChipMemory, V: OnChipMemory>(
  into dst: Tile<D>, _ data: Tile<S>, values: Tile<V>, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> KernelStatement {
  destinationPassing("nc_find_index8", [dst, data, values], alignsShapes: false, loc(fileID, line, column)) {
    .findIndex8(dst: $0[0], data: $0[1], vals: $0[2])
  }
}

/// `nisa.dma_transpose(dst, src, axes)`: a DMA that permutes the dimensions of `src` (2-D:
/// `[1, 0]`, the default) into `dst`.
///
/// ```swift
/// dmaTranspose(dst: xT, src: x[0 ..< r, 0 ..< c])
/// ```
@discardableResult
public func dmaTranspose<D: KernelTensor, S: KernelTensor>(
  dst: D, src: S, axes: [Int]? = nil, fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> KernelStatement {
  let axes = axes ?? NKIRules.defaultTransposeAxes(rank: src.shape.count)
  return destinationPassing("dma_transpose", [dst, src], alignsShapes: false, loc(fileID, line, column)) {
    .dmaTranspose(dst: $0[0], src: $0[1], axes: axes)
  }
}
