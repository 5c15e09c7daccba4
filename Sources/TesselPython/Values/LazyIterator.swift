import TesselIR

/// A native iterator that produces its items one at a time (generators, `itertools.count`), so
/// that a `for` loop interleaves with it as in Python.
package protocol LazyIterator: NativeObject {
  /// The next item, or nil when the iterator is exhausted.
  func next(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value?
}

/// Iterates over any iterable: the items of one the evaluator materializes, or a lazy
/// iterator's items as they come.
package struct ValueIterator {
  enum Source {
    case items([Value])
    case lazy(any LazyIterator)
  }

  let source: Source
  var index = 0

  /// The next item, or nil at the end.
  package mutating func next(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    switch source {
    case .items(let xs):
      guard index < xs.count else { return nil }
      index += 1
      return xs[index - 1]
    case .lazy(let it):
      return try it.next(ev, at: location)
    }
  }
}

extension Evaluator {
  /// `iter(v)` as something to pull items from.
  package func makeIterator(_ v: Value, at loc: SourceLocation) throws(TraceError) -> ValueIterator {
    if case .native(let o) = v, let lazy = o as? any LazyIterator { return ValueIterator(source: .lazy(lazy)) }
    return ValueIterator(source: .items(try iterate(v, at: loc)))
  }
}
