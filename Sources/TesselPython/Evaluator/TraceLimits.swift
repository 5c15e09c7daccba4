import Dispatch

/// Bounds on the Python-level work of one trace, so that a runaway kernel source (an enormous
/// `static_range`, exponential recursion at trace time) becomes an error instead of a hang.
///
/// ```swift
/// let traced = try file.trace(arguments: args, limits: TraceLimits(maxSteps: 100_000, maxSeconds: 1))
/// ```
public struct TraceLimits: Sendable, Hashable {
  /// The most statements a trace may execute (unrolled loops and inlined calls count each time).
  public var maxSteps: Int
  /// The most wall-clock seconds a trace may take.
  public var maxSeconds: Double

  /// Creates limits; the defaults leave every tutorial kernel (at most a few thousand steps and
  /// 10 ms) orders of magnitude of room.
  public init(maxSteps: Int = 5_000_000, maxSeconds: Double = 60) {
    self.maxSteps = maxSteps
    self.maxSeconds = maxSeconds
  }

  /// The `DispatchTime` nanosecond reading at which a trace starting now must stop.
  package var deadline: UInt64 {
    let seconds = maxSeconds.isNaN ? 0 : Swift.max(0, Swift.min(maxSeconds, 1e9))
    return DispatchTime.now().uptimeNanoseconds &+ UInt64(seconds * 1e9)
  }
}
