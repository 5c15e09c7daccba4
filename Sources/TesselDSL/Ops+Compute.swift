import TesselIR
import TesselNKI

// MARK: - tensor_tensor / tensor_scalar / copies

/// `nisa.tensor_tensor(data1, data2, op)`: `a op b` elementwise into a new SBUF tile.
///
/// A `[P, 1]` operand broadcasts along the free dimensions. The result's dtype is `dtype`, or
/// NKI's promotion of the operands' dtypes (comparisons and logical ops give `bool`).
///
/// ```swift
/// let sum = tensorTensor(a, b, op: .add)        // nl.add(a, b)
/// ```
///
/// - Parameters:
///   - a: The first operand (SBUF or PSUM).
///   - b: The second operand.
///   - op: The ALU operation.
///   - dtype: The result dtype.
///   - mask: Restricts the elements computed.
///   - engine: The engine (Vector by default; GpSimd cannot read PSUM).
/// - Returns: The result tile.
public func tensorTensor<A: OnChipMemory, B: OnChipMemory>(
  _ a: Tile<A>, _ b: Tile<B>, op: ALUOp, dtype: DType? = nil, mask: Mask? = nil,
  engine: Engine? = nil, fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  binary(a.handle, a.view, b.handle, b.view, op, dtype, mask, engine, loc(fileID, line, column))
}

/// `a op b` on two tiles (``ElementwiseBinary``: `tensor_tensor`, or `tensor_scalar` for a
/// `[P, 1]` column) into a new SBUF tile.
func binary(
  _ ah: TensorHandle, _ av: View, _ bh: TensorHandle, _ bv: View, _ op: ALUOp, _ dtype: DType?,
  _ mask: Mask?, _ engine: Engine?, _ l: SourceLocation
) -> Tile<SBUF> {
  elementwise(op, .tile(av, ah.decl.dtype), .tile(bv, bh.decl.dtype), [ah, bh], dtype, mask, engine, l)
}

/// `tile op x` (or `x op tile` when `reverse`) with a Swift `Float`, a weakly typed fp32 scalar.
func scalarBinary(
  _ h: TensorHandle, _ v: View, _ op: ALUOp, _ x: Float, reverse: Bool, _ dtype: DType?, _ mask: Mask?,
  _ l: SourceLocation
) -> Tile<SBUF> {
  let tile = ElementwiseBinary.Input.tile(v, h.decl.dtype)
  let scalar = ElementwiseBinary.Input.scalar(x, .float)
  return elementwise(op, reverse ? scalar : tile, reverse ? tile : scalar, [h], dtype, mask, nil, l)
}

/// Plans an elementwise call with NKI's rules, declares its result tile and records it.
func elementwise(
  _ op: ALUOp, _ a: ElementwiseBinary.Input, _ b: ElementwiseBinary.Input, _ handles: [TensorHandle],
  _ dtype: DType?, _ mask: Mask?, _ engine: Engine?, _ l: SourceLocation
) -> Tile<SBUF> {
  do {
    let plan = try ElementwiseBinary(op, a, b, dtype: dtype)
    var column: Tile<SBUF>?
    if let pb = plan.partitionBroadcast {
      // A one-partition tile against more partitions: copied to every partition first, under
      // the conditions of the call's mask that the copy carries (NKI's rule in TesselNKI). A mask
      // naming an axis the call lacks is reported once, by the operation itself.
      let c = Emit.tile("broadcast_to", pb.shape, pb.dtype, SBUF.self, l)
      let rank = pb.shape.count
      let carried = mask.map { $0.highestAxis < rank ? plan.broadcastMask($0.lowered(rank: rank)) : [] } ?? []
      Emit.instruction(.broadcast(dst: c.view, src: pb.source), uses: [c.handle] + handles, conditions: carried, l)
      column = c
    }
    let t = Emit.tile(op.nkiName, plan.shape, plan.dtype, SBUF.self, l)
    let uses = [t.handle] + handles + (column.map { [$0.handle] } ?? [])
    Emit.instruction(
      plan.operation(writing: t.view, broadcast: column?.view), uses: uses, engine: engine, mask: mask, l)
    return t
  } catch {
    Emit.fail(error, l)
    let shape = handles.first?.decl.shape ?? [1, 1]
    return Emit.tile(op.nkiName, shape, dtype ?? .float32, SBUF.self, l)
  }
}

