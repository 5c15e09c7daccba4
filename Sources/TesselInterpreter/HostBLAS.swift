import COpenBLAS
import Foundation

/// Direct OpenBLAS calls for baselines (benchmarks compare tile kernels against one BLAS call).
///
/// These calls may use OpenBLAS's thread pool (after ``useEveryCore()``), so each holds the lock
/// that ``useOneThread()`` ends the pool under: a kernel run on another thread never ends the
/// pool under a multithreaded call made here. (Code that calls OpenBLAS directly with several
/// threads must not run at the same time as a kernel.)
public enum HostBLAS {
  /// `c[M, N] = a · b` in one `cblas_sgemm` call (row-major, fp32).
  ///
  /// `a` is stored `[M, K]`, or `[K, M]` when `transposedA` (then `a` is its transpose); `b` is
  /// stored `[K, N]`, or `[N, K]` when `transposedB`.
  public static func sgemm(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int,
    transposedA: Bool = false, transposedB: Bool = false
  ) {
    withPoolLock {
      cblas_sgemm(
        CblasRowMajor, transposedA ? CblasTrans : CblasNoTrans, transposedB ? CblasTrans : CblasNoTrans, Int32(m),
        Int32(n), Int32(k), 1, a, Int32(transposedA ? m : k), b, Int32(transposedB ? k : n), 0, c, Int32(n))
    }
  }

  /// OpenBLAS's thread count (process-wide).
  public static var threads: Int {
    get { Int(openblas_get_num_threads()) }
    set { openblas_set_num_threads(Int32(newValue)) }
  }

  /// Puts OpenBLAS on one thread and ends its thread pool.
  ///
  /// OpenBLAS starts its pool when it loads (one thread per core unless `OPENBLAS_NUM_THREADS`
  /// says otherwise), and the pool's threads spin for about 0.1 s after the load and after each
  /// multithreaded call before they sleep, taking a core from the interpreter's workers. A process
  /// that runs kernels right after it starts (the command line, the Python bridge, a test) runs
  /// them in that window, so the interpreter ends the pool before it runs. OpenBLAS starts the
  /// pool again by itself on its next multithreaded call (after ``useEveryCore()``).
  public static func useOneThread() {
    withPoolLock {
      if threads != 1 { threads = 1 }
      if isPoolRunning { tessel_openblas_end_pool() }
    }
  }

  /// Whether OpenBLAS's worker threads exist.
  public static var isPoolRunning: Bool { tessel_openblas_pool_running() != 0 }

  /// Serialises ending the pool with itself and with the BLAS calls here.
  private static let poolLock = NSLock()

  /// Runs `body` holding ``poolLock``.
  private static func withPoolLock(_ body: () -> Void) {
    poolLock.lock()
    defer { poolLock.unlock() }
    body()
  }

  /// Sets OpenBLAS to one thread per core, for a baseline that calls it directly (the
  /// interpreter sets it back to one thread for its own, deterministic, tile matmuls).
  public static func useEveryCore() {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    if threads != cores { threads = cores }
  }

  /// The OpenBLAS core kernel in use (such as `Haswell` or `SkylakeX`) and its thread count.
  public static var configuration: (core: String, threads: Int) {
    let name = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
    return (name, Int(openblas_get_num_threads()))
  }
}
