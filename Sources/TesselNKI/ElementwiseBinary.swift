import TesselIR

/// How an elementwise binary call (`nl.add(a, b)`, `a * b`, `nl.maximum(a, 0.0)`) becomes one
/// instruction: the result's shape and dtype, and the operation that writes it.
///
/// Two tiles become `tensor_tensor` on their broadcast shape, except that a `[P, 1]` column
/// against a wider tile of the same partitions becomes `tensor_scalar`'s per-partition operand;
/// a tile and a scalar become `tensor_scalar` with an immediate. The front end declares a fresh
/// tile of ``shape`` and ``dtype`` and emits ``operation(writing:)`` into it.
///
/// A tile of one partition (a `[1, 1]` element or a `[1, F]` row) against a tile of more
/// partitions is first copied to every partition, as NKI's compiler does (`nl.add`'s documented
/// example: "broadcast on partition dimension -- [1, 512] is broadcasted to [128, 512]"):
/// ``partitionBroadcast`` then says what to broadcast, the front end emits it into a fresh tile,
/// and passes that tile to ``operation(writing:broadcast:)``.
///
/// ```swift
/// let plan = try ElementwiseBinary(.add, .tile(x, .bfloat16), .scalar(1, .float))
/// // plan.shape == x.shape, plan.dtype == .float32 (a Python float is a weak fp32)
/// let op = plan.operation(writing: result)   // tensor_scalar(x, add 1.0)
///
/// let sink = try ElementwiseBinary(.add, .tile(col, .float32), .tile(one, .float32))  // [128, 1] + [1, 1]
/// // sink.partitionBroadcast: one → a [128, 1] tile (broadcast_to), then tensor_tensor(col, it)
/// ```
public struct ElementwiseBinary: Sendable {
  /// One input: a tile view with its tensor's dtype, or a scalar immediate.
  public enum Input: Sendable {
    /// A tile (its view and dtype).
    case tile(View, DType)
    /// A scalar immediate and the kind of literal it was written as.
    case scalar(Float, WeakScalar)
  }

  /// The ALU operator.
  public let op: ALUOp
  /// The result's shape.
  public let shape: [Int]
  /// The result's dtype.
  public let dtype: DType
  /// The copy of a one-element operand to every partition that must come first, if any.
  public let partitionBroadcast: PartitionBroadcast?
  /// The lowering, with the destination left open.
  private let form: Form

  /// A one-partition operand copied to every partition of the other operand (`broadcast_to`).
  public struct PartitionBroadcast: Sendable {
    /// The operand read with a zero partition step: every partition of ``shape`` is its one row.
    public let source: View
    /// The tile to broadcast into: the other operand's partitions, the operand's free sizes.
    public let shape: [Int]
    /// The tile's dtype (the operand's).
    public let dtype: DType
  }

  private enum Form: Sendable {
    case tensorTensor(View, View)
    /// `src op operand` (`operand op src` when reversed), the operand a `[P, 1]` column or an
    /// immediate.
    case tensorScalar(View, Operand, reversed: Bool)
    /// `tile op broadcast` (`broadcast op tile` when reversed), with the broadcast tile that
    /// ``PartitionBroadcast`` makes.
    case afterBroadcast(View, reversed: Bool)
  }

