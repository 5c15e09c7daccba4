import Foundation
import TesselNumerics

/// Released arenas kept for later runs, by any interpreter of the process.
///
/// A run's arena holds every HBM tensor and one on-chip region per worker; for a real shape it
/// is tens of megabytes, and fresh memory of that size costs a page fault per 4 KiB page on first
/// touch, often more than the kernel itself. Runs therefore take an arena from this pool and give
/// it back when they finish, so that repeated runs (a command's `--repeat`, a unit-test suite
/// that builds an interpreter per call, the Python bridge) touch memory that is already mapped.
///
/// The pool keeps the most recently released arenas, at most ``maxCount`` of them and at most
/// ``maxBytes`` in total (the most recent one is always kept, whatever its size). An arena is
/// reused for a request of at least half its capacity, so a small run does not pin a large
/// arena. Contents are unspecified: every run initializes what it reads.
final class ArenaPool: @unchecked Sendable {
  /// The pool every interpreter uses.
  static let shared = ArenaPool(maxCount: 4, maxBytes: 1 << 30)

  /// At most this many arenas are kept.
  let maxCount: Int
  /// At most this many bytes are kept, beyond the most recently released arena.
  let maxBytes: Int
  private let lock = NSLock()
  /// Kept arenas, most recently released last.
  private var kept: [(memory: UnsafeMutablePointer<Float>, capacity: Int)] = []

  init(maxCount: Int, maxBytes: Int) {
    self.maxCount = maxCount
    self.maxBytes = maxBytes
  }

  /// An arena of at least `count` elements (and its capacity), from the pool when one fits.
  func take(_ count: Int) -> (memory: UnsafeMutablePointer<Float>, capacity: Int) {
    lock.lock()
    // The most recently released arena that fits without wasting more than half of it.
    if let i = kept.lastIndex(where: { $0.capacity >= count && $0.capacity / 2 <= count }) {
      let a = kept.remove(at: i)
      lock.unlock()
      return a
    }
    lock.unlock()
    return (HugePages.allocate(Float.self, capacity: count), count)
  }

  /// Gives an arena back to the pool, which may free older ones to stay within its bounds.
  func give(_ memory: UnsafeMutablePointer<Float>, capacity: Int) {
    lock.lock()
    kept.append((memory, capacity))
    var freed: [UnsafeMutablePointer<Float>] = []
    var bytes = kept.dropLast().reduce(0) { $0 + $1.capacity * 4 }
    while kept.count > 1 && (kept.count > maxCount || bytes > maxBytes) {
      let old = kept.removeFirst()
      bytes -= old.capacity * 4
      freed.append(old.memory)
    }
    lock.unlock()
    for f in freed { f.deallocate() }
  }

  /// Frees every kept arena.
  func purge() {
    lock.lock()
    let all = kept
    kept = []
    lock.unlock()
    for a in all { a.memory.deallocate() }
  }

  /// The bytes currently kept.
  var keptBytes: Int {
    lock.lock()
    defer { lock.unlock() }
    return kept.reduce(0) { $0 + $1.capacity * 4 }
  }
}

extension Interpreter {
  /// Frees the memory that finished runs keep for later ones (the arenas of the simulated HBM
  /// and on-chip memory).
  ///
  /// Later runs allocate afresh. Long-lived processes may call it after a
  /// burst of large runs; benchmarks call it between cases so that one case's memory does not
  /// count towards the next one's peak.
  public static func releaseCachedMemory() {
    ArenaPool.shared.purge()
  }
}
