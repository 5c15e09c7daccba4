import Dispatch

/// Runs `body(i)` for `i` in `0..<count`, concurrently when `count > 1`. The caller makes sure
/// the calls touch disjoint memory.
func concurrently(_ count: Int, _ body: (Int) -> Void) {
  if count <= 1 {
    if count == 1 { body(0) }
    return
  }
  withoutActuallyEscaping(body) { body in
    let job = UncheckedSendable(ClosureBox(body))
    DispatchQueue.concurrentPerform(iterations: count) { i in job.value.body(i) }
  }
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

final class ClosureBox {
  let body: (Int) -> Void
  init(_ body: @escaping (Int) -> Void) { self.body = body }
}