  /// Plans `a op b`; `dtype` overrides the promoted result dtype.
  ///
  /// `broadcastsRows` is false for the ISA's `nisa.tensor_tensor`, whose operands must have the
  /// same partitions unless one is a single element; the `nl` operators broadcast a `[1, F]` row
  /// across partitions.
  ///
  /// - Throws: `KernelError` (for `tensor_tensor`) when the tiles' partitions differ and neither
  ///   has one partition, when their shapes do not broadcast, or when neither operand is a tile.
  public init(
    _ op: ALUOp, _ a: Input, _ b: Input, dtype: DType? = nil, broadcastsRows: Bool = true
  ) throws(KernelError) {
    self.op = op
    switch (a, b) {
    case (.tile(let va, let da), .tile(let vb, let db)):
      self.dtype = NKIRules.resultDType(of: op, da, db, explicit: dtype)
      if let (shape, pb) = Self.broadcastAcrossPartitions(one: vb, dtype: db, against: va, rows: broadcastsRows) {
        self.shape = shape
        partitionBroadcast = pb
        form = .afterBroadcast(va, reversed: false)
        return
      }
      if let (shape, pb) = Self.broadcastAcrossPartitions(one: va, dtype: da, against: vb, rows: broadcastsRows) {
        self.shape = shape
        partitionBroadcast = pb
        form = .afterBroadcast(vb, reversed: true)
        return
      }
      let (shape, form) = try Self.tiles(va, vb)
      self.shape = shape
      self.form = form
      partitionBroadcast = nil
    case (.tile(let v, let d), .scalar(let x, let kind)):
      self.dtype = NKIRules.resultDType(of: op, d, kind.dtype, explicit: dtype)
      shape = v.shape
      form = .tensorScalar(v, .scalar(x), reversed: false)
      partitionBroadcast = nil
    case (.scalar(let x, let kind), .tile(let v, let d)):
      self.dtype = NKIRules.resultDType(of: op, kind.dtype, d, explicit: dtype)
      shape = v.shape
      form = .tensorScalar(v, .scalar(x), reversed: true)
      partitionBroadcast = nil
    case (.scalar, .scalar):
      throw KernelError(
        .malformed("\(op.nkiName) of two scalars has no tile to compute on"), operation: "tensor_tensor")
    }
  }

  /// The result's shape and the copy of `one` to every partition of `other`, when `one` has one
  /// partition and `other` more.
  ///
  /// A single element becomes a `[P, 1, …]` column; a row of the
  /// other's rank (`[1, F]` against `[P, F]` or `[P, 1]`) keeps its free sizes, which must then
  /// broadcast with the other's (NumPy's rule on the free dimensions).
  private static func broadcastAcrossPartitions(one: View, dtype: DType, against other: View, rows: Bool) -> (
    [Int], PartitionBroadcast
  )? {
    guard other.dims.count >= 2, other.partitionCount > 1, one.dims.count <= other.dims.count else { return nil }
    let rank = one.start.count
    if one.elementCount == 1 {
      let shape = [other.partitionCount] + Array(repeating: 1, count: other.dims.count - 1)
      let source = View(
        tensor: one.tensor, start: one.start, dims: shape.map { View.Dim.broadcast(rank: rank, count: $0) },
        runtimeOffsets: one.runtimeOffsets)
      return (other.shape, PartitionBroadcast(source: source, shape: shape, dtype: dtype))
    }
    guard rows, one.dims.count == other.dims.count, one.partitionCount == 1 else { return nil }
    let shape = [other.partitionCount] + one.shape.dropFirst()
    guard let result = NKIRules.broadcastShape(other.shape, shape) else { return nil }
    let source = View(
      tensor: one.tensor, start: one.start,
      dims: [View.Dim.broadcast(rank: rank, count: other.partitionCount)] + one.dims.dropFirst(),
      runtimeOffsets: one.runtimeOffsets)
    return (result, PartitionBroadcast(source: source, shape: shape, dtype: dtype))
  }

