/// A guard that stops a loop which no longer makes progress.
///
/// After swift-syntax's `LoopProgressCondition`: every lexer and parser loop calls
/// ``evaluate(_:)`` with a position that must grow on each iteration (a byte offset or a token
/// index). In debug builds a stalled loop is a bug and asserts; in release builds the loop ends,
/// and the caller reports a syntax error, so malformed input can never hang the front end.
struct LoopProgressCondition {
  private var last: Int?

  /// Creates a guard that has seen no position yet.
  init() {}

  /// Records `position` and returns whether it moved past the previous one.
  mutating func evaluate(_ position: Int) -> Bool {
    defer { last = position }
    guard let last else { return true }
    let progressed = position > last
    assert(progressed, "loop made no progress at position \(position)")
    return progressed
  }
}
