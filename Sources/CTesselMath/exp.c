// Vectorised fp32 exp, evaluated in double precision (see include/ctesselmath.h).
//
// One scalar loop body is compiled three times, for the baseline ISA and with AVX2 and AVX-512F
// enabled, and the compiler vectorises each. Contraction into fused multiply-adds is turned off,
// so every variant performs the same IEEE operations in the same order and rounds identically.
//
// exp(x) = 2^k · e^r with z = x·log2(e), k = round(z) (adding and subtracting 1.5·2^52) and
// r = (z − k)·ln 2, |r| ≤ ln2/2; e^r is its degree-11 Taylor polynomial (relative truncation
// error below 3e-14), 2^k enters through the exponent bits, and the product is rounded once to
// fp32. Inputs are clamped to [−150, 100], where fp32 exp is already 0 or +inf.

#include "ctesselmath.h"
#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)

static inline float exp_one(float xf) {
  float c = xf < -150.0f ? -150.0f : (xf > 100.0f ? 100.0f : xf);
  c = (xf != xf) ? 0.0f : c;
  const double shift = 6755399441055744.0;  // 1.5 * 2^52
  double z = (double)c * 1.4426950408889634;
  double zs = z + shift;
  double k = zs - shift;
  double r = (z - k) * 0.6931471805599453;
  double p = 1.0 / 39916800;
  p = p * r + 1.0 / 3628800;
  p = p * r + 1.0 / 362880;
  p = p * r + 1.0 / 40320;
  p = p * r + 1.0 / 5040;
  p = p * r + 1.0 / 720;
  p = p * r + 1.0 / 120;
  p = p * r + 1.0 / 24;
  p = p * r + 1.0 / 6;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  uint64_t zb, sb;
  memcpy(&zb, &zs, 8);
  memcpy(&sb, &shift, 8);
  uint64_t scaleBits = ((zb - sb) + 1023) << 52;
  double scale;
  memcpy(&scale, &scaleBits, 8);
  float y = (float)(p * scale);
  return (xf != xf) ? xf : y;
}

#define EXP_LOOP                                   \
  for (size_t i = 0; i < n; i++) x[i] = exp_one(x[i]);

static void exp_generic(float *x, size_t n) { EXP_LOOP }

#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("avx2"))) static void exp_avx2(float *x, size_t n) { EXP_LOOP }
__attribute__((target("avx512f"))) static void exp_avx512(float *x, size_t n) { EXP_LOOP }

static int best_variant(void) {
  static int cached = -1;
  int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
  if (v >= 0) return v;
  __builtin_cpu_init();
  v = __builtin_cpu_supports("avx512f") ? 2 : (__builtin_cpu_supports("avx2") ? 1 : 0);
  __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
  return v;
}
#endif

int tessel_exp_f32_variant(int variant, float *x, size_t n) {
  switch (variant) {
  case 0: exp_generic(x, n); return 1;
#if defined(__x86_64__) && defined(__clang__)
  case 1:
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2")) return 0;
    exp_avx2(x, n);
    return 1;
  case 2:
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512f")) return 0;
    exp_avx512(x, n);
    return 1;
#endif
  default: return 0;
  }
}

void tessel_exp_f32(float *x, size_t n) {
#if defined(__x86_64__) && defined(__clang__)
  switch (best_variant()) {
  case 2: exp_avx512(x, n); return;
  case 1: exp_avx2(x, n); return;
  default: break;
  }
#endif
  exp_generic(x, n);
}
