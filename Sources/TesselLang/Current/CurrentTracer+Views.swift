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
  /// affine_select pattern, ``NKIRules/patterned(_:counts:)``).
  func patterned(
    _ v: View, _ pattern: [(step: Int, count: Int)], operation: String, at loc: SourceLocation
  ) throws(TraceError) -> View {
    do {
      return try NKIRules.patterned(v, counts: pattern.map(\.count))
    } catch {
      throw TraceError(rule: error.kind, operation: operation, at: loc)
    }
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
