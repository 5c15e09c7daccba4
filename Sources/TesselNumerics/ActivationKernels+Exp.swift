import CTesselMath

/// `exp` for fp32, correctly rounded, vectorised in C (`Sources/CTesselMath/exp.c`).
///
/// The argument is reduced in double precision and `e^r` is a degree-11 polynomial, so the one
/// rounding to fp32 at the end gives the correctly rounded `exp(x)` for every fp32 input but
/// three (one ulp off; found by an exhaustive comparison with `Float(exp(Double(x)))`, see
/// docs/numerics.md). glibc's `expf` is off by one ulp for 170,648 inputs. The C loop is
/// compiled for the baseline ISA, AVX2 and AVX-512F without fused multiply-adds, so every CPU
/// gets the same bits; the widest available runs.
extension ActivationKernels {
  /// `exp` of one value, by the same arithmetic as the buffer form.
  @inline(__always)
  static func exp(_ x: Float) -> Float {
    var y = x
    tessel_exp_f32(&y, 1)
    return y
  }

  /// `exp` of every element of `buffer`, in place; NaN elements (poison included) stay as they are.
  static func exp(_ buffer: UnsafeMutableBufferPointer<Float>) {
    guard let base = buffer.baseAddress else { return }
    tessel_exp_f32(base, buffer.count)
  }
}
