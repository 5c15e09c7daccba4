/// One tile-level operation of the IR; each case names its NKI spelling.
///
/// Operands are ``View``s of tensors in ``Kernel/tensors``. Every compute operation computes in
/// fp32 and rounds on write to the destination's dtype. The instruction's iteration space is the
/// destination's shape unless a case says otherwise; a mask (``Instruction/mask``) restricts it.
///
/// Every case but the loop markers carries an ``OperationPayload``: a struct with the operation's
/// operands and attributes, its row of the operation table (``OperationInfo``), its verifier rules
/// and its printed form, each in a file of its own under `Operation/Operations/`. Generic code
/// reads operations through ``payload`` and ``operands``; `Operation.load(dst:src:)` and its
/// siblings build them with the operands as labels.
public enum Operation: Sendable, Hashable, Codable {
  // MARK: - Structure

  /// Starts a structured loop (`for i in nl.affine_range(n):` / `nl.sequential_range`); the body
  /// runs up to the matching `loopEnd`.
  case loopBegin(Loop)
  /// Ends the loop that starts at instruction `begin`.
  case loopEnd(begin: Int)

  // MARK: - Data movement (DMA)

  /// `nl.load(src)`: HBM → SBUF (``Load``).
  case load(Unary<Load>)
  /// `nl.store(dst, value)`: SBUF or PSUM → HBM (``Store``).
  case store(Unary<Store>)
  /// `nisa.dma_copy(dst=, src=)`: a DMA between any two memories but PSUM (``DMACopy``).
  case dmaCopy(Unary<DMACopy>)
  /// `nl.load_transpose2d(src)`: a DMA transpose of a 2-D HBM block into SBUF (``LoadTranspose``).
  case loadTranspose(Unary<LoadTranspose>)
  /// `nl.load(t[…, idx, …])`, `nl.store(t[…, idx, …], value)`, `nisa.dma_copy` with a
  /// `vector_offset`: a DMA gathering or scattering HBM rows by indices held in an on-chip tile
  /// (``IndirectDMA``).
  case indirectDMA(IndirectDMA)

  // MARK: - Tensor engine

  /// `nisa.nc_matmul(stationary, moving)`: `dst[M, N] = stationary[K, M]ᵀ @ moving[K, N]` into
  /// PSUM (``Matmul``).
  case matmul(Matmul)
  /// `nisa.nc_transpose(data)` / `nl.transpose(x)`: `dst[F, P] = src[P, F]ᵀ` (``Transpose``).
  case transpose(Unary<Transpose>)

  // MARK: - Elementwise

  /// `nisa.tensor_tensor(data1, data2, op)`, `nl.add(x, y)`, …: `dst = a op b` (``TensorTensor``).
  case tensorTensor(TensorTensor)
  /// `nisa.tensor_scalar(data, op0, operand0, …)`: `dst = (data op0 operand0) op1 operand1`
  /// (``TensorScalar``).
  case tensorScalar(TensorScalar)
  /// `nisa.scalar_tensor_tensor(data, op0, operand0, op1, operand1)`:
  /// `dst = (data op0 operand0) op1 operand1` (``ScalarTensorTensor``).
  case scalarTensorTensor(ScalarTensorTensor)
  /// `nisa.tensor_scalar_reduce(data, op0, operand0, reduce_op, reduce_res)`: `dst = data op0
  /// operand0`, and its per-partition reduction into `reduce_res` (``TensorScalarReduce``).
  case tensorScalarReduce(TensorScalarReduce)
  /// `nisa.tensor_copy(src)`, `nl.copy(x)` and `t[...] = x`: `dst = src` (``TensorCopy``).
  case tensorCopy(Unary<TensorCopy>)
  /// `nisa.activation(op, data, bias, scale)`, `nl.exp(x)`, …: `dst = f(src·scale + bias)`
  /// (``Activation``).
  case activation(Activation)
  /// `nisa.reciprocal(data)` / `nl.reciprocal(x)`: `dst = 1 / src` (``Reciprocal``).
  case reciprocal(Unary<Reciprocal>)
  /// `nisa.memset(shape, value, dtype)`, `nl.zeros`/`nl.ones`/`nl.full`: `dst = value` (``Memset``).
  case memset(Memset)
  /// `nisa.iota(expr, dtype)`: `dst[i] = Σ_d coefficients[d]·i_d + offset` (``Iota``).
  case iota(Iota)
  /// `nisa.affine_select(pred, on_true_tile, on_false_value)` (``AffineSelect``).
  case affineSelect(AffineSelect)
  /// `nl.where(condition, x, y)`: `dst = predicate != 0 ? onTrue : onFalse` (``Select``).
  case select(Select)
  /// `nl.broadcast_to(src, shape)`: copies a `[1, F]` or `[P, 1]` tile across (``Broadcast``).
  case broadcast(Unary<Broadcast>)

