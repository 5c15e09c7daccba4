import TesselIR

/// How an elementwise binary call (`nl.add(a, b)`, `a * b`, `nl.maximum(a, 0.0)`) becomes one
/// instruction: the result's shape and dtype, and the operation that writes it.
///
/// Two tiles become `tensor_tensor` on their broadcast shape, except that a `[P, 1]` column
/// against a wider tile of the same partitions becomes `tensor_scalar`'s per-partition operand;
/// a tile and a scalar become `tensor_scalar` with an immediate. The front end declares a fresh
/// tile of ``shape`` and ``dtype`` and emits ``operation(writing:)`` into it.
///
/// ```swift
/// let plan = try ElementwiseBinary(.add, .tile(x, .bfloat16), .scalar(1, .float))
/// // plan.shape == x.shape, plan.dtype == .float32 (a Python float is a weak fp32)
/// let op = plan.operation(writing: result)   // tensor_scalar(x, add 1.0)
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
  /// The lowering, with the destination left open.
  private let form: Form

  private enum Form: Sendable {
    case tensorTensor(View, View)
    /// `src op operand` (`operand op src` when reversed), the operand a `[P, 1]` column or an
    /// immediate.
    case tensorScalar(View, Operand, reversed: Bool)
  }

  /// Plans `a op b`; `dtype` overrides the promoted result dtype.
  ///
  /// - Throws: `KernelError` (for `tensor_tensor`) when the tiles' partitions differ (tiles never
  ///   broadcast across partitions implicitly; `nl.broadcast_to` does that), when their shapes do
  ///   not broadcast, or when neither operand is a tile.
  public init(_ op: ALUOp, _ a: Input, _ b: Input, dtype: DType? = nil) throws(KernelError) {
    self.op = op
    switch (a, b) {
    case (.tile(let va, let da), .tile(let vb, let db)):
      self.dtype = NKIRules.resultDType(of: op, da, db, explicit: dtype)
      let (shape, form) = try Self.tiles(va, vb)
      self.shape = shape
      self.form = form
    case (.tile(let v, let d), .scalar(let x, let kind)):
      self.dtype = NKIRules.resultDType(of: op, d, kind.dtype, explicit: dtype)
      shape = v.shape
      form = .tensorScalar(v, .scalar(x), reversed: false)
    case (.scalar(let x, let kind), .tile(let v, let d)):
      self.dtype = NKIRules.resultDType(of: op, kind.dtype, d, explicit: dtype)
      shape = v.shape
      form = .tensorScalar(v, .scalar(x), reversed: true)
    case (.scalar, .scalar):
      throw KernelError(
        .malformed("\(op.nkiName) of two scalars has no tile to compute on"), operation: "tensor_tensor")
    }
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

  /// The instruction writing the result into `dst`, a fresh tile of ``shape``.
  public func operation(writing dst: View) -> Operation {
    switch form {
    case .tensorTensor(let a, let b):
      return .tensorTensor(dst: dst, a: a, b: b, op: op)
    case .tensorScalar(let src, let operand, let reversed):
      return .tensorScalar(
        dst: dst, src: src, op0: op, operand0: operand, reverse0: reversed, op1: nil, operand1: nil, reverse1: false)
    }
  }

  /// The tiles the operation reads, in operand order (for front ends that track uses).
  public var tiles: [View] {
    switch form {
    case .tensorTensor(let a, let b): [a, b]
    case .tensorScalar(let src, .view(let v), _): [src, v]
    case .tensorScalar(let src, .scalar, _): [src]
    }
  }
}
