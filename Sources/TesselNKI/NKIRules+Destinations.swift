import TesselIR

extension View {
  /// The view with its dimensions regrouped into `shape` (same elements, same order), when its
  /// dimensions can be merged and split with constant steps; nil otherwise.
  ///
  /// ```swift
  /// v.shape                      // [128, 4, 8]
  /// v.reshaped(to: [128, 32])    // the same elements as one free dimension
  /// ```
  public func reshaped(to shape: [Int]) -> View? {
    guard shape.reduce(1, *) == elementCount else { return nil }
    if shape == self.shape { return self }
    // Merge into runs of dimensions that step evenly (ignoring size-1 dimensions).
    let rank = start.count
    var runs: [(count: Int, steps: [Int])] = []
    for d in dims where d.count != 1 {
      if let last = runs.last, last.steps == d.steps.map({ $0 * d.count }) {
        runs[runs.count - 1] = (last.count * d.count, d.steps)
      } else {
        runs.append((d.count, d.steps))
      }
    }
    // Split the runs into the new shape.
    var out: [Dim] = []
    var r = 0
    var remaining = runs.first?.count ?? 1
    for n in shape {
      if n == 1 {
        out.append(.broadcast(rank: rank, count: 1))
        continue
      }
      guard r < runs.count, remaining % n == 0 else { return nil }
      remaining /= n
      out.append(Dim(count: n, steps: runs[r].steps.map { $0 * remaining }))
      if remaining == 1 {
        r += 1
        remaining = r < runs.count ? runs[r].count : 1
      }
    }
    guard r == runs.count else { return nil }
    var v = self
    v.dims = out
    return v
  }
}

extension NKIRules {
  /// The operands of a destination-passing instruction (destination first), each regrouped to
  /// the destination's shape when it covers the same partitions and as many elements in another
  /// free shape (`dst[128, 512]` against `data[128, 4, 128]`); other operands stay as they are
  /// and the verifier judges them.
  ///
  /// ```swift
  /// NKIRules.aligned([dst, data1, data2])   // data1, data2 seen with dst's shape
  /// ```
  public static func aligned(_ views: [View]) -> [View] {
    guard let dst = views.first else { return views }
    return views.map { v in
      if v.shape == dst.shape || v.partitionCount != dst.partitionCount || v.elementCount != dst.elementCount {
        return v
      }
      return v.reshaped(to: dst.shape) ?? v
    }
  }

  /// The destination of a destination-passing reduction over `axes` of a `sourceShape` operand,
  /// regrouped to the kept dimensions (or, with `keepDims`, to the source's rank with size-1
  /// reduced dimensions) when it holds the right elements in another shape.
  ///
  /// ```swift
  /// // nisa.tensor_reduce(dst=row_max[0:p, 0:1], op=nl.maximum, data=t[0:p, :], axis=1)
  /// NKIRules.reductionDestination(dst, sourceShape: [p, 512], axes: [1], keepDims: false)
  /// ```
  public static func reductionDestination(_ dst: View, sourceShape: [Int], axes: [Int], keepDims: Bool) -> View {
    let kept = sourceShape.indices.filter { !axes.contains($0) }.map { sourceShape[$0] }
    let withOnes = sourceShape.indices.map { axes.contains($0) ? 1 : sourceShape[$0] }
    if dst.shape == kept || dst.shape == withOnes { return dst }
    return dst.reshaped(to: keepDims ? withOnes : kept) ?? dst.reshaped(to: kept) ?? dst.reshaped(to: withOnes) ?? dst
  }
}

extension NKIRules {
  /// The axes `nisa.dma_transpose` permutes by when the kernel gives none: the reversed axes of a
  /// 2-D or 3-D source, `[3, 1, 2, 0]` for a 4-D one.
  ///
  /// ```swift
  /// NKIRules.defaultTransposeAxes(rank: 2)   // [1, 0]
  /// ```
  public static func defaultTransposeAxes(rank: Int) -> [Int] {
    rank == 2 ? [1, 0] : rank == 3 ? [2, 1, 0] : [3, 1, 2, 0]
  }
}
