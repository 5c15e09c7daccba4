import Foundation
import TesselIR

/// Runs `body(i)` for `i` in `0..<count`, concurrently on the ``WorkerPool`` when `count > 1`.
///
/// The caller makes sure
/// the calls touch disjoint memory.
func concurrently(_ count: Int, _ body: (Int) -> Void) {
  WorkerPool.shared.run(count, body)
}

/// Splits `0..<n` into up to `parts` contiguous ranges (one when `n` is small) and runs them
/// concurrently.
func concurrentChunks(_ n: Int, parts: Int, minimum: Int = 1 << 18, _ body: (Range<Int>) -> Void) {
  concurrentChunks(n, parts: parts, minimum: minimum) { _, r in body(r) }
}

/// ``concurrentChunks(_:parts:minimum:_:)`` with the chunk's index (below `parts`).
func concurrentChunks(_ n: Int, parts: Int, minimum: Int = 1 << 18, _ body: (Int, Range<Int>) -> Void) {
  let k = n < 2 * minimum ? 1 : Swift.max(1, Swift.min(parts, n / minimum))
  concurrently(k) { i in body(i, (n * i / k)..<(n * (i + 1) / k)) }
}

/// Hands out `0..<count` one index at a time to concurrent workers.
final class WorkCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var next: Int
  private let count: Int
  init(_ count: Int, from start: Int = 0) {
    self.count = count
    next = start
  }
  func claim() -> Int? {
    lock.lock()
    defer { lock.unlock() }
    if next >= count { return nil }
    next += 1
    return next - 1
  }
}
