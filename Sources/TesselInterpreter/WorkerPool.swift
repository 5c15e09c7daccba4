import Foundation

/// Runs the units of concurrent jobs on the calling thread and on long-lived helper threads,
/// without ever waiting for a helper that has not started.
///
/// A job's units are claimed one at a time, by its caller and by whichever helpers wake while
/// units remain. When the caller finds none left, it waits only for the units helpers are
/// running. On a loaded machine a helper may be scheduled late; the caller then runs the units
/// itself, as a serial run would, instead of waiting for the helper to be scheduled
/// (`DispatchQueue.concurrentPerform` waits for every worker thread it asked for, even one that
/// finds no work left). Several jobs can be open at once (runs on different threads, or a
/// unit that starts a job of its own); helpers serve the oldest job with units left.
final class WorkerPool: @unchecked Sendable {
  /// The process's pool: one helper per core beyond the first.
  static let shared = WorkerPool(helpers: cores - 1)

  /// The cores a run may use (1 to 64), read once per process: Foundation reads the cgroup files
  /// under /sys each time `activeProcessorCount` is asked (tens of microseconds, which a kernel
  /// run many times by a test suite paid on every run).
  static let cores = Swift.max(1, Swift.min(ProcessInfo.processInfo.activeProcessorCount, 64))

  /// One call of ``run(_:_:)``: its units and who is running them (guarded by the pool's lock).
  private final class Job {
    /// The units' body; cleared when the job ends, so that no reference outlives the call.
    var body: ((Int) -> Void)?
    let count: Int
    /// The next unit to hand out.
    var next = 0
    /// Units helpers are running.
    var running = 0
    init(count: Int, body: @escaping (Int) -> Void) {
      self.count = count
      self.body = body
    }
  }

  private let condition = NSCondition()
  private var open: [Job] = []
  private let helpers: Int
  private var helpersStarted = false

  init(helpers: Int) { self.helpers = helpers }

  /// Runs `body(i)` for every `i` in `0..<count`, on this thread and on idle helpers; returns
  /// when every call has returned.
  ///
  /// The calls must touch disjoint memory; which thread runs which unit is not fixed.
  func run(_ count: Int, _ body: (Int) -> Void) {
    if count <= 1 || helpers == 0 {
      for i in 0..<count { body(i) }
      return
    }
    withoutActuallyEscaping(body) { body in
      let job = Job(count: count, body: body)
      condition.lock()
      startHelpersIfNeeded()
      open.append(job)
      condition.broadcast()
      while job.next < count {
        let unit = job.next
        job.next += 1
        condition.unlock()
        body(unit)
        condition.lock()
      }
      open.removeAll { $0 === job }
      while job.running > 0 { condition.wait() }
      job.body = nil
      condition.unlock()
    }
  }

  /// Starts the helper threads on the first job (called with the lock held).
  private func startHelpersIfNeeded() {
    guard !helpersStarted else { return }
    helpersStarted = true
    for _ in 0..<helpers {
      let thread = Thread { [self] in serve() }
      thread.stackSize = 8 << 20
      thread.start()
    }
  }

  /// A helper's life: take a unit of the oldest open job with units left, or sleep.
  private func serve() {
    condition.lock()
    while true {
      guard let job = open.first(where: { $0.next < $0.count }) else {
        condition.wait()
        continue
      }
      let unit = job.next
      job.next += 1
      job.running += 1
      condition.unlock()
      WorkerPool.runUnit(job, unit)
      condition.lock()
      job.running -= 1
      if job.running == 0 { condition.broadcast() }
    }
  }

  /// Calls a job's body outside the helper loop, so that the closure is released by the time
  /// the helper reports the unit done.
  @inline(never)
  private static func runUnit(_ job: Job, _ unit: Int) { job.body?(unit) }
}
