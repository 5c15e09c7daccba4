/// How `nc_matmul` combines its product with what the PSUM destination holds (§5.4).
public enum Accumulation: String, Sendable, Hashable, Codable {
  /// The first matmul write to a PSUM element since a non-matmul write overwrites; later ones add
  /// (NKI's `accumulate=None`, an accumulation group).
  case auto
  /// Always overwrite (`accumulate=False`).
  case overwrite
  /// Always add (`accumulate=True`, and the legacy `psum += nisa.nc_matmul(...)`).
  case add
}

/// The kind of a structured loop.
public enum LoopKind: String, Sendable, Hashable, Codable {
  /// `nl.affine_range`: iterations are independent (they may run in any order or in parallel).
  case affine = "affine_range"
  /// `nl.sequential_range` (and Python `range` in the legacy dialect): iterations carry state.
  case sequential = "sequential_range"
}

/// A structured loop: the induction variable runs `start, start + step, … < stop`.
public struct Loop: Sendable, Hashable, Codable {
  /// The induction variable.
  public var variable: IndexVar
  /// The first value.
  public var start: Int
  /// The exclusive bound.
  public var stop: Int
  /// The step (nonzero).
  public var step: Int
  /// Affine or sequential.
  public var kind: LoopKind
  /// The index of the matching ``Operation/loopEnd(begin:)`` instruction.
  public var end: Int

  /// Creates a loop.
  public init(variable: IndexVar, start: Int, stop: Int, step: Int, kind: LoopKind, end: Int) {
    self.variable = variable
    self.start = start
    self.stop = stop
    self.step = step
    self.kind = kind
    self.end = end
  }

  /// The number of iterations.
  public var tripCount: Int {
    if step > 0 { return stop > start ? (stop - start + step - 1) / step : 0 }
    if step < 0 { return start > stop ? (start - stop - step - 1) / -step : 0 }
    return 0
  }

  /// The inclusive range of values the variable takes (nil for an empty loop).
  public var valueRange: ClosedRange<Int>? {
    let n = tripCount
    guard n > 0 else { return nil }
    let last = start + (n - 1) * step
    return Swift.min(start, last)...Swift.max(start, last)
  }
}

/// One tile-level operation of the IR. Each case names its NKI spelling.
///
/// Operands are ``View``s of tensors in ``Kernel/tensors``. Every compute operation computes in
/// fp32 and rounds on write to the destination's dtype. The instruction's iteration space is the
/// destination's shape unless a case says otherwise; a mask (``Instruction/mask``) restricts it.
public enum Operation: Sendable, Hashable, Codable {
  // MARK: - Structure

  /// Starts a structured loop (`for i in nl.affine_range(n):` / `nl.sequential_range`); the body
  /// runs up to the matching `loopEnd`.
  case loopBegin(Loop)
  /// Ends the loop that starts at instruction `begin`.
  case loopEnd(begin: Int)

  // MARK: - Data movement (DMA)

  /// `nl.load(src)`: HBM → SBUF, converting to the destination dtype.
  case load(dst: View, src: View)
  /// `nl.store(dst, value)`: SBUF (or PSUM) → HBM, converting to the destination dtype.
  case store(dst: View, src: View)
  /// `nisa.dma_copy(dst=, src=)`: a DMA between any two memories but PSUM→HBM; converts via fp32.
  case dmaCopy(dst: View, src: View)
  /// `nl.load_transpose2d(src)`: a DMA transpose of a 2-D HBM block into SBUF (`dst = src.T`).
  case loadTranspose(dst: View, src: View)

  // MARK: - Tensor engine

  /// `nisa.nc_matmul(stationary, moving)`: `dst[M, N] = stationary[K, M]ᵀ @ moving[K, N]` into PSUM,
  /// accumulating in fp32 as `accumulation` says. `nl.matmul(x, y, transpose_x=True)` is this too.
  case matmul(dst: View, stationary: View, moving: View, accumulation: Accumulation)
  /// `nisa.nc_transpose(data)` / `nl.transpose(x)`: `dst[F, P] = src[P, F]ᵀ`, on the Tensor engine
  /// (into PSUM, ≤ 128×128) or the Vector engine (≤ 32×32).
  case transpose(dst: View, src: View)

  // MARK: - Elementwise

