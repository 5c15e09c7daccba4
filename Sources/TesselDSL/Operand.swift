import TesselIR
import TesselNKI

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

  /// The IR operand in the current dialect's form (``NKIRules/canonicalView(_:)``).
  var canonical: Operand {
    switch storage {
    case .scalar(let x): .scalar(x)
    case .tile(_, let v): .view(NKIRules.canonicalView(v))
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
