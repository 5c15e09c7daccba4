#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs parser work on a thread with a known, large stack.
///
/// The parser is recursive descent, so its stack use grows with nesting. Its nesting limits
/// (200 brackets, ``Parser/maximumNestingDepth`` nested operators) bound that growth, but the
/// bound is several megabytes in debug builds, where every temporary gets its own stack slot,
/// while secondary threads may have as little as 512 KiB (Darwin's default). Running the parser
/// on its own 64 MiB stack makes the limits, not the caller's thread, decide what parses, in
/// debug and release builds alike. The stack is reserved, not committed: only the pages a parse
/// touches use memory.
package enum LargeStack {
  /// The stack size of the parser thread.
  static let stackSize = 64 << 20

  /// Runs `work` on a new thread with a ``stackSize`` stack and returns its result; runs it on
  /// the current thread if a thread cannot be created.
  package static func run<T>(_ work: @escaping () -> T) -> T {
    let box = ResultBox<T>()
    let job = ThreadJob { box.value = work() }
    if job.runToCompletion(stackSize: stackSize), let value = box.value {
      return value
    }
    return work()
  }

  /// Starts `work` on a new detached thread with a ``stackSize`` stack; false if no thread could
  /// be started.
  ///
  /// The caller synchronizes with the thread itself (the evaluator's generators).
  package static func start(_ work: @escaping () -> Void) -> Bool {
    ThreadJob(work).start(stackSize: stackSize, join: false)
  }

  /// Holds a result written by the parser thread and read after joining it.
  private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
  }
}

/// A closure run on its own thread; `pthread_join` orders its writes before the caller's reads.
private final class ThreadJob: @unchecked Sendable {
  let body: () -> Void

  init(_ body: @escaping () -> Void) {
    self.body = body
  }

  /// Starts a thread running `body` and waits for it; false if no thread could be started.
  func runToCompletion(stackSize: Int) -> Bool {
    start(stackSize: stackSize, join: true)
  }

  /// Starts a thread running `body`, then joins it or detaches it.
  func start(stackSize: Int, join: Bool) -> Bool {
    var attributes = pthread_attr_t()
    guard pthread_attr_init(&attributes) == 0 else { return false }
    defer { pthread_attr_destroy(&attributes) }
    guard pthread_attr_setstacksize(&attributes, stackSize) == 0 else { return false }
    let context = Unmanaged.passRetained(self).toOpaque()
    #if canImport(Darwin)
    var thread: pthread_t?
    guard pthread_create(&thread, &attributes, threadJobEntry, context) == 0, let thread else {
      Unmanaged<ThreadJob>.fromOpaque(context).release()
      return false
    }
    #else
    var thread = pthread_t()
    guard pthread_create(&thread, &attributes, threadJobEntry, context) == 0 else {
      Unmanaged<ThreadJob>.fromOpaque(context).release()
      return false
    }
    #endif
    return join ? pthread_join(thread, nil) == 0 : pthread_detach(thread) == 0
  }
}

/// The thread entry point: runs the job passed as the retained context.
#if canImport(Darwin)
private func threadJobEntry(_ context: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
  Unmanaged<ThreadJob>.fromOpaque(context).takeRetainedValue().body()
  return nil
}
#else
private func threadJobEntry(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
  guard let context else { return nil }
  Unmanaged<ThreadJob>.fromOpaque(context).takeRetainedValue().body()
  return nil
}
#endif
