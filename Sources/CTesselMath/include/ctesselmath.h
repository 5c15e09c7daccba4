#ifndef CTESSELMATH_H
#define CTESSELMATH_H

#include <stddef.h>

/// Replaces each of the `n` floats at `x` by its exponential, correctly rounded except within
/// about 1e-13 (relative) of a rounding boundary; NaN inputs are left unchanged (payload
/// included). Results are bit-identical on every x86-64 and other CPU: the widest vector unit
/// found at run time only changes how many lanes run at once, never the arithmetic.
void tessel_exp_f32(float *x, size_t n);

/// The same with a given implementation, for tests: 0 generic, 1 AVX2, 2 AVX-512F. Returns 0
/// when the CPU lacks it (nothing is written).
int tessel_exp_f32_variant(int variant, float *x, size_t n);

#endif
