import Dispatch
import TesselIR

/// A generator: a call of a function that contains `yield`, as Python code holds it.
///
/// The body runs on a thread of its own (``GeneratorCore``) and hands control back and forth with
/// the code that iterates over it, so the two interleave exactly as in Python (side effects
/// included). The thread holds the core, never this object: when the last reference to a
/// generator suspended at a `yield` goes, it is handed to its scope arena, which closes it at the
/// next statement boundary (its pending `finally` blocks run, as when Python collects it); a
/// generator still suspended when the trace ends is closed by the arena too.
package final class PyGenerator: LazyIterator {
  let core: GeneratorCore

  package init(function: PyFunction, scope: Scope, evaluator: Evaluator) {
    core = GeneratorCore(function: function, scope: scope, evaluator: evaluator)
  }

  deinit { core.abandon() }

  package var typeName: String { "generator" }

  package func next(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    try core.resume(ev, at: location)
  }

  package func iterate(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> [Value]? {
    var out: [Value] = []
    while let v = try core.resume(ev, at: location) {
      out.append(v)
      if out.count > 1_000_000 {
        throw TraceError.unsupported("a generator of more than 1,000,000 items", at: location)
      }
    }
    return out
  }

  package func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    switch name {
    case "send":
      return .builtin(
        BuiltinFunction("generator.send(value, /)") { a, ev, loc throws(TraceError) in
          if self.core.state == .created, let v = a[0], !v.isNone {
            throw TraceError.typeError(.message("can't send non-None value to a just-started generator"), at: loc)
          }
          self.core.sent = a[0] ?? .none
          guard let v = try self.core.resume(ev, at: loc) else { throw TraceError.python("StopIteration", "", at: loc) }
          return v
        })
    case "close":
      return .builtin(
        BuiltinFunction("generator.close()") { _, ev, loc throws(TraceError) in
          guard self.core.state == .suspended else {
            self.core.state = .finished
            return .none
          }
          self.core.closing = true
          _ = try self.core.resume(ev, at: loc)
          return .none
        })
    case "__next__":
      return .builtin(
        BuiltinFunction("generator.__next__()") { _, ev, loc throws(TraceError) in
          guard let v = try self.core.resume(ev, at: loc) else { throw TraceError.python("StopIteration", "", at: loc) }
          return v
        })
    default: return nil
    }
  }

  package func repr(_ ev: Evaluator) throws(TraceError) -> String {
    "<generator object \(core.function.qualifiedName)>"
  }
}

/// The running body of a generator: its thread, its state and its share of the evaluator's stacks.
///
/// At each `yield` the generator's thread stops and the consumer's continues. Only one of them
/// runs at a time.
package final class GeneratorCore {
  enum Outcome {
    case yielded(Value)
    case returned
    case failed(TraceError)
  }

  enum State { case created, suspended, running, finished }

  let function: PyFunction
  let scope: Scope
  weak var ev: Evaluator?
  var state: State = .created
  /// Set while the generator is asked to close: the suspended `yield` raises `GeneratorExit`.
  var closing = false
  /// What `send()` passed in, returned by the `yield` that resumes.
  var sent: Value = .none
  var outcome: Outcome = .returned
  let resumeSignal = DispatchSemaphore(value: 0)
  let yieldSignal = DispatchSemaphore(value: 0)
  /// The evaluator's stacks that belong to the generator while it is suspended.
  var savedFrames: [Scope] = []
  var savedHandling: [TraceError] = []
  var savedDepth = 0
  var baseFrames = 0, baseHandling = 0, baseDepth = 0

  init(function: PyFunction, scope: Scope, evaluator: Evaluator) {
    self.function = function
    self.scope = scope
    ev = evaluator
    savedFrames = [scope]
    scope.arena?.register(self)
  }

  /// Hands a generator suspended at a `yield` to its scope arena to be closed: nothing can
  /// resume it any more (the last reference to its ``PyGenerator`` went).
  func abandon() {
    guard state == .suspended else { return }
    scope.arena?.abandon(self)
  }

  /// Closes a generator suspended at a `yield`, so that its thread ends.
  ///
  /// The suspended `yield` raises `GeneratorExit` and the pending `finally` blocks run, as when
  /// Python collects an unfinished generator. The scope arena calls this at a statement boundary
  /// for an abandoned generator, and for every suspended one at the end of the trace.
  func closeIfSuspended() {
    guard state == .suspended else { return }
    state = .running
    closing = true
    resumeSignal.signal()
    yieldSignal.wait()
    state = .finished
  }

  /// Runs the generator to its next `yield` (nil when it returns).
  func resume(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    switch state {
    case .finished: return nil
    case .running: throw TraceError.python("ValueError", "generator already executing", at: location)
    case .created:
      state = .running
      let box = UncheckedBox(self)
      guard LargeStack.start({ box.value.run() }) else {
        state = .finished
        throw TraceError.unsupported("a generator (no thread could be started for it)", at: location)
      }
    case .suspended:
      state = .running
      resumeSignal.signal()
    }
    yieldSignal.wait()
    switch outcome {
    case .yielded(let v):
      state = .suspended
      return v
    case .returned:
      state = .finished
      return nil
    case .failed(let e):
      state = .finished
      throw e
    }
  }

  /// The generator thread: the function's body, then the final outcome.
  func run() {
    guard let ev else {
      outcome = .returned
      yieldSignal.signal()
      return
    }
    enter(ev)
    do throws(TraceError) {
      if case .statements(let body) = function.body { _ = try ev.exec(body, scope) }
      outcome = .returned
    } catch {
      outcome = closing && error.exception?.type == "GeneratorExit" ? .returned : .failed(error)
    }
    leave(ev)
    yieldSignal.signal()
  }

  /// `yield value` on the generator's thread: hands `value` to the consumer and waits to be resumed.
  func yieldValue(_ value: Value, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value {
    outcome = .yielded(value)
    leave(ev)
    yieldSignal.signal()
    resumeSignal.wait()
    enter(ev)
    if closing { throw TraceError.python("GeneratorExit", "", at: location) }
    let v = sent
    sent = .none
    return v
  }

  /// Puts the generator's frames back on the evaluator's stacks.
  func enter(_ ev: Evaluator) {
    baseFrames = ev.frames.count
    baseHandling = ev.handling.count
    baseDepth = ev.depth
    ev.frames += savedFrames
    ev.handling += savedHandling
    ev.depth += savedDepth
    ev.generators.append(self)
  }

  /// Takes the generator's frames off the evaluator's stacks.
  func leave(_ ev: Evaluator) {
    savedFrames = Array(ev.frames[baseFrames...])
    ev.frames.removeLast(ev.frames.count - baseFrames)
    savedHandling = Array(ev.handling[baseHandling...])
    ev.handling.removeLast(ev.handling.count - baseHandling)
    savedDepth = ev.depth - baseDepth
    ev.depth = baseDepth
    if let i = ev.generators.lastIndex(where: { $0 === self }) { ev.generators.remove(at: i) }
  }
}

/// Moves a non-Sendable object to the generator's thread, which never runs at the same time as
/// the thread that made it.
final class UncheckedBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
