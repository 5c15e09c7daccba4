import COpenBLAS
import Foundation

/// Direct OpenBLAS calls for baselines (benchmarks compare tile kernels against one BLAS call).
public enum HostBLAS {
  /// `c[M, N] = aT[K, M]ᵀ · b[K, N]` in one `cblas_sgemm` call (row-major, fp32).
  public static func sgemmTransposedA(
    _ aT: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int
  ) {
    cblas_sgemm(
      CblasRowMajor, CblasTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, aT, Int32(m), b, Int32(n), 0, c,
      Int32(n))
  }

  /// `c[M, N] = a[M, K] · bT[N, K]ᵀ` in one `cblas_sgemm` call (row-major, fp32).
  public static func sgemmTransposedB(
    _ a: UnsafePointer<Float>, _ bT: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int
  ) {
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), bT, Int32(k), 0, c,
      Int32(n))
  }

  /// `c[M, N] = a[M, K] · b[K, N]` in one `cblas_sgemm` call (row-major, fp32).
  public static func sgemm(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int
  ) {
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n), 0, c,
      Int32(n))
  }

  /// OpenBLAS's thread count (process-wide).
  public static var threads: Int {
    get { Int(openblas_get_num_threads()) }
    set { openblas_set_num_threads(Int32(newValue)) }
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
