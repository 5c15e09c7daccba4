#ifndef TESSEL_COPENBLAS_SHIM_H
#define TESSEL_COPENBLAS_SHIM_H
#include <cblas.h>

/* OpenBLAS's thread-pool shutdown and its "pool running" flag. Its threaded builds export both
   (its own fork handler uses them) and start the pool again by themselves on the next
   multithreaded call; its single-threaded builds have neither, hence the weak references. */
extern int blas_thread_shutdown_(void) __attribute__((weak));
extern int blas_server_avail __attribute__((weak));

/* Whether OpenBLAS's worker threads exist. */
static inline int tessel_openblas_pool_running(void) {
  return &blas_server_avail != 0 && blas_server_avail != 0;
}

/* Ends OpenBLAS's worker threads (a no-op in a build without them). */
static inline void tessel_openblas_end_pool(void) {
  if (blas_thread_shutdown_ != 0) blas_thread_shutdown_();
}
#endif