  /// `nisa.tensor_tensor(data1, data2, op)` and `nl.add`/`nl.multiply`/... on two tiles:
  /// `dst = a op b`.
  case tensorTensor(dst: View, a: View, b: View, op: ALUOp)
  /// `nisa.tensor_scalar(data, op0, operand0, reverse0, op1, operand1, reverse1)`:
  /// `dst = (data op0 operand0) op1 operand1`; `reverse` swaps an op's operands.
  case tensorScalar(
    dst: View, src: View, op0: ALUOp, operand0: Operand, reverse0: Bool, op1: ALUOp?,
    operand1: Operand?, reverse1: Bool)
  /// `nisa.tensor_copy(src)`, `nl.copy(x)` and tile assignment `t[...] = x`: `dst = src`.
  case tensorCopy(dst: View, src: View)
  /// `nisa.activation(op, data, bias, scale)` and `nl.exp`/`nl.tanh`/...: `dst = f(src·scale + bias)`;
  /// with `reduce`, the free-dimension reduction of the result by `reduceOp` goes to `reduceDst` [P, 1].
  case activation(
    dst: View, src: View, function: ActivationFunction, scale: Operand, bias: View?,
    reduceOp: ALUOp?, reduceDst: View?)
  /// `nisa.reciprocal(data)` / `nl.reciprocal(x)` on the Vector engine: `dst = 1 / src`.
  case reciprocal(dst: View, src: View)
  /// `nisa.memset(shape, value, dtype)` and `nl.zeros`/`nl.ones`/`nl.full`: `dst = value`.
  case memset(dst: View, value: Float)
  /// `nisa.iota(expr, dtype)`: `dst[i] = Σ_d coefficients[d]·i_d + offset` (the condition's
  /// comparison is ignored).
  case iota(dst: View, expression: AffineCondition)
  /// `nisa.affine_select(pred, on_true_tile, on_false_value)`: `dst = pred(i) ? onTrue : onFalse`,
  /// with `pred` an affine condition of the iteration indices (a causal mask, for example).
  case affineSelect(dst: View, predicate: AffineCondition, onTrue: View, onFalse: Float)
  /// `nl.where(condition, x, y)`: `dst = predicate != 0 ? onTrue : onFalse`.
  case select(dst: View, predicate: View, onTrue: Operand, onFalse: Operand)
  /// `nl.broadcast_to(src, shape)`: copies a `[1, F]` (or `[P, 1]`) tile across partitions
  /// (or the free dimension); `src` carries the zero steps.
  case broadcast(dst: View, src: View)

  // MARK: - Reductions and scans

  /// `nisa.tensor_reduce(op, data, axis, negate, keepdims)` and `nl.sum`/`nl.max`/...: reduces the
  /// free axes `axes` of `src` (iteration space = `src`); `dst` has the kept dimensions (size 1 on
  /// reduced ones when keepdims). `negate` negates the result.
  case tensorReduce(dst: View, src: View, op: ALUOp, axes: [Int], negate: Bool)
  /// `nisa.tensor_partition_reduce(op, data)`: reduces across partitions, `dst[1, F]`.
  case tensorPartitionReduce(dst: View, src: View, op: ALUOp)
  /// `nisa.tensor_tensor_scan(data0, data1, initial, op0, op1)`: per partition along the free
  /// dimension, `state = (data0[i] op0 state) op1 data1[i]; dst[i] = state`, starting at `initial`.
  case tensorTensorScan(
    dst: View, data0: View, data1: View, initial: Operand, op0: ALUOp, op1: ALUOp)
  /// `nisa.bn_stats(data)`: per partition, 6 statistics of a `[P, F ≤ 512]` tile
  /// (`dst[P, 6]` = count, mean, count·variance, each for the even and the odd halves).
  case bnStats(dst: View, src: View)
  /// `nisa.bn_aggr(data)`: aggregates `[P, 6·k]` bn_stats groups into `dst[P, 2]` = mean, variance.
  case bnAggr(dst: View, src: View)
}

extension Operation {
  /// The NKI spelling used in diagnostics and the printer (`nc_matmul`, `tensor_tensor`, ...).
  public var nkiName: String {
    switch self {
    case .loopBegin(let l): l.kind.rawValue
    case .loopEnd: "end"
    case .load: "load"
    case .store: "store"
    case .dmaCopy: "dma_copy"
    case .loadTranspose: "load_transpose2d"
    case .matmul: "nc_matmul"
    case .transpose: "nc_transpose"
    case .tensorTensor: "tensor_tensor"
    case .tensorScalar: "tensor_scalar"
    case .tensorCopy: "tensor_copy"
    case .activation: "activation"
    case .reciprocal: "reciprocal"
    case .memset: "memset"
    case .iota: "iota"
    case .affineSelect: "affine_select"
    case .select: "where"
    case .broadcast: "broadcast_to"
    case .tensorReduce: "tensor_reduce"
    case .tensorPartitionReduce: "tensor_partition_reduce"
    case .tensorTensorScan: "tensor_tensor_scan"
    case .bnStats: "bn_stats"
    case .bnAggr: "bn_aggr"
    }
  }

