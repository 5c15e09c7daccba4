/// The kind of a structured loop.
public enum LoopKind: String, Sendable, Hashable, Codable {
  /// `nl.affine_range`: iterations are independent (they may run in any order or in parallel).
  case affine = "affine_range"
  /// `nl.sequential_range` (and Python `range` in the legacy dialect): iterations carry state.
  case sequential = "sequential_range"
  /// `nl.dynamic_range(start, stop, step)` and `nl.fori_loop`: a loop the hardware runs, whose
  /// stop is read at run time (``Loop/dynamic``); its body was traced once.
  case dynamic = "dynamic_range"
  /// `while reg:` and `nl.while_loop`: the body repeats while a value read at run time is nonzero
  /// (``Loop/dynamic``).
  case whileNonzero = "while"
}

/// Where a loop that the hardware runs reads its extent (``Loop/dynamic``).
public enum DynamicBound: Sendable, Hashable, Codable {
  /// The exclusive stop: the value of a one-element view (a register or a `[1, 1]` tile), read
  /// once when the loop starts.
  case stop(View)
  /// The condition: the loop's body runs while the one-element view holds a nonzero value, read
  /// before every iteration (the first included).
  case condition(View)

  /// The one-element view read.
  public var view: View {
    switch self {
    case .stop(let v), .condition(let v): v
    }
  }
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
  /// For a loop the hardware runs (`dynamic_range`, `while`), where its extent is read at run
  /// time; nil for a loop whose trip count the trace fixed.
  ///
  /// A dynamic loop's `stop` equals its
  /// `start` (its static trip count is 0) and its variable's range is known only at run time.
  public var dynamic: DynamicBound?

  /// Creates a loop.
  public init(
    variable: IndexVar, start: Int, stop: Int, step: Int, kind: LoopKind, end: Int, dynamic: DynamicBound? = nil
  ) {
    self.variable = variable
    self.start = start
    self.stop = stop
    self.step = step
    self.kind = kind
    self.end = end
    self.dynamic = dynamic
  }

  /// The number of iterations the trace fixed (0 for a dynamic loop: see ``dynamic``).
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

extension Operation {
  /// The same operation with its loop link renumbered after instructions moved or were removed:
  /// a `loopBegin`'s end and a `loopEnd`'s begin pass through `newIndex` (old instruction index
  /// to new); every other operation is returned unchanged.
  func renumberingLoopLink(_ newIndex: [Int]) -> Operation {
    switch self {
    case .loopBegin(var l):
      l.end = newIndex[l.end]
      return .loopBegin(l)
    case .loopEnd(let b):
      return .loopEnd(begin: newIndex[b])
    default:
      return self
    }
  }
}
