/// An access pattern: which elements of a tensor an instruction operand reads or writes.
///
/// A view has *iteration dimensions* (its shape, which must match the instruction's) and, for each
/// dimension of the underlying tensor, a start index affine in loop variables and program ids.
/// Element `(i0, i1, …)` of the view is tensor element `[start_k + Σ_d step[d][k] · i_d]_k`.
/// A step of zero on every tensor dimension broadcasts (NKI's `broadcast_to`, a `[P, 1]` operand).
///
/// ```swift
/// // x[i*128 : i*128 + 128, 0:512] of a [1024, 512] tensor
/// View(tensor: x, start: [AffineExpr(i) * 128, 0], dims: [.along(0, of: 2, count: 128),
///                                                        .along(1, of: 2, count: 512)])
/// ```
public struct View: Sendable, Hashable, Codable {
  /// One iteration dimension of a view.
  public struct Dim: Sendable, Hashable, Codable {
    /// How many positions the dimension has.
    public var count: Int
    /// How far one step moves along each tensor dimension.
    public var steps: [Int]

    /// Creates a dimension.
    public init(count: Int, steps: [Int]) {
      self.count = count
      self.steps = steps
    }

    /// A dimension that walks tensor dimension `axis` (of a rank-`rank` tensor) with `stride`.
    public static func along(_ axis: Int, of rank: Int, count: Int, stride: Int = 1) -> Dim {
      var s = Array(repeating: 0, count: rank)
      if axis >= 0 && axis < rank { s[axis] = stride }
      return Dim(count: count, steps: s)
    }

    /// A broadcast dimension (every step reads the same element).
    public static func broadcast(rank: Int, count: Int) -> Dim {
      Dim(count: count, steps: Array(repeating: 0, count: rank))
    }

    /// Whether every step is zero.
    public var isBroadcast: Bool { steps.allSatisfy { $0 == 0 } }
  }

  /// The tensor.
  public var tensor: TensorID
  /// The start index on each tensor dimension.
  public var start: [AffineExpr]
  /// The iteration dimensions.
  public var dims: [Dim]
  /// Offsets known only at run time (NKI's `scalar_offset`), added to `start` when the instruction
  /// runs; empty for a view whose position the kernel's structure fixes.
  public var runtimeOffsets: [RuntimeOffset] = []

  /// Creates a view.
  public init(tensor: TensorID, start: [AffineExpr], dims: [Dim], runtimeOffsets: [RuntimeOffset] = []) {
    self.tensor = tensor
    self.start = start
    self.dims = dims
    self.runtimeOffsets = runtimeOffsets
  }

  /// The whole of a tensor with the given shape, dimension for dimension.
  public static func whole(_ tensor: TensorID, shape: [Int]) -> View {
    View(
      tensor: tensor, start: Array(repeating: AffineExpr(), count: shape.count),
      dims: shape.indices.map { Dim.along($0, of: shape.count, count: shape[$0]) })
  }

  /// The view's shape (its iteration counts).
  public var shape: [Int] { dims.map(\.count) }

  /// The number of elements the view addresses.
  public var elementCount: Int { dims.reduce(1) { $0 * $1.count } }

  /// The view's partition count (its first iteration dimension; 1 for a 0-d view).
  public var partitionCount: Int { dims.first?.count ?? 1 }

  /// Elements per partition.
  public var freeElementCount: Int { dims.dropFirst().reduce(1) { $0 * $1.count } }

  /// The index variables the start indices depend on.
  public var variables: Set<IndexVar> {
    var s = Set<IndexVar>()
    for e in start { for t in e.terms { s.insert(t.variable) } }
    return s
  }

  /// Whether the view addresses exactly the whole tensor of `shape` in order.
  public func isWhole(of shape: [Int]) -> Bool {
    self == View.whole(tensor, shape: shape)
  }
}

/// An affine comparison over an instruction's iteration indices and index variables.
///
/// The value `Σ_d coefficients[d] · i_d + offset` is compared with zero. Masks (NKI's `mask=`) are
/// conjunctions of conditions; `affine_select` and `iota` use the same affine form.
public struct AffineCondition: Sendable, Hashable, Codable {
  /// How the affine value is compared with zero.
  public enum Comparison: String, Sendable, Hashable, Codable, CaseIterable {
    case greater = ">"
    case greaterEqual = ">="
    case less = "<"
    case lessEqual = "<="
    case equal = "=="
    case notEqual = "!="

    /// The comparison an NKI comparison operator makes (`nl.greater_equal` is `>=`); nil for an
    /// operator that does not compare.
    public init?(_ op: ALUOp) {
      switch op {
      case .greater: self = .greater
      case .greaterEqual: self = .greaterEqual
      case .less: self = .less
      case .lessEqual: self = .lessEqual
      case .equal: self = .equal
      case .notEqual: self = .notEqual
      default: return nil
      }
    }

    /// Whether `v` compared with 0 holds.
    @inlinable
    public func holds(_ v: Int) -> Bool {
      switch self {
      case .greater: v > 0
      case .greaterEqual: v >= 0
      case .less: v < 0
      case .lessEqual: v <= 0
      case .equal: v == 0
      case .notEqual: v != 0
      }
    }
  }

  /// One coefficient per iteration dimension of the instruction.
  public var coefficients: [Int]
  /// The part that depends on loop variables and program ids, plus a constant.
  public var offset: AffineExpr
  /// The comparison with zero.
  public var comparison: Comparison

  /// Creates a condition `Σ coefficients[d]·i_d + offset <comparison> 0`.
  public init(coefficients: [Int], offset: AffineExpr, comparison: Comparison) {
    self.coefficients = coefficients
    self.offset = offset
    self.comparison = comparison
  }
}

extension AffineCondition {
  /// The same condition as conditions `Σ coefficients[d]·i_d + offset >= 0` that hold together
  /// exactly when it holds, for a consumer that tests only `>= 0`: one for `>=`, `>`, `<=` and `<`
  /// (the integer forms `v - 1 >= 0`, `-v >= 0`, `-v - 1 >= 0`), two for `==`, none for `!=` (which
  /// the verifier refuses in masks).
  public var greaterEqualForms: [AffineCondition] {
    let negated = AffineCondition(coefficients: coefficients.map { -$0 }, offset: -offset, comparison: .greaterEqual)
    var same = self
    same.comparison = .greaterEqual
    func minusOne(_ c: AffineCondition) -> AffineCondition {
      var d = c
      d.offset = d.offset - 1
      return d
    }
    switch comparison {
    case .greaterEqual: return [same]
    case .greater: return [minusOne(same)]
    case .lessEqual: return [negated]
    case .less: return [minusOne(negated)]
    case .equal: return [same, negated]
    case .notEqual: return []
    }
  }
}

/// A scalar immediate or a per-partition `[P, 1]` vector operand.
public enum Operand: Sendable, Hashable, Codable {
  /// An fp32 immediate.
  case scalar(Float)
  /// A view; a `[P, 1]` view broadcasts along the free dimensions.
  case view(View)

  /// The view, if the operand is one.
  public var view: View? {
    if case .view(let v) = self { return v }
    return nil
  }
}