/// `nisa.tensor_scalar(data, op0, operand0, reverse0, op1, operand1, reverse1)`:
/// `(data op0 operand0) op1 operand1` with scalar or `[P, 1]` operands, into a new SBUF tile.
///
/// ```swift
/// let normed = tensorScalar(x, op0: .subtract, operand0: .tile(mean),
///                           op1: .multiply, operand1: .tile(invStd))
/// ```
///
/// - Parameters:
///   - data: The tile.
///   - op0: The first operation.
///   - operand0: Its scalar or `[P, 1]` operand.
///   - reverse0: Computes `operand0 op0 data` instead.
///   - op1: An optional second operation.
///   - operand1: Its operand (given exactly when `op1` is).
///   - reverse1: Computes `operand1 op1 x` instead.
///   - dtype: The result dtype; defaults to the data's.
///   - mask: Restricts the elements computed.
///   - engine: The engine (Vector by default).
/// - Returns: The result tile.
public func tensorScalar<S: OnChipMemory>(
  _ data: Tile<S>, op0: ALUOp, operand0: ScalarOperand, reverse0: Bool = false, op1: ALUOp? = nil,
  operand1: ScalarOperand? = nil, reverse1: Bool = false, dtype: DType? = nil, mask: Mask? = nil,
  engine: Engine? = nil, fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  let l = loc(fileID, line, column)
  if (op1 == nil) != (operand1 == nil) {
    Emit.fail(.invalidOp(op: "op1", reason: "op1 and operand1 must be given together"), "tensor_scalar", l)
  }
  let t = Emit.tile("tensor_scalar", data.shape, dtype ?? data.dtype, SBUF.self, l)
  Emit.instruction(
    .tensorScalar(
      dst: t.view, src: data.view, op0: op0, operand0: operand0.operand, reverse0: reverse0, op1: op1,
      operand1: operand1?.operand, reverse1: reverse1),
    uses: [t.handle, data.handle] + operand0.handles + (operand1?.handles ?? []), engine: engine, mask: mask, l)
  return t
}

/// `nl.copy(x, dtype=)` / `nisa.tensor_copy(src)`: copies (and converts) a tile into a new SBUF
/// tile; the usual way from PSUM back to SBUF.
///
/// ```swift
/// let resSBUF = copy(resPsum, dtype: .bfloat16)
/// ```
public func copy<S: OnChipMemory>(
  _ src: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, engine: Engine? = nil,
  fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  let l = loc(fileID, line, column)
  let t = Emit.tile("copy", src.shape, dtype ?? src.dtype, SBUF.self, l)
  Emit.instruction(
    .tensorCopy(dst: t.view, src: src.view), uses: [t.handle, src.handle], engine: engine, mask: mask, l)
  return t
}

/// `nisa.tensor_copy(src)`: the ISA spelling of ``copy(_:dtype:mask:engine:fileID:line:column:)``.
///
/// ```swift
/// let t = tensorCopy(psumTile)
/// ```
public func tensorCopy<S: OnChipMemory>(
  _ src: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, engine: Engine? = nil,
  fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  copy(src, dtype: dtype, mask: mask, engine: engine, fileID: fileID, line: line, column: column)
}

