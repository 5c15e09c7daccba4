import TesselIR

/// An affine expression over an instruction's iteration axes, loop indices and constants:
/// the Swift form of NKI's `nl.arange` / `nl.mgrid` index expressions.
///
/// Axis 0 is the partition axis, axes 1... are free axes. Grid indices build masks
/// (`GridIndex.partition + t * 128 < rows`), affine predicates for ``affineSelect(_:onTrue:onFalse:dtype:engine:fileID:line:column:)``,
/// ``iota(_:_:dtype:fileID:line:column:)`` expressions, and general access patterns with
/// ``KernelTensor/view(shape:fileID:line:column:_:)``.
///
/// ```swift
/// let p = GridIndex.partition, f = GridIndex.axis(1)
/// let causal = qt * 128 + p >= kt * 128 + f      // nisa.affine_select's pred
/// ```
public struct GridIndex: Sendable, ExpressibleByIntegerLiteral {
  /// The coefficient of each iteration axis (missing trailing axes are 0).
  public var coefficients: [Int]
  /// The part in loop indices and program ids, plus the constant.
  public var offset: AffineExpr

  /// Creates an expression from coefficients and an offset.
  public init(coefficients: [Int] = [], offset: AffineExpr = AffineExpr()) {
    self.coefficients = coefficients
    self.offset = offset
  }

  /// A constant.
  public init(integerLiteral value: Int) {
    self.init(offset: AffineExpr(constant: value))
  }

  /// A loop index (or program id) as a grid expression with no axis terms.
  public init(_ index: Index) {
    self.init(offset: index.expression)
  }

  /// Iteration axis `k` (`nl.arange(n)` placed on dimension `k` of the instruction).
  public static func axis(_ k: Int) -> GridIndex {
    var c = Array(repeating: 0, count: Swift.max(0, k) + 1)
    c[Swift.max(0, k)] = 1
    return GridIndex(coefficients: c)
  }

  /// The partition axis (axis 0): `nl.arange(128)[:, None]`.
  public static var partition: GridIndex { axis(0) }

  /// The first free axis (axis 1): `nl.arange(n)[None, :]`.
  public static var free: GridIndex { axis(1) }

  /// The coefficient of axis `k`.
  public func coefficient(_ k: Int) -> Int { k < coefficients.count ? coefficients[k] : 0 }

  /// The highest axis with a nonzero coefficient, or -1.
  var highestAxis: Int { coefficients.lastIndex { $0 != 0 } ?? -1 }

  /// The coefficients padded (or checked) to `rank` axes.
  func coefficients(rank: Int) -> [Int] {
    (0..<rank).map { coefficient($0) }
  }

  static func combine(_ a: GridIndex, _ b: GridIndex, _ sb: Int) -> GridIndex {
    let n = Swift.max(a.coefficients.count, b.coefficients.count)
    return GridIndex(
      coefficients: (0..<n).map { a.coefficient($0) + sb * b.coefficient($0) },
      offset: a.offset + b.offset * sb)
  }

  /// `a + b`.
  public static func + (a: GridIndex, b: GridIndex) -> GridIndex { combine(a, b, 1) }
  /// `a - b`.
  public static func - (a: GridIndex, b: GridIndex) -> GridIndex { combine(a, b, -1) }
  /// `a + i` with a loop index.
  public static func + (a: GridIndex, b: Index) -> GridIndex { a + GridIndex(b) }
  /// `i + a` with a loop index.
  public static func + (a: Index, b: GridIndex) -> GridIndex { GridIndex(a) + b }
  /// `a - i` with a loop index.
  public static func - (a: GridIndex, b: Index) -> GridIndex { a - GridIndex(b) }
  /// `i - a` with a loop index.
  public static func - (a: Index, b: GridIndex) -> GridIndex { GridIndex(a) - b }
  /// `a + k`.
  public static func + (a: GridIndex, k: Int) -> GridIndex {
    GridIndex(coefficients: a.coefficients, offset: a.offset + k)
  }
  /// `a - k`.
  public static func - (a: GridIndex, k: Int) -> GridIndex { a + -k }
  /// `a * k`.
  public static func * (a: GridIndex, k: Int) -> GridIndex {
    GridIndex(coefficients: a.coefficients.map { $0 * k }, offset: a.offset * k)
  }
  /// `k * a`.
  public static func * (k: Int, a: GridIndex) -> GridIndex { a * k }
  /// `-a`.
  public static prefix func - (a: GridIndex) -> GridIndex { a * -1 }