  /// Two tiles: the broadcast shape and the instruction form.
  private static func tiles(_ a: View, _ b: View) throws(KernelError) -> ([Int], Form) {
    if a.dims.count >= 2 && b.dims.count >= 2 && a.partitionCount != b.partitionCount {
      let dstShape = a.partitionCount >= b.partitionCount ? a.shape : b.shape
      throw KernelError(
        .partitionMismatch(operands: ["data1", "data2", "dst"], shapes: [a.shape, b.shape, dstShape]),
        operation: "tensor_tensor")
    }
    let mismatch = KernelError(
      .shapeMismatch(operands: ["data1", "data2"], shapes: [a.shape, b.shape]), operation: "tensor_tensor")
    // A [P, 1] column against a tile of more free dimensions ([P, a, b]): NKI's partition-major
    // broadcast, which NumPy's right-aligned rule does not give.
    if a.dims.count > 2 && NKIRules.isPartitionColumn(b.shape, of: a.shape) {
      return (a.shape, .tensorScalar(a, .view(b), reversed: false))
    }
    if b.dims.count > 2 && NKIRules.isPartitionColumn(a.shape, of: b.shape) {
      return (b.shape, .tensorScalar(b, .view(a), reversed: true))
    }
    guard let shape = NKIRules.broadcastShape(a.shape, b.shape) else { throw mismatch }
    if a.shape == shape && NKIRules.isPartitionColumn(b.shape, of: shape) {
      return (shape, .tensorScalar(a, .view(b), reversed: false))
    }
    if b.shape == shape && NKIRules.isPartitionColumn(a.shape, of: shape) {
      return (shape, .tensorScalar(b, .view(a), reversed: true))
    }
    guard let va = NKIRules.broadcast(a, to: shape), let vb = NKIRules.broadcast(b, to: shape) else { throw mismatch }
    return (shape, .tensorTensor(va, vb))
  }

  /// The instruction writing the result into `dst`, a fresh tile of ``shape``; `broadcast` is
  /// the tile the front end filled as ``partitionBroadcast`` says, when there is one.
  public func operation(writing dst: View, broadcast: View? = nil) -> Operation {
    switch form {
    case .tensorTensor(let a, let b):
      return .tensorTensor(dst: dst, a: a, b: b, op: op)
    case .tensorScalar(let src, let operand, let reversed):
      return .tensorScalar(
        dst: dst, src: src, op0: op, operand0: operand, reverse0: reversed, op1: nil, operand1: nil, reverse1: false)
    case .afterBroadcast(let tile, let reversed):
      let column = broadcast ?? partitionBroadcast?.source ?? tile
      if tile.shape == column.shape {
        return .tensorTensor(dst: dst, a: reversed ? column : tile, b: reversed ? tile : column, op: op)
      }
      if !NKIRules.isPartitionColumn(column.shape, of: tile.shape),
        let a = NKIRules.broadcast(tile, to: shape), let b = NKIRules.broadcast(column, to: shape)
      {
        // A row broadcast to every partition against a tile its free sizes broadcast with.
        return .tensorTensor(dst: dst, a: reversed ? b : a, b: reversed ? a : b, op: op)
      }
      return .tensorScalar(
        dst: dst, src: tile, op0: op, operand0: .view(column), reverse0: reversed, op1: nil, operand1: nil,
        reverse1: false)
    }
  }

  /// The conditions of the call's `mask=` that the partition broadcast carries too.
  ///
  /// A condition on loop indices alone, or on axes where the broadcast tile has the result's
  /// size, keeps exactly the broadcast elements the kept results read; so the broadcast does not
  /// read its source where the call is masked off (a row of a loop-indexed block that only
  /// exists where the mask holds). A condition on an axis the broadcast tile repeats is left to
  /// the operation alone.
  public func broadcastMask(_ mask: [AffineCondition]) -> [AffineCondition] {
    guard let pb = partitionBroadcast else { return [] }
    return mask.filter { c in
      c.coefficients.indices.allSatisfy { d in
        c.coefficients[d] == 0 || (d < pb.shape.count && d < shape.count && pb.shape[d] == shape[d])
      }
    }
  }

  /// The tiles the operation reads, in operand order (for front ends that track uses).
  public var tiles: [View] {
    switch form {
    case .tensorTensor(let a, let b): [a, b]
    case .tensorScalar(let src, .view(let v), _): [src, v]
    case .tensorScalar(let src, .scalar, _): [src]
    case .afterBroadcast(let tile, let reversed):
      reversed
        ? [partitionBroadcast?.source, tile].compactMap { $0 } : [tile, partitionBroadcast?.source].compactMap { $0 }
    }
  }
}
