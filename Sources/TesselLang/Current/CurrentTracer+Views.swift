import TesselIR
import TesselNKI
import TesselPython

extension CurrentTracer {
  /// Two operands that must have the same tile shape: views of the same partitions and free
  /// size but other free shapes are regrouped to the destination's.
  func aligned(_ dst: View, _ src: View, at loc: SourceLocation) throws(TraceError) -> (View, View) {
    let v = try aligned([dst, src], at: loc)
    return (v[0], v[1])
  }

  /// Operands (destination first) regrouped to the destination's shape where they can be.
  func aligned(_ views: [View], at loc: SourceLocation) throws(TraceError) -> [View] {
    NKIRules.aligned(views)
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
