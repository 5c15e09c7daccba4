/// An integer expression affine in index variables: `constant + Σ coefficient · variable`.
///
/// Index variables are loop induction variables and SPMD program ids; an access pattern's start
/// index on each tensor dimension is an `AffineExpr`, so `x[i * 128 + p, j]` keeps `i` symbolic.
///
/// ```swift
/// let e = AffineExpr(constant: 1) + AffineExpr(IndexVar(0)) * 128   // 1 + 128·$0
/// e.evaluate { _ in 2 }   // 257
/// ```
public struct AffineExpr: Sendable, Hashable, Codable {
  /// One `coefficient · variable` term.
  public struct Term: Sendable, Hashable, Codable {
    /// The variable.
    public var variable: IndexVar
    /// Its coefficient (never zero in a normalized expression).
    public var coefficient: Int
    /// Creates a term.
    public init(_ variable: IndexVar, _ coefficient: Int) {
      self.variable = variable
      self.coefficient = coefficient
    }
  }

  /// The constant part.
  public var constant: Int
  /// The variable terms, sorted by variable, with no zero coefficients.
  public private(set) var terms: [Term]

  /// A constant expression.
  public init(constant: Int = 0) {
    self.constant = constant
    self.terms = []
  }

  /// The expression `variable`.
  public init(_ variable: IndexVar) {
    self.constant = 0
    self.terms = [Term(variable, 1)]
  }

  /// An expression from a constant and terms (normalized: merged, sorted, zeros dropped).
  public init(constant: Int, terms: [Term]) {
    self.constant = constant
    var merged: [Term] = []
    for t in terms.sorted(by: { $0.variable < $1.variable }) {
      if let last = merged.last, last.variable == t.variable {
        merged[merged.count - 1].coefficient &+= t.coefficient
      } else {
        merged.append(t)
      }
    }
    self.terms = merged.filter { $0.coefficient != 0 }
  }

  /// Whether the expression has no variables.
  public var isConstant: Bool { terms.isEmpty }

  /// The coefficient of `v` (0 when absent).
  public func coefficient(of v: IndexVar) -> Int {
    terms.first { $0.variable == v }?.coefficient ?? 0
  }

  /// Evaluates the expression with `value` giving each variable's value.
  @inlinable
  public func evaluate(_ value: (IndexVar) -> Int) -> Int {
    var r = constant
    for t in terms { r &+= t.coefficient &* value(t.variable) }
    return r
  }

  /// The smallest and largest values over the given inclusive ranges of the variables.
  public func bounds(_ range: (IndexVar) -> ClosedRange<Int>) -> ClosedRange<Int> {
    // Saturating arithmetic: an index whose range overflows Int is reported out of bounds by the
    // verifier, never a trap.
    func mul(_ x: Int, _ y: Int) -> Int {
      let (r, o) = x.multipliedReportingOverflow(by: y)
      return o ? ((x < 0) != (y < 0) ? Int.min : Int.max) : r
    }
    func add(_ x: Int, _ y: Int) -> Int {
      let (r, o) = x.addingReportingOverflow(y)
      return o ? (y < 0 ? Int.min : Int.max) : r
    }
    var lo = constant
    var hi = constant
    for t in terms {
      let r = range(t.variable)
      let a = mul(t.coefficient, r.lowerBound)
      let b = mul(t.coefficient, r.upperBound)
      lo = add(lo, Swift.min(a, b))
      hi = add(hi, Swift.max(a, b))
    }
    return lo...hi
  }

  public static func + (a: AffineExpr, b: AffineExpr) -> AffineExpr {
    AffineExpr(constant: a.constant &+ b.constant, terms: a.terms + b.terms)
  }
  public static func + (a: AffineExpr, b: Int) -> AffineExpr {
    var r = a
    r.constant &+= b
    return r
  }
  public static func - (a: AffineExpr, b: AffineExpr) -> AffineExpr { a + b * -1 }
  public static func - (a: AffineExpr, b: Int) -> AffineExpr { a + -b }
  public static prefix func - (a: AffineExpr) -> AffineExpr { a * -1 }
  public static func * (a: AffineExpr, k: Int) -> AffineExpr {
    AffineExpr(constant: a.constant &* k, terms: a.terms.map { Term($0.variable, $0.coefficient &* k) })
  }
}

extension AffineExpr: ExpressibleByIntegerLiteral {
  public init(integerLiteral value: Int) { self.init(constant: value) }
}

extension AffineExpr {
  /// Prints the expression with variable names from `name`, such as `128*i + 1`.
  public func formatted(_ name: (IndexVar) -> String) -> String {
    var parts: [String] = []
    for t in terms {
      let n = name(t.variable)
      switch t.coefficient {
      case 1: parts.append(n)
      case -1: parts.append("-\(n)")
      default: parts.append("\(t.coefficient)*\(n)")
      }
    }
    if constant != 0 || parts.isEmpty { parts.append(String(constant)) }
    var s = parts[0]
    for p in parts.dropFirst() {
      if p.hasPrefix("-") { s += " - " + p.dropFirst() } else { s += " + " + p }
    }
    return s
  }
}