extension Tile {
  /// `tile[...] = value`: copies `value` into this view (one `tensor_copy`, converting to this
  /// tile's dtype; a `[P, 1]` value broadcasts).
  ///
  /// ```swift
  /// acc[0..., t, bn * 512 ..+ 512].assign(add(acc[0..., t, bn * 512 ..+ 512], resPsum))
  /// ```
  @discardableResult
  public func assign<V: OnChipMemory>(
    _ value: Tile<V>, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line, column: Int = #column
  ) -> KernelStatement {
    let l = loc(fileID, line, column)
    guard let src = NKIRules.broadcast(value.view, to: view.shape) else {
      Emit.fail(.shapeMismatch(operands: ["dst", "value"], shapes: [view.shape, value.shape]), "tensor_copy", l)
      return KernelStatement(kind: "tensor_copy", location: l)
    }
    Emit.instruction(.tensorCopy(dst: view, src: src), uses: [handle, value.handle], mask: mask, l)
    return KernelStatement(kind: "tensor_copy", location: l)
  }

  /// `tile.broadcast_to(shape)` / `nl.broadcast_to(tile, shape)`: repeats size-1 dimensions (the
  /// partition dimension of a `[1, F]` row, or free dimensions) into a new SBUF tile.
  ///
  /// ```swift
  /// let weights = load(weight.reshaped([1, cols])).broadcasted(to: [128, cols])
  /// ```
  public func broadcasted(
    to shape: [Int], fileID: String = #fileID, line: Int = #line, column: Int = #column
  ) -> Tile<SBUF> {
    let l = loc(fileID, line, column)
    let t = Emit.tile("broadcast_to", shape, dtype, SBUF.self, l)
    guard let src = NKIRules.broadcast(view, to: shape) else {
      Emit.fail(.shapeMismatch(operands: ["src", "shape"], shapes: [self.shape, shape]), "broadcast_to", l)
      return t
    }
    Emit.instruction(.broadcast(dst: t.view, src: src), uses: [t.handle, handle], l)
    return t
  }
}

/// `nl.reciprocal(x)` / `nisa.reciprocal(data)`: `1 / x` on the Vector engine, into a new SBUF tile.
///
/// ```swift
/// let invSum = reciprocal(rowSum)
/// ```
public func reciprocal<S: OnChipMemory>(
  _ data: Tile<S>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  let l = loc(fileID, line, column)
  let t = Emit.tile("reciprocal", data.shape, dtype ?? data.dtype, SBUF.self, l)
  Emit.instruction(.reciprocal(dst: t.view, src: data.view), uses: [t.handle, data.handle], mask: mask, l)
  return t
}

/// `nl.where(condition, x, y)`: `condition != 0 ? x : y` elementwise, into a new SBUF tile.
///
/// ```swift
/// let clipped = select(greater(x, 0), x, 0)      // relu
/// ```
public func select<P: OnChipMemory>(
  _ condition: Tile<P>, _ onTrue: ScalarOperand, _ onFalse: ScalarOperand, dtype: DType? = nil,
  mask: Mask? = nil, fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  let l = loc(fileID, line, column)
  let branches = (onTrue.handles + onFalse.handles).map(\.decl.dtype)
  let t = Emit.tile(
    "where", condition.shape, NKIRules.whereDType(tileBranches: branches, explicit: dtype), SBUF.self, l)
  Emit.instruction(
    .select(dst: t.view, predicate: condition.view, onTrue: onTrue.operand, onFalse: onFalse.operand),
    uses: [t.handle, condition.handle] + onTrue.handles + onFalse.handles, mask: mask, l)
  return t
}

/// `nl.where(condition, x, y)` with tile branches.
///
/// ```swift
/// let m = select(less(a, b), a, b)     // elementwise minimum
/// ```
public func select<P: OnChipMemory, T: OnChipMemory, F: OnChipMemory>(
  _ condition: Tile<P>, _ onTrue: Tile<T>, _ onFalse: Tile<F>, dtype: DType? = nil, mask: Mask? = nil,
  fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  select(
    condition, .tile(onTrue), .tile(onFalse), dtype: dtype,
    mask: mask, fileID: fileID, line: line, column: column)
}

// MARK: - GpSimd