  // MARK: - Reductions and scans

  /// `nisa.tensor_reduce(op, data, axis, negate, keepdims)`, `nl.sum(x, axis)`, …
  /// (``TensorReduce``).
  case tensorReduce(TensorReduce)
  /// `nisa.tensor_partition_reduce(op, data)`: reduces across partitions
  /// (``TensorPartitionReduce``).
  case tensorPartitionReduce(TensorPartitionReduce)
  /// `nisa.tensor_tensor_scan(data0, data1, initial, op0, op1)` (``TensorTensorScan``).
  case tensorTensorScan(TensorTensorScan)
  /// `nisa.bn_stats(data)`: 6 statistics per partition (``BNStats``).
  case bnStats(Unary<BNStats>)
  /// `nisa.bn_aggr(data)`: mean and variance from bn_stats groups (``BNAggr``).
  case bnAggr(Unary<BNAggr>)

  // MARK: - Current-dialect ISA operations

  /// `nisa.dma_transpose(dst, src, axes)`: a DMA permuting the source's dimensions
  /// (``DMATranspose``).
  case dmaTranspose(DMATranspose)
  /// `nisa.dma_compute(dst, srcs, nl.add)`: the DMA engines' elementwise sum (``DMACompute``).
  case dmaCompute(DMACompute)
  /// `nisa.max8(dst, src)`: the 8 largest values per partition (``Max8``).
  case max8(Max8)
  /// `nisa.nc_find_index8(dst, data, vals)`: positions of 8 values per partition (``FindIndex8``).
  case findIndex8(FindIndex8)
  /// `nisa.nc_match_replace8(dst, data, vals, imm, dst_idx)`: replaces 8 values per partition
  /// (``MatchReplace8``).
  case matchReplace8(MatchReplace8)
  /// `nisa.nc_stream_shuffle(dst, src, shuffle_mask)`: a copy across partitions within quadrants
  /// (``StreamShuffle``).
  case streamShuffle(StreamShuffle)
  /// `nisa.range_select(dst, on_true_tile, …)`: keeps a per-partition index range, reducing with
  /// `maximum` (``RangeSelect``).
  case rangeSelect(RangeSelect)
  /// `nisa.quantize_mx(dst, src, dst_scale)`: quantization to MXFP8 (``QuantizeMX``).
  case quantizeMX(QuantizeMX)
  /// `nisa.nc_matmul_mx(dst, stationary, moving, stationary_scale, moving_scale)`: a matmul of MX
  /// tiles (``MatmulMX``).
  case matmulMX(MatmulMX)
  /// `nisa.register_load(dst, src)`: a tile's element into a register (``RegisterLoad``).
  case registerLoad(Unary<RegisterLoad>)
  /// `nisa.register_store(dst, src)`: a register into a tile's element (``RegisterStore``).
  case registerStore(Unary<RegisterStore>)
  /// `nisa.register_move(dst, src)`: a register into another (``RegisterMove``).
  case registerMove(Unary<RegisterMove>)

  // MARK: - Views

  /// `tile.view(dtype)` materialised: `dst`'s rows hold `src`'s bytes (``Bitcast``).
  case bitcast(Unary<Bitcast>)
}

extension Operation {
  /// The payload of every case but the loop markers (nil for those).
  ///
  /// With ``mapPayload(_:)``, this is the one switch over every case that generic code needs;
  /// everything else reads the payload.
  public var payload: (any OperationPayload)? {
    switch self {
    case .loopBegin, .loopEnd: nil
    case .load(let p): p
    case .store(let p): p
    case .dmaCopy(let p): p
    case .loadTranspose(let p): p
    case .indirectDMA(let p): p
    case .matmul(let p): p
    case .transpose(let p): p
    case .tensorTensor(let p): p
    case .tensorScalar(let p): p
    case .scalarTensorTensor(let p): p
    case .tensorScalarReduce(let p): p
    case .tensorCopy(let p): p
    case .activation(let p): p
    case .reciprocal(let p): p
    case .memset(let p): p
    case .iota(let p): p
    case .affineSelect(let p): p
    case .select(let p): p
    case .broadcast(let p): p
    case .tensorReduce(let p): p
    case .tensorPartitionReduce(let p): p
    case .tensorTensorScan(let p): p
    case .bnStats(let p): p
    case .bnAggr(let p): p
    case .dmaTranspose(let p): p
    case .dmaCompute(let p): p
    case .max8(let p): p
    case .findIndex8(let p): p
    case .matchReplace8(let p): p
    case .streamShuffle(let p): p
    case .rangeSelect(let p): p
    case .quantizeMX(let p): p
    case .matmulMX(let p): p
    case .registerLoad(let p): p
    case .registerStore(let p): p
    case .registerMove(let p): p
    case .bitcast(let p): p
    }
  }

