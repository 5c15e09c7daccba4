/// The kind of a structured loop.
public enum LoopKind: String, Sendable, Hashable, Codable {
  /// `nl.affine_range`: iterations are independent (they may run in any order or in parallel).
  case affine = "affine_range"
  /// `nl.sequential_range` (and Python `range` in the legacy dialect): iterations carry state.
  case sequential = "sequential_range"
}

/// A structured loop: the induction variable runs `start, start + step, … < stop`.
public struct Loop: Sendable, Hashable, Codable {
  /// The induction variable.
  public var variable: IndexVar
  /// The first value.
  public var start: Int
  /// The exclusive bound.
  public var stop: Int
  /// The step (nonzero).
  public var step: Int
  /// Affine or sequential.
  public var kind: LoopKind
  /// The index of the matching ``Operation/loopEnd(begin:)`` instruction.
  public var end: Int

  /// Creates a loop.
  public init(variable: IndexVar, start: Int, stop: Int, step: Int, kind: LoopKind, end: Int) {
    self.variable = variable
    self.start = start
    self.stop = stop
    self.step = step
    self.kind = kind
    self.end = end
  }

  /// The number of iterations.
  public var tripCount: Int {
    if step > 0 { return stop > start ? (stop - start + step - 1) / step : 0 }
    if step < 0 { return start > stop ? (start - stop - step - 1) / -step : 0 }
    return 0
  }

  /// The inclusive range of values the variable takes (nil for an empty loop).
  public var valueRange: ClosedRange<Int>? {
    let n = tripCount
    guard n > 0 else { return nil }
    let last = start + (n - 1) * step
    return Swift.min(start, last)...Swift.max(start, last)
  }
}