/// `nisa.affine_select(pred, on_true_tile, on_false_value)` on the GpSimd engine (SBUF only):
/// keeps `onTrue` where the affine predicate holds, `onFalse` elsewhere (a causal mask).
///
/// ```swift
/// let p = GridIndex.partition, f = GridIndex.free
/// let masked = affineSelect(qt * 128 + p >= kt * 128 + f, onTrue: scores, onFalse: -9984)
/// ```
///
/// - Parameters:
///   - predicate: One affine comparison over the tile's iteration axes.
///   - onTrue: The SBUF tile kept where the predicate holds.
///   - onFalse: The value elsewhere.
///   - dtype: The result dtype; defaults to `onTrue`'s.
/// - Returns: A new SBUF tile.
public func affineSelect<S: GpSimdAccessible>(
  _ predicate: Mask, onTrue: Tile<S>, onFalse: Float, dtype: DType? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  affineSelect(predicate, onTrue.handle, onTrue.view, onFalse, dtype, nil, loc(fileID, line, column))
}

/// `nisa.affine_select` reading a PSUM tile, on an engine that may read PSUM (not GpSimd).
///
/// ```swift
/// let masked = affineSelect(causal, onTrue: sPsum, onFalse: -9984, engine: .vector)
/// ```
public func affineSelect(
  _ predicate: Mask, onTrue: Tile<PSUM>, onFalse: Float, dtype: DType? = nil, engine: PSUMEngine,
  fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  affineSelect(predicate, onTrue.handle, onTrue.view, onFalse, dtype, engine.engine, loc(fileID, line, column))
}

func affineSelect(
  _ predicate: Mask, _ h: TensorHandle, _ v: View, _ onFalse: Float, _ dtype: DType?, _ engine: Engine?,
  _ l: SourceLocation
) -> Tile<SBUF> {
  let t = Emit.tile("affine_select", v.shape, dtype ?? h.decl.dtype, SBUF.self, l)
  guard predicate.conditions.count == 1, let c = predicate.lowered(rank: v.shape.count).first,
    predicate.highestAxis < v.shape.count
  else {
    Emit.fail(
      .invalidMask("affine_select takes exactly one affine comparison over the tile's axes"), "affine_select", l)
    return t
  }
  Emit.instruction(
    .affineSelect(dst: t.view, predicate: c, onTrue: v, onFalse: onFalse), uses: [t.handle, h], engine: engine, l)
  return t
}

// MARK: - Activation

/// `nisa.activation(op, data, bias=, scale=)`: `f(data · scale + bias)` on the Scalar engine,
/// into a new SBUF tile (`nl.exp(x)` and the other `nl` math functions are this with scale 1).
///
/// ```swift
/// let e = activation(.exp, scores, bias: negMax)
/// ```
///
/// - Parameters:
///   - function: The activation function.
///   - data: The input tile.
///   - scale: An fp32 multiplier.
///   - bias: An optional `[P, 1]` SBUF vector added after scaling.
///   - dtype: The result dtype; defaults to the input's.
///   - mask: Restricts the elements computed.
/// - Returns: The result tile.
public func activation<S: OnChipMemory>(
  _ function: ActivationFunction, _ data: Tile<S>, scale: Float = 1, bias: Tile<SBUF>? = nil,
  dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  activationImpl(
    function, data.handle, data.view, .scalar(scale), [], bias, nil, dtype, mask, loc(fileID, line, column))
}

/// `nisa.activation(op, data, scale=vector)`: `f(data · scale[p] + bias)` with a `[P, 1]` fp32
/// scale per partition.
///
/// ```swift
/// let decay = activation(.exp, deltaTile, scale: aColumn)   // exp(delta · A[c, s])
/// ```
public func activation<S: OnChipMemory>(
  _ function: ActivationFunction, _ data: Tile<S>, scale: Tile<SBUF>, bias: Tile<SBUF>? = nil,
  dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  activationImpl(
    function, data.handle, data.view, .view(scale.view), [scale.handle], bias, nil, dtype, mask,
    loc(fileID, line, column))
}

