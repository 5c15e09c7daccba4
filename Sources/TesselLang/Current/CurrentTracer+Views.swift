import TesselIR
import TesselPython

extension View {
  /// The view with its dimensions regrouped into `shape` (same elements, same order), when its
  /// dimensions can be merged and split with constant steps; nil otherwise.
  func reshaped(to shape: [Int]) -> View? {
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

extension CurrentTracer {
  /// Two operands that must have the same tile shape: views of the same partitions and free
  /// size but other free shapes are regrouped to the destination's.
  func aligned(_ dst: View, _ src: View, at loc: SourceLocation) throws(TraceError) -> (View, View) {
    let v = try aligned([dst, src], at: loc)
    return (v[0], v[1])
  }

  /// Operands (destination first) regrouped to the destination's shape where they can be.
  func aligned(_ views: [View], at loc: SourceLocation) throws(TraceError) -> [View] {
    guard let dst = views.first else { return views }
    return views.map { v in
      if v.shape == dst.shape || v.partitionCount != dst.partitionCount || v.elementCount != dst.elementCount {
        return v
      }
      return v.reshaped(to: dst.shape) ?? v
    }
  }

  /// A tile view regrouped into `[P] + pattern counts` (the iteration space of an iota or
  /// affine_select pattern).
  func patterned(_ v: View, _ pattern: [(step: Int, count: Int)], at loc: SourceLocation) throws(TraceError) -> View {
    let shape = [v.partitionCount] + pattern.map(\.count)
    if v.shape == shape { return v }
    guard pattern.map(\.count).reduce(1, *) == v.freeElementCount else {
      throw TraceError(
        rule: .shapeMismatch(operands: ["dst", "pattern"], shapes: [v.shape, shape]), operation: nil, at: loc)
    }
    guard let r = v.reshaped(to: shape) else {
      throw TraceError.unsupported(
        "a pattern \(pattern.map { [$0.step, $0.count] }) over a non-contiguous view \(v.shape)", at: loc)
    }
    return r
  }

  /// `dst[...] = src`: a DMA when either side is in HBM, a tensor copy on chip.
  func copy(dst: NkiTensor, src: NkiTensor, at loc: SourceLocation) throws(TraceError) {
    let d = try dst.irView(at: loc)
    let s = try src.irView(at: loc)
    if dst.isOnChip && src.isOnChip {
      let (dd, ss) = try aligned(d, s, at: loc)
      emit(.tensorCopy(dst: dd, src: ss), at: loc)
    } else {
      emit(.dmaCopy(dst: d, src: s), at: loc)
    }
  }
}
