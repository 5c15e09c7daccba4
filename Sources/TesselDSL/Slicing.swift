import TesselIR

infix operator ..+ : RangeFormationPrecedence

/// One component of a subscript on a ``Tensor`` or ``Tile``: a range, a strided range, a sized
/// slice at a symbolic start, or a single position.
///
/// | NKI | Swift |
/// |---|---|
/// | `x[0:128, 0:512]` | `x[0 ..< 128, 0 ..< 512]` |
/// | `x[i*128:(i+1)*128, :]` / `nl.ds(i*128, 128)` | `x[i * 128 ..+ 128, 0...]` |
/// | `x[b, 0:128, :]` (drops `b`) | `x[b, 0 ..< 128, AxisSlice.all]` |
/// | `t[i_p, 2 * i_h + 1]` | `t[0..., (1 ..< d).strided(by: 2)]` |
///
/// ```swift
/// let rows = x[t * 128 ..+ 128, 0 ..< cols]
/// ```
public struct AxisSlice: Sendable, Hashable {
  /// The first position (affine in loop indices).
  public var start: AffineExpr
  /// How many positions; nil runs to the end of the dimension (constant starts only).
  public var count: Int?
  /// The distance between positions.
  public var step: Int
  /// Whether the dimension disappears from the result (a single integer or index position).
  public var dropsDimension: Bool

  /// Creates a slice component.
  public init(start: AffineExpr, count: Int?, step: Int = 1, dropsDimension: Bool = false) {
    self.start = start
    self.count = count
    self.step = step
    self.dropsDimension = dropsDimension
  }

  /// The whole dimension (`:` in NKI).
  public static var all: AxisSlice { AxisSlice(start: AffineExpr(), count: nil) }

  /// Every `step`-th position of this slice: `(0 ..< 64).strided(by: 2)` is `0:64:2`.
  public func strided(by step: Int) -> AxisSlice {
    var r = self
    r.step = self.step * step
    if let c = count, step > 0 { r.count = (c + step - 1) / step }
    return r
  }
}

/// A value usable as a subscript component of a DSL tensor or tile.
public protocol SliceConvertible: Sendable {
  /// The slice component this value stands for.
  var axisSlice: AxisSlice { get }
}

extension AxisSlice: SliceConvertible {
  /// Itself.
  public var axisSlice: AxisSlice { self }
}

extension Int: SliceConvertible {
  /// A single position; the dimension is dropped (kept as size 1 on the partition axis).
  public var axisSlice: AxisSlice { AxisSlice(start: AffineExpr(constant: self), count: 1, dropsDimension: true) }
}

extension Index: SliceConvertible {
  /// A single symbolic position; the dimension is dropped (kept as size 1 on the partition axis).
  public var axisSlice: AxisSlice { AxisSlice(start: expression, count: 1, dropsDimension: true) }
}

extension Range: SliceConvertible where Bound == Int {
  /// `a ..< b`.
  public var axisSlice: AxisSlice { AxisSlice(start: AffineExpr(constant: lowerBound), count: count) }
  /// Every `step`-th position: `(1 ..< 64).strided(by: 2)` is NKI's `1:64:2`.
  public func strided(by step: Int) -> AxisSlice { axisSlice.strided(by: step) }
}

extension ClosedRange: SliceConvertible where Bound == Int {
  /// `a ... b`.
  public var axisSlice: AxisSlice { AxisSlice(start: AffineExpr(constant: lowerBound), count: count) }
}

extension PartialRangeFrom: SliceConvertible where Bound == Int {
  /// `a...`: from `a` to the end.
  public var axisSlice: AxisSlice { AxisSlice(start: AffineExpr(constant: lowerBound), count: nil) }
}

extension PartialRangeUpTo: SliceConvertible where Bound == Int {
  /// `..<b`.
  public var axisSlice: AxisSlice { AxisSlice(start: AffineExpr(), count: Swift.max(0, upperBound)) }
}

extension PartialRangeThrough: SliceConvertible where Bound == Int {
  /// `...b`.
  public var axisSlice: AxisSlice { AxisSlice(start: AffineExpr(), count: Swift.max(0, upperBound + 1)) }
}