  /// The engine an operation runs on when the kernel does not choose one.
  public var defaultEngine: Engine {
    switch self {
    case .loopBegin, .loopEnd: .dma
    case .load, .store, .dmaCopy, .loadTranspose: .dma
    case .matmul, .transpose: .tensor
    case .activation: .scalar
    case .iota, .affineSelect, .tensorPartitionReduce: .gpsimd
    default: .vector
    }
  }

  /// The destination view (nil for loop markers).
  public var destination: View? {
    switch self {
    case .loopBegin, .loopEnd: nil
    case .load(let d, _), .store(let d, _), .dmaCopy(let d, _), .loadTranspose(let d, _): d
    case .matmul(let d, _, _, _), .transpose(let d, _): d
    case .tensorTensor(let d, _, _, _), .tensorScalar(let d, _, _, _, _, _, _, _): d
    case .tensorCopy(let d, _), .activation(let d, _, _, _, _, _, _), .reciprocal(let d, _): d
    case .memset(let d, _), .iota(let d, _), .affineSelect(let d, _, _, _), .select(let d, _, _, _): d
    case .broadcast(let d, _), .tensorReduce(let d, _, _, _, _), .tensorPartitionReduce(let d, _, _): d
    case .tensorTensorScan(let d, _, _, _, _, _), .bnStats(let d, _), .bnAggr(let d, _): d
    }
  }

  /// Every view the operation reads, with the NKI operand name (for diagnostics).
  public var sources: [(name: String, view: View)] {
    func op(_ name: String, _ o: Operand?) -> [(name: String, view: View)] {
      if let v = o?.view { return [(name, v)] }
      return []
    }
    switch self {
    case .loopBegin, .loopEnd, .memset, .iota: return []
    case .load(_, let s), .store(_, let s), .dmaCopy(_, let s), .loadTranspose(_, let s):
      return [("src", s)]
    case .matmul(_, let s, let m, _): return [("stationary", s), ("moving", m)]
    case .transpose(_, let s), .tensorCopy(_, let s), .reciprocal(_, let s), .broadcast(_, let s):
      return [("data", s)]
    case .tensorTensor(_, let a, let b, _): return [("data1", a), ("data2", b)]
    case .tensorScalar(_, let s, _, let o0, _, _, let o1, _):
      return [("data", s)] + op("operand0", o0) + op("operand1", o1)
    case .activation(_, let s, _, let scale, let bias, _, _):
      return [("data", s)] + op("scale", scale) + (bias.map { [("bias", $0)] } ?? [])
    case .affineSelect(_, _, let t, _): return [("on_true_tile", t)]
    case .select(_, let p, let t, let f): return [("condition", p)] + op("x", t) + op("y", f)
    case .tensorReduce(_, let s, _, _, _), .tensorPartitionReduce(_, let s, _): return [("data", s)]
    case .tensorTensorScan(_, let d0, let d1, let i, _, _):
      return [("data0", d0), ("data1", d1)] + op("initial", i)
    case .bnStats(_, let s), .bnAggr(_, let s): return [("data", s)]
    }
  }

  /// Whether the instruction's iteration space (what a mask ranges over) is its destination's
  /// shape; reductions and statistics iterate over their source instead.
  public var iteratesOverDestination: Bool {
    switch self {
    case .tensorReduce, .tensorPartitionReduce, .bnStats, .bnAggr: false
    default: true
    }
  }

  /// Every view the operation writes (the destination, plus `activation`'s reduce destination).
  public var destinations: [View] {
    var r: [View] = []
    if let d = destination { r.append(d) }
    if case .activation(_, _, _, _, _, _, let rd?) = self { r.append(rd) }
    return r
  }
}

/// One instruction: an operation, the engine that runs it, an optional mask, and where it came from.
public struct Instruction: Sendable, Hashable, Codable {
  /// The operation.
  public var operation: Operation
  /// The engine that executes it.
  public var engine: Engine
  /// A conjunction of affine conditions over the iteration indices (NKI's `mask=`); empty: no mask.
  public var mask: [AffineCondition]
  /// The source location of the NKI call (or the Swift DSL call).
  public var location: SourceLocation

  /// Creates an instruction; the engine defaults to the operation's usual engine.
  public init(
    _ operation: Operation, engine: Engine? = nil, mask: [AffineCondition] = [],
    location: SourceLocation = .unknown
  ) {
    self.operation = operation
    self.engine = engine ?? operation.defaultEngine
    self.mask = mask
    self.location = location
  }
}