/// `nisa.activation_reduce(op, data, reduce_op=nl.add, reduce_res=, bias=, scale=)`: the
/// activation, plus the per-partition sum of its result written to `reduceInto` (`[P, 1]`).
///
/// ```swift
/// let probs = activation(.exp, scores, bias: negMax, reduceInto: rowSum)
/// ```
@discardableResult
public func activation<S: OnChipMemory>(
  _ function: ActivationFunction, _ data: Tile<S>, scale: Float = 1, bias: Tile<SBUF>? = nil,
  reduceInto: Tile<SBUF>, dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID,
  line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  activationImpl(
    function, data.handle, data.view, .scalar(scale), [], bias, reduceInto, dtype, mask, loc(fileID, line, column))
}

func activationImpl(
  _ f: ActivationFunction, _ h: TensorHandle, _ v: View, _ scale: Operand, _ scaleHandles: [TensorHandle],
  _ bias: Tile<SBUF>?, _ reduce: Tile<SBUF>?, _ dtype: DType?, _ mask: Mask?, _ l: SourceLocation
) -> Tile<SBUF> {
  let t = Emit.tile(f.nkiName, v.shape, dtype ?? h.decl.dtype, SBUF.self, l)
  var uses = [t.handle, h] + scaleHandles
  if let bias { uses.append(bias.handle) }
  if let reduce { uses.append(reduce.handle) }
  Emit.instruction(
    .activation(
      dst: t.view, src: v, function: f, scale: scale, bias: bias?.view, reduceOp: reduce == nil ? nil : .add,
      reduceDst: reduce?.view),
    uses: uses, mask: mask, l)
  return t
}

// MARK: - Reductions

/// `nisa.tensor_reduce(op, data, axis, negate=, keepdims=)` (and `nl.sum`/`nl.max`/...): reduces
/// free axes into a new SBUF tile.
///
/// ```swift
/// let negMax = tensorReduce(.maximum, scores, axes: [1], negate: true, keepDims: true)  // [128, 1]
/// ```
///
/// - Parameters:
///   - op: A reducible ALU op (`add`, `maximum`, `minimum`, `multiply`, ...).
///   - data: The input tile.
///   - axes: Free axes (≥ 1) to reduce.
///   - negate: Negates the result.
///   - keepDims: Keeps reduced axes with size 1 (a `[P, 1]` result broadcasts in later ops).
///   - dtype: The result dtype; defaults to the input's.
///   - mask: Restricts the elements read (over the input's axes).
/// - Returns: The reduced tile.
public func tensorReduce<S: OnChipMemory>(
  _ op: ALUOp, _ data: Tile<S>, axes: [Int], negate: Bool = false, keepDims: Bool = false,
  dtype: DType? = nil, mask: Mask? = nil, fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  reduceImpl(
    op, data.handle, data.view, axes, negate, keepDims, dtype, mask, "tensor_reduce", loc(fileID, line, column))
}

func reduceImpl(
  _ op: ALUOp, _ h: TensorHandle, _ v: View, _ axes: [Int], _ negate: Bool, _ keepDims: Bool,
  _ dtype: DType?, _ mask: Mask?, _ prefix: String, _ l: SourceLocation
) -> Tile<SBUF> {
  let shape: [Int]
  do {
    shape = try NKIRules.reduceShape(v.shape, axes: axes, keepDims: keepDims)
  } catch {
    Emit.fail(error, l)
    shape = v.shape
  }
  let t = Emit.tile(prefix, shape, dtype ?? h.decl.dtype, SBUF.self, l)
  Emit.instruction(
    .tensorReduce(dst: t.view, src: v, op: op, axes: axes, negate: negate), uses: [t.handle, h], mask: mask, l)
  return t
}

/// `nl.mean(x, axis, keepdims=)`: a `tensor_reduce` with `add`, then a `tensor_scalar` multiply
/// by `1 / n` in place (two instructions, one tile).
///
/// ```swift
/// let mean = mean(x, axes: [1], keepDims: true)
/// ```
public func mean<S: OnChipMemory>(
  _ data: Tile<S>, axes: [Int], keepDims: Bool = false, dtype: DType? = nil, mask: Mask? = nil,
  fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  let l = loc(fileID, line, column)
  let t = reduceImpl(.add, data.handle, data.view, axes, false, keepDims, dtype, mask, "mean", l)
  let n = axes.reduce(1) { $0 * ($1 >= 0 && $1 < data.shape.count ? data.shape[$1] : 1) }
  Emit.instruction(
    .tensorScalar(
      dst: t.view, src: t.view, op0: .multiply, operand0: .scalar(1 / Float(n)), reverse0: false, op1: nil,
      operand1: nil, reverse1: false),
    uses: [t.handle], l)
  return t
}