/// `start ..+ count`: `count` positions from a symbolic start (NKI's `nl.ds(start, count)`).
///
/// ```swift
/// x[i * 128 ..+ 128, 0 ..< 512]    // x[128*i:128*i + 128, 0:512]
/// ```
public func ..+ (start: Index, count: Int) -> AxisSlice {
  AxisSlice(start: start.expression, count: count)
}

/// `start ..+ count` with a constant start.
public func ..+ (start: Int, count: Int) -> AxisSlice {
  AxisSlice(start: AffineExpr(constant: start), count: count)
}

/// Why a subscript or access pattern is invalid.
struct SliceError: Error {
  let message: String
}

/// The slicing and access-pattern arithmetic shared by tensors and tiles.
enum ViewAlgebra {
  /// Applies subscript components to a view; trailing dimensions not mentioned stay whole.
  static func slice(_ view: View, _ components: [AxisSlice], onChip: Bool) -> Result<View, SliceError> {
    guard components.count <= view.dims.count else {
      return .failure(
        SliceError(
          message: "\(components.count) subscript components for a view of rank \(view.dims.count) \(view.shape)"))
    }
    var start = view.start
    var dims: [View.Dim] = []
    for (d, dim) in view.dims.enumerated() {
      guard d < components.count else {
        dims.append(dim)
        continue
      }
      let c = components[d]
      if c.step == 0 { return .failure(SliceError(message: "slice step must not be zero")) }
      let count: Int
      if let n = c.count {
        count = n
      } else if c.start.isConstant {
        let s = c.start.constant
        count = c.step > 0 ? Swift.max(0, (dim.count - s + c.step - 1) / c.step) : 0
      } else {
        return .failure(SliceError(message: "a slice with a symbolic start needs a size: write `start ..+ size`"))
      }
      if count < 1 {
        return .failure(SliceError(message: "empty slice on dimension \(d) of a view of shape \(view.shape)"))
      }
      // Bounds are the verifier's (unmasked accesses, statically) and the interpreter's (masked
      // accesses, over the mask's extent): a masked ragged tile may reach past the tensor.
      for k in start.indices where dim.steps[k] != 0 {
        start[k] = start[k] + c.start * dim.steps[k]
      }
      if c.dropsDimension && !(onChip && d == 0) { continue }
      dims.append(View.Dim(count: c.dropsDimension ? 1 : count, steps: dim.steps.map { $0 * c.step }))
    }
    if dims.isEmpty, let last = view.dims.last {
      dims.append(View.Dim(count: 1, steps: last.steps))
    }
    return .success(View(tensor: view.tensor, start: start, dims: dims))
  }

  /// A general access pattern: `shape` iteration axes, and for every dimension of `view` an
  /// affine expression of those axes (NKI's `t[i_p, 2 * i_h + 1]` with `nl.arange` grids).
  static func pattern(_ view: View, shape: [Int], _ indices: [GridIndex]) -> Result<View, SliceError> {
    guard indices.count == view.dims.count else {
      return .failure(
        SliceError(message: "\(indices.count) index expressions for a view of rank \(view.dims.count) \(view.shape)"))
    }
    guard !shape.isEmpty, shape.allSatisfy({ $0 >= 1 }) else {
      return .failure(SliceError(message: "invalid access-pattern shape \(shape)"))
    }
    for e in indices where e.highestAxis >= shape.count {
      return .failure(
        SliceError(message: "an index expression uses axis \(e.highestAxis) of a \(shape.count)-axis pattern"))
    }
    let rank = view.start.count
    var start = view.start
    for (d, e) in indices.enumerated() {
      for k in 0..<rank where view.dims[d].steps[k] != 0 {
        start[k] = start[k] + e.offset * view.dims[d].steps[k]
      }
    }
    var dims: [View.Dim] = []
    for a in 0..<shape.count {
      var steps = Array(repeating: 0, count: rank)
      for (d, e) in indices.enumerated() {
        let c = e.coefficient(a)
        if c == 0 { continue }
        for k in 0..<rank { steps[k] += c * view.dims[d].steps[k] }
      }
      dims.append(View.Dim(count: shape[a], steps: steps))
    }
    return .success(View(tensor: view.tensor, start: start, dims: dims))
  }
}
