#ifndef TESSEL_COPENBLAS_SHIM_H
#define TESSEL_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