/// `nisa.tensor_partition_reduce(op, data)`: reduces across partitions into a new `[1, F]` tile
/// (GpSimd engine, SBUF only).
///
/// ```swift
/// let columnSums = partitionReduce(.add, t)
/// ```
public func partitionReduce<S: GpSimdAccessible>(
  _ op: ALUOp, _ data: Tile<S>, dtype: DType? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column
) -> Tile<SBUF> {
  let l = loc(fileID, line, column)
  let t = Emit.tile("tensor_partition_reduce", [1] + data.shape.dropFirst(), dtype ?? data.dtype, SBUF.self, l)
  Emit.instruction(.tensorPartitionReduce(dst: t.view, src: data.view, op: op), uses: [t.handle, data.handle], l)
  return t
}

/// `nisa.tensor_tensor_scan(data0, data1, initial, op0, op1)`: per partition along the free axis,
/// `state = (data0[i] op0 state) op1 data1[i]`, every state written to a new SBUF tile.
///
/// ```swift
/// let states = tensorTensorScan(decay, drive, initial: .tile(scanInit), op0: .multiply, op1: .add)
/// ```
public func tensorTensorScan<A: OnChipMemory, B: OnChipMemory>(
  _ data0: Tile<A>, _ data1: Tile<B>, initial: ScalarOperand, op0: ALUOp, op1: ALUOp,
  dtype: DType? = nil, fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  let l = loc(fileID, line, column)
  let t = Emit.tile(
    "tensor_tensor_scan", data0.shape, dtype ?? NKIRules.promote(data0.dtype, data1.dtype), SBUF.self, l)
  Emit.instruction(
    .tensorTensorScan(dst: t.view, data0: data0.view, data1: data1.view, initial: initial.operand, op0: op0, op1: op1),
    uses: [t.handle, data0.handle, data1.handle] + initial.handles, l)
  return t
}

/// A batch-norm step (`bn_stats`, `bn_aggr`) of `data` into a new `[P, width]` tile.
func batchNorm<S: OnChipMemory>(
  _ kind: String, width: Int, _ data: Tile<S>, _ dtype: DType?, _ l: SourceLocation,
  _ make: (View, View) -> Operation
) -> Tile<SBUF> {
  let shape = [data.view.partitionCount, width]
  return Emit.result(kind, shape, dtype ?? data.dtype, uses: [data.handle], l) { make($0, data.view) }
}

/// `nisa.bn_stats(data)`: six batch-norm statistics per partition of a `[P, F ≤ 512]` tile,
/// into a new `[P, 6]` tile.
///
/// ```swift
/// let stats = bnStats(xTile[0..., c * 512 ..+ 512], dtype: .float32)
/// ```
public func bnStats<S: OnChipMemory>(
  _ data: Tile<S>, dtype: DType? = nil, fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  batchNorm("bn_stats", width: 6, data, dtype, loc(fileID, line, column), Operation.bnStats(dst:src:))
}

/// `nisa.bn_aggr(data)`: folds `[P, 6·k]` statistics into a new `[P, 2]` tile (mean, variance).
///
/// ```swift
/// let meanVar = bnAggr(stats)
/// let mean = meanVar[0..., 0 ..< 1]
/// ```
public func bnAggr<S: OnChipMemory>(
  _ data: Tile<S>, dtype: DType? = nil, fileID: String = #fileID, line: Int = #line, column: Int = #column
) -> Tile<SBUF> {
  batchNorm("bn_aggr", width: 2, data, dtype, loc(fileID, line, column), Operation.bnAggr(dst:src:))
}
