import TesselIR

/// A symbolic integer affine in loop variables and program ids: `i * 128 + 64`.
///
/// `affineRange(_:)` and `sequentialRange(_:)` hand their body an `Index`; arithmetic with `Int`
/// and other indices keeps it affine, so slices such as `x[i * 128 ..+ 128, ...]` stay symbolic
/// in the IR (one loop, not an unrolled copy per iteration).
///
/// ```swift
/// affineRange(4) { i in
///   let t = load(x[i * 128 ..+ 128, 0 ..< 512])   // x[128*i:128*i + 128, 0:512]
///   store(out[i * 128 ..+ 128, 0 ..< 512], value: t)
/// }
/// ```
public struct Index: Sendable, Hashable, ExpressibleByIntegerLiteral, CustomStringConvertible {
  /// The affine expression.
  public var expression: AffineExpr

  /// Wraps an affine expression.
  public init(_ expression: AffineExpr) {
    self.expression = expression
  }

  /// A constant index.
  public init(_ value: Int) {
    self.expression = AffineExpr(constant: value)
  }

  /// A constant index from a literal.
  public init(integerLiteral value: Int) {
    self.init(value)
  }

  /// The expression with variables printed as `$n`.
  public var description: String { expression.formatted { "\($0)" } }

  /// `a + b`.
  public static func + (a: Index, b: Index) -> Index { Index(a.expression + b.expression) }
  /// `a + k`.
  public static func + (a: Index, k: Int) -> Index { Index(a.expression + k) }
  /// `k + a`.
  public static func + (k: Int, a: Index) -> Index { Index(a.expression + k) }
  /// `a - b`.
  public static func - (a: Index, b: Index) -> Index { Index(a.expression - b.expression) }
  /// `a - k`.
  public static func - (a: Index, k: Int) -> Index { Index(a.expression - k) }
  /// `k - a`.
  public static func - (k: Int, a: Index) -> Index { Index(-a.expression + k) }
  /// `a * k`.
  public static func * (a: Index, k: Int) -> Index { Index(a.expression * k) }
  /// `k * a`.
  public static func * (k: Int, a: Index) -> Index { Index(a.expression * k) }
  /// `-a`.
  public static prefix func - (a: Index) -> Index { Index(-a.expression) }
}
