/// The bit pattern that fresh on-chip and output memory holds before anything writes it.
///
/// It is a quiet NaN with a recognisable payload (`0x7FDEAD00`). Every element is stored as a
/// `Float`, so integer tensors use the same pattern: no legitimately rounded integer is ever NaN,
/// which lets reads of never-written memory be detected for int and fp8 data as well. A poisoned
/// element that reaches an integer output converts to 0 (see docs/numerics.md).
public enum Poison {
  /// The raw pattern.
  public static let bits: UInt32 = 0x7FDE_AD00
  /// The pattern as a `Float`.
  public static var value: Float { Float(bitPattern: bits) }
  /// Whether `x` is exactly the poison pattern.
  @inlinable public static func isPoison(_ x: Float) -> Bool { x.bitPattern == 0x7FDE_AD00 }
}
