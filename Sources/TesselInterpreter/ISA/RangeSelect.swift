import TesselIR
import TesselNumerics

/// `nisa.range_select` on dense rows (one row per partition): keeps the elements whose free
/// index lies in a per-partition range and fills the rest, reducing each row with `maximum`.
///
/// For element `f` of row `p` (free dimensions flattened), with `i = rangeStart + f` as fp32:
/// `dst[p, f] = cmp0(i, bound0[p]) && cmp1(i, bound1[p]) ? src[p, f] : onFalse`, and
/// `reduce[p] = max_f dst[p, f]` computed on the fp32 values before they are rounded to the
/// destination's dtype (so a bf16 `dst` can hold -inf where `reduce` holds `-FLT_MAX`).
enum RangeSelect {
  /// Applies the selection and the reduction (when `reduce` is given).
  static func apply(
    src: UnsafeBufferPointer<Float>, rows: Int, columns: Int, bound0: UnsafeBufferPointer<Float>,
    bound1: UnsafeBufferPointer<Float>, cmp0: ALUOp, cmp1: ALUOp, rangeStart: Int, onFalse: Float,
    dst: UnsafeMutableBufferPointer<Float>, reduce: UnsafeMutableBufferPointer<Float>?
  ) {
    for p in 0..<rows {
      let b0 = bound0[p]
      let b1 = bound1[p]
      var best = -Float.infinity
      for f in 0..<columns {
        let i = Float(rangeStart + f)
        let keep = cmp0.apply(i, b0) != 0 && cmp1.apply(i, b1) != 0
        let v = keep ? src[p * columns + f] : onFalse
        dst[p * columns + f] = v
        best = f == 0 ? v : ALUOp.maximum.apply(best, v)
      }
      reduce?[p] = best
    }
  }
}