  /// The same operation with its payload passed through `transform` (loop markers unchanged).
  public func mapPayload(_ transform: some PayloadTransform) -> Operation {
    switch self {
    case .loopBegin, .loopEnd: self
    case .load(let p): .load(transform(p))
    case .store(let p): .store(transform(p))
    case .dmaCopy(let p): .dmaCopy(transform(p))
    case .loadTranspose(let p): .loadTranspose(transform(p))
    case .indirectDMA(let p): .indirectDMA(transform(p))
    case .matmul(let p): .matmul(transform(p))
    case .transpose(let p): .transpose(transform(p))
    case .tensorTensor(let p): .tensorTensor(transform(p))
    case .tensorScalar(let p): .tensorScalar(transform(p))
    case .scalarTensorTensor(let p): .scalarTensorTensor(transform(p))
    case .tensorScalarReduce(let p): .tensorScalarReduce(transform(p))
    case .tensorCopy(let p): .tensorCopy(transform(p))
    case .activation(let p): .activation(transform(p))
    case .reciprocal(let p): .reciprocal(transform(p))
    case .memset(let p): .memset(transform(p))
    case .iota(let p): .iota(transform(p))
    case .affineSelect(let p): .affineSelect(transform(p))
    case .select(let p): .select(transform(p))
    case .broadcast(let p): .broadcast(transform(p))
    case .tensorReduce(let p): .tensorReduce(transform(p))
    case .tensorPartitionReduce(let p): .tensorPartitionReduce(transform(p))
    case .tensorTensorScan(let p): .tensorTensorScan(transform(p))
    case .bnStats(let p): .bnStats(transform(p))
    case .bnAggr(let p): .bnAggr(transform(p))
    case .dmaTranspose(let p): .dmaTranspose(transform(p))
    case .dmaCompute(let p): .dmaCompute(transform(p))
    case .max8(let p): .max8(transform(p))
    case .findIndex8(let p): .findIndex8(transform(p))
    case .matchReplace8(let p): .matchReplace8(transform(p))
    case .streamShuffle(let p): .streamShuffle(transform(p))
    case .rangeSelect(let p): .rangeSelect(transform(p))
    case .quantizeMX(let p): .quantizeMX(transform(p))
    case .matmulMX(let p): .matmulMX(transform(p))
    case .registerLoad(let p): .registerLoad(transform(p))
    case .registerStore(let p): .registerStore(transform(p))
    case .registerMove(let p): .registerMove(transform(p))
    case .bitcast(let p): .bitcast(transform(p))
    }
  }

  /// The operation's row of the operation table (nil for loop markers).
  public var info: OperationInfo? {
    payload.map { type(of: $0).info }
  }

  /// The instruction's cost formula for the timing model (``CostRule/control`` for loop markers).
  public var cost: CostRule {
    payload?.cost ?? .control
  }

  /// The NKI spelling used in diagnostics and the printer (`nc_matmul`, `tensor_tensor`, ...).
  public var nkiName: String {
    switch self {
    case .loopBegin(let l): l.kind.rawValue
    case .loopEnd: "end"
    default: info?.nkiName ?? ""
    }
  }

  /// The engine an operation runs on when the kernel does not choose one.
  public var defaultEngine: Engine {
    info?.defaultEngine ?? .dma
  }

  /// The groups the operation belongs to (empty for loop markers).
  public var groups: OperationGroups {
    info?.groups ?? []
  }

  /// The shape of the instruction's iteration space (what a mask's coefficients index); empty
  /// for loop markers.
  public var iterationShape: [Int] {
    payload?.iterationShape ?? []
  }

  /// Whether the instruction's iteration space (what a mask ranges over) is its destination's
  /// shape; reductions and statistics iterate over their source instead.
  public var iteratesOverDestination: Bool {
    !groups.contains(.reduction)
  }
}

/// A rewrite of an operation's payload that keeps its type (``Operation/mapPayload(_:)``).
public protocol PayloadTransform {
  /// The rewritten payload.
  func callAsFunction<Payload: OperationPayload>(_ payload: Payload) -> Payload
}