  /// `a < b`: a mask condition (`lhs - rhs < 0`).
  public static func < (a: GridIndex, b: GridIndex) -> Mask { Mask(a - b, .less) }
  /// `a <= b`.
  public static func <= (a: GridIndex, b: GridIndex) -> Mask { Mask(a - b, .lessEqual) }
  /// `a > b`.
  public static func > (a: GridIndex, b: GridIndex) -> Mask { Mask(a - b, .greater) }
  /// `a >= b`.
  public static func >= (a: GridIndex, b: GridIndex) -> Mask { Mask(a - b, .greaterEqual) }
  /// `a == b`.
  public static func == (a: GridIndex, b: GridIndex) -> Mask { Mask(a - b, .equal) }
  /// `a < k`.
  public static func < (a: GridIndex, k: Int) -> Mask { Mask(a - k, .less) }
  /// `a <= k`.
  public static func <= (a: GridIndex, k: Int) -> Mask { Mask(a - k, .lessEqual) }
  /// `a > k`.
  public static func > (a: GridIndex, k: Int) -> Mask { Mask(a - k, .greater) }
  /// `a >= k`.
  public static func >= (a: GridIndex, k: Int) -> Mask { Mask(a - k, .greaterEqual) }
  /// `a < i` with a loop index.
  public static func < (a: GridIndex, b: Index) -> Mask { Mask(a - b, .less) }
  /// `a >= i` with a loop index.
  public static func >= (a: GridIndex, b: Index) -> Mask { Mask(a - b, .greaterEqual) }
}

/// A conjunction of affine comparisons over iteration axes: NKI's `mask=`, and the predicate of
/// `affine_select`.
///
/// Each comparison is stored as `lhs - rhs <cmp> 0`. Combine with `&` or `&&`.
///
/// ```swift
/// let rows = t * 128 + GridIndex.partition
/// let inside = (rows < numRows) && (c * 512 + GridIndex.free < numCols)
/// let a = load(x[t * 128 ..+ 128, c * 512 ..+ 512], mask: inside)
/// ```
public struct Mask: Sendable {
  /// One comparison `expression <comparison> 0`.
  public struct Condition: Sendable {
    /// The affine value compared with zero.
    public var expression: GridIndex
    /// The comparison.
    public var comparison: AffineCondition.Comparison
  }

  /// The comparisons, all of which must hold.
  public var conditions: [Condition]

  /// A single comparison `expression <comparison> 0`.
  public init(_ expression: GridIndex, _ comparison: AffineCondition.Comparison) {
    conditions = [Condition(expression: expression, comparison: comparison)]
  }

  /// Both masks (`mask1 & mask2` in NKI).
  public static func & (a: Mask, b: Mask) -> Mask {
    var r = a
    r.conditions += b.conditions
    return r
  }

  /// Both masks.
  public static func && (a: Mask, b: Mask) -> Mask { a & b }

  /// The highest iteration axis the mask mentions (-1 for none).
  var highestAxis: Int { conditions.map(\.expression.highestAxis).max() ?? -1 }

  /// The IR conditions for an instruction with `rank` iteration axes.
  func lowered(rank: Int) -> [AffineCondition] {
    conditions.map {
      AffineCondition(
        coefficients: $0.expression.coefficients(rank: rank), offset: $0.expression.offset,
        comparison: $0.comparison)
    }
  }
}
