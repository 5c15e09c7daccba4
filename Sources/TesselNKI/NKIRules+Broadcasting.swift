import TesselIR

extension NKIRules {
  /// The shape two operands broadcast to, NumPy's way (right-aligned; a size-1 dimension
  /// stretches); nil when they do not broadcast.
  ///
  /// ```swift
  /// NKIRules.broadcastShape([128, 1], [128, 512])   // [128, 512]
  /// NKIRules.broadcastShape([128, 4], [128, 512])   // nil
  /// ```
  public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = Swift.max(a.count, b.count)
    let x = Array(repeating: 1, count: rank - a.count) + a
    let y = Array(repeating: 1, count: rank - b.count) + b
    var out: [Int] = []
    for (p, q) in zip(x, y) {
      if p == q || q == 1 {
        out.append(p)
      } else if p == 1 {
        out.append(q)
      } else {
        return nil
      }
    }
    return out
  }

  /// `v` read as a view of `shape` (NumPy rules); nil when it does not broadcast to `shape`.
  ///
  /// New leading dimensions and stretched size-1 dimensions take zero steps.
  public static func broadcast(_ v: View, to shape: [Int]) -> View? {
    if v.shape == shape { return v }
    let rank = v.dims.count
    guard shape.count >= rank else { return nil }
    let tensorRank = v.start.count
    let pad = shape.count - rank
    var dims: [View.Dim] = []
    for d in 0..<shape.count {
      if d < pad {
        dims.append(.broadcast(rank: tensorRank, count: shape[d]))
        continue
      }
      let src = v.dims[d - pad]
      if src.count == shape[d] {
        dims.append(src)
      } else if src.count == 1 {
        dims.append(.broadcast(rank: tensorRank, count: shape[d]))
      } else {
        return nil
      }
    }
    return View(tensor: v.tensor, start: v.start, dims: dims)
  }

  /// Whether a view of `shape` against a tile of `target` is a per-partition column: the same
  /// rank or a `[P, 1]` column, the same partitions, one element per partition, and a target with
  /// more than one (such an operand becomes `tensor_scalar`'s `[P, 1]` operand, broadcast along
  /// every free dimension of a `[P, a, b]` tile as NKI does).
  public static func isPartitionColumn(_ shape: [Int], of target: [Int]) -> Bool {
    (shape.count == target.count || shape.count == 2) && target.count >= 2 && shape[0] == target[0]
      && shape.dropFirst().allSatisfy { $0 == 1 } && target.dropFirst().reduce(1, *) > 1
  }
}
