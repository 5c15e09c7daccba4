import TesselIR

/// A scalar immediate or a per-partition `[P, 1]` tile: the `operand0`/`scale`/`initial`
/// arguments of NKI ISA instructions.
///
/// ```swift
/// tensorScalar(x, op0: .subtract, operand0: .tile(mean), op1: .multiply, operand1: 0.5)
/// ```
public struct ScalarOperand: Sendable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
  enum Storage: Sendable {
    case scalar(Float)
    case tile(TensorHandle, View)
  }
  let storage: Storage

  /// An fp32 immediate.
  public init(_ value: Float) {
    storage = .scalar(value)
  }

  /// An fp32 immediate from a float literal.
  public init(floatLiteral value: Float) {
    storage = .scalar(value)
  }

  /// An fp32 immediate from an integer literal.
  public init(integerLiteral value: Int) {
    storage = .scalar(Float(value))
  }

  /// A `[P, 1]` tile, broadcast along the free dimensions.
  public static func tile<S: OnChipMemory>(_ tile: Tile<S>) -> ScalarOperand {
    ScalarOperand(storage: .tile(tile.handle, tile.view))
  }

  init(storage: Storage) {
    self.storage = storage
  }

  /// The IR operand.
  var operand: Operand {
    switch storage {
    case .scalar(let x): .scalar(x)
    case .tile(_, let v): .view(v)
    }
  }

  /// The tensor it reads, if any.
  var handles: [TensorHandle] {
    if case .tile(let h, _) = storage { return [h] }
    return []
  }
}

/// The engines that may run an instruction reading PSUM (the GpSimd engine never touches PSUM).
public enum PSUMEngine: Sendable {
  /// The Vector engine.
  case vector
  /// The Scalar engine.
  case scalar

  var engine: Engine { self == .vector ? .vector : .scalar }
}

/// NKI's legacy dtype promotion for two operands without `dtype=` (nki-reference.md §5.6).
///
/// ```swift
/// promotedDType(.float16, .bfloat16)   // .float32
/// promotedDType(.bfloat16, .int32)     // .bfloat16
/// ```
public func promotedDType(_ a: DType, _ b: DType) -> DType {
  if a == b { return a }
  switch (a.isFloatingPoint, b.isFloatingPoint) {
  case (true, false): return a
  case (false, true): return b
  case (true, true):
    if a == .float32 || b == .float32 || a == .tfloat32 || b == .tfloat32 { return .float32 }
    let set: Set<DType> = [a, b]
    if set == [.float16, .bfloat16] { return .float32 }
    if a.isFloat8 && b.isFloat8 { return .bfloat16 }
    if a.isFloat8 { return b }
    if b.isFloat8 { return a }
    return .float32
  case (false, false):
    if a == .bool { return b }
    if b == .bool { return a }
    if a.isSignedInteger == b.isSignedInteger { return a.byteSize >= b.byteSize ? a : b }
    let (s, u) = a.isSignedInteger ? (a, b) : (b, a)
    if s.byteSize > u.byteSize { return s }
    switch u.byteSize {
    case 1: return .int16
    case 2: return .int32
    default: return .float32
    }
  }
}
