/// An affine function of index variables lowered for evaluation, `constant + Σ coef·env[slot]`:
/// `env` holds the variables' current values, each at its slot.
///
/// The interpreter's mask conditions and the timing model's footprints and mask bounds evaluate
/// it once per row or per instruction, so its terms are plain pairs.
public struct SlotAffine: Sendable {
  /// The value when every variable is 0.
  public var constant: Int
  /// The variables' contributions: (slot, coefficient).
  public var terms: [(slot: Int, coef: Int)]

  /// Creates the function `constant + Σ coef·env[slot]`.
  public init(constant: Int, terms: [(slot: Int, coef: Int)]) {
    self.constant = constant
    self.terms = terms
  }

  /// `e · scale`, each variable at the slot `slot(v)` (by default its index).
  public init(_ e: AffineExpr, scale: Int = 1, slot: (IndexVar) -> Int = { $0.index }) {
    self.init(
      constant: e.constant * scale, terms: e.terms.map { (slot: slot($0.variable), coef: $0.coefficient * scale) })
  }

  /// The value for the variable values in `env`.
  @inlinable @inline(__always)
  public func value(_ env: UnsafePointer<Int>) -> Int {
    var v = constant
    for t in terms { v &+= t.coef &* env[t.slot] }
    return v
  }
}
