import TesselIR

/// `itertools`: the finite building blocks (`product`, `permutations`, `combinations`, `chain`,
/// `accumulate`, `islice`, `zip_longest`, `starmap`, `groupby`, `pairwise`, ...) as lists, and
/// `count`, `cycle` and `repeat` without a count as lazy iterators.
enum ItertoolsModule {
  static func make() -> TableModule {
    let m = TableModule("itertools")
    m.define("product(*iterables, repeat=1)") { a, ev, loc throws(TraceError) in
      var pools: [[Value]] = []
      for x in a.extraPositional { pools.append(try ev.iterate(x, at: loc)) }
      let r = try ev.intValue(a[0] ?? .int(1), at: loc)
      pools = Array([[[Value]]](repeating: pools, count: Swift.max(0, r)).joined())
      var result: [[Value]] = [[]]
      for pool in pools {
        result = result.flatMap { prefix in pool.map { prefix + [$0] } }
        try checkSequenceLength(result.count, 0, 1, at: loc)
      }
      return .list(PyList(result.map { .tuple($0) }))
    }
    m.define("permutations(iterable, r=None)") { a, ev, loc throws(TraceError) in
      let pool = try ev.iterate(a[0] ?? .none, at: loc)
      let r =
        try (a[1].flatMap { $0.isNone ? nil : $0 }).map { (v) throws(TraceError) in try ev.intValue(v, at: loc) }
        ?? pool.count
      var out: [Value] = []
      func go(_ prefix: [Int]) throws(TraceError) {
        if prefix.count == r {
          out.append(.tuple(prefix.map { pool[$0] }))
          try checkSequenceLength(out.count, 0, 1, at: loc)
          return
        }
        for i in pool.indices where !prefix.contains(i) { try go(prefix + [i]) }
      }
      if r <= pool.count { try go([]) }
      return .list(PyList(out))
    }
    for name in ["combinations", "combinations_with_replacement"] {
      m.define("\(name)(iterable, r)") { a, ev, loc throws(TraceError) in
        let pool = try ev.iterate(a[0] ?? .none, at: loc)
        let r = try ev.intValue(a[1] ?? .none, at: loc)
        var out: [Value] = []
        func go(_ start: Int, _ prefix: [Int]) throws(TraceError) {
          if prefix.count == r {
            out.append(.tuple(prefix.map { pool[$0] }))
            try checkSequenceLength(out.count, 0, 1, at: loc)
            return
          }
          guard start < pool.count else { return }
          for i in start..<pool.count { try go(name == "combinations" ? i + 1 : i, prefix + [i]) }
        }
        if r >= 0 { try go(0, []) }
        return .list(PyList(out))
      }
    }
    let chain = TableModule("itertools.chain")
    chain.define("from_iterable(iterable, /)") { a, ev, loc throws(TraceError) in
      var out: [Value] = []
      for x in try ev.iterate(a[0] ?? .none, at: loc) { out += try ev.iterate(x, at: loc) }
      return .list(PyList(out))
    }
    m.table["chain"] = .native(ChainFunction(chain))
    m.define("accumulate(iterable, func=None, *, initial=None)") { a, ev, loc throws(TraceError) in
      var out: [Value] = []
      var acc = a[2].flatMap { $0.isNone ? nil : $0 }
      if let acc { out.append(acc) }
      for x in try ev.iterate(a[0] ?? .none, at: loc) {
        if let current = acc {
          acc =
            (a[1] ?? .none).isNone
            ? try ev.binary(.add, current, x, at: loc) : try ev.call(a[1] ?? .none, [current, x], [], at: loc)
        } else {
          acc = x
        }
        out.append(acc ?? .none)
      }
      return .list(PyList(out))
    }
    m.define("islice(iterable, *args)") { a, ev, loc throws(TraceError) in
      var bounds: [Int?] = []
      for x in a.extraPositional { bounds.append(x.isNone ? nil : try ev.intValue(x, at: loc)) }
      let (start, stop, step): (Int, Int?, Int)
      switch bounds.count {
      case 1: (start, stop, step) = (0, bounds[0], 1)
      case 2: (start, stop, step) = (bounds[0] ?? 0, bounds[1], 1)
      case 3: (start, stop, step) = (bounds[0] ?? 0, bounds[1], bounds[2] ?? 1)
      default: throw TraceError.typeError(.message("islice expected 2 to 4 arguments"), at: loc)
      }
      guard start >= 0, (stop ?? 0) >= 0, step > 0 else {
        throw TraceError.python(
          "ValueError", "Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.", at: loc)
      }
      var it = try ev.makeIterator(a[0] ?? .none, at: loc)
      var out: [Value] = []
      var i = 0
      while stop.map({ i < $0 }) ?? true, let x = try it.next(ev, at: loc) {
        if i >= start && (i - start) % step == 0 { out.append(x) }
        i += 1
      }
      return .list(PyList(out))
    }
    m.define("zip_longest(*iterables, fillvalue=None)") { a, ev, loc throws(TraceError) in
      let lists = try a.extraPositional.map { (x) throws(TraceError) in try ev.iterate(x, at: loc) }
      let n = lists.map(\.count).max() ?? 0
      let fill = a[0] ?? .none
      return .list(PyList((0..<n).map { i in .tuple(lists.map { i < $0.count ? $0[i] : fill }) }))
    }
    m.define("starmap(function, iterable, /)") { a, ev, loc throws(TraceError) in
      var out: [Value] = []
      for x in try ev.iterate(a[1] ?? .none, at: loc) {
        out.append(try ev.call(a[0] ?? .none, try ev.iterate(x, at: loc), [], at: loc))
      }
      return .list(PyList(out))
    }
    m.define("groupby(iterable, key=None)") { a, ev, loc throws(TraceError) in
      var out: [Value] = []
      var current: (Value, [Value])?
      for x in try ev.iterate(a[0] ?? .none, at: loc) {
        let k = (a[1] ?? .none).isNone ? x : try ev.call(a[1] ?? .none, [x], [], at: loc)
        if let (ck, items) = current, try ev.valuesEqual(ck, k) {
          current = (ck, items + [x])
        } else {
          if let (ck, items) = current { out.append(.tuple([ck, .list(PyList(items))])) }
          current = (k, [x])
        }
      }
      if let (ck, items) = current { out.append(.tuple([ck, .list(PyList(items))])) }
      return .list(PyList(out))
    }
    m.define("pairwise(iterable, /)") { a, ev, loc throws(TraceError) in
      let xs = try ev.iterate(a[0] ?? .none, at: loc)
      return .list(PyList(xs.indices.dropLast().map { .tuple([xs[$0], xs[$0 + 1]]) }))
    }
    for name in ["takewhile", "dropwhile", "filterfalse"] {
      m.define("\(name)(predicate, iterable, /)") { a, ev, loc throws(TraceError) in
        var out: [Value] = []
        var dropping = true
        for x in try ev.iterate(a[1] ?? .none, at: loc) {
          let p = try ev.truth(try ev.call(a[0] ?? .none, [x], [], at: loc), at: loc)
          switch name {
          case "takewhile":
            if !p { return .list(PyList(out)) }
            out.append(x)
          case "dropwhile":
            if dropping && p { continue }
            dropping = false
            out.append(x)
          default:
            if !p { out.append(x) }
          }
        }
        return .list(PyList(out))
      }
    }
    m.define("compress(data, selectors)") { a, ev, loc throws(TraceError) in
      let data = try ev.iterate(a[0] ?? .none, at: loc)
      let sel = try ev.iterate(a[1] ?? .none, at: loc)
      var out: [Value] = []
      for (d, s) in zip(data, sel) where try ev.truth(s, at: loc) { out.append(d) }
      return .list(PyList(out))
    }
    m.define("repeat(object, times=None)") { a, ev, loc throws(TraceError) in
      guard let t = a[1], !t.isNone else { return .native(CountingIterator(.repeating(a[0] ?? .none))) }
      let n = try ev.intValue(t, at: loc)
      try checkSequenceLength(n, 0, 1, at: loc)
      return .list(PyList(Array(repeating: a[0] ?? .none, count: Swift.max(0, n))))
    }
    m.define("count(start=0, step=1)") { a, _, _ throws(TraceError) in
      .native(CountingIterator(.counting(a[0] ?? .int(0), a[1] ?? .int(1))))
    }
    m.define("cycle(iterable, /)") { a, ev, loc throws(TraceError) in
      .native(CountingIterator(.cycling(try ev.iterate(a[0] ?? .none, at: loc))))
    }
    return m
  }
}

/// `itertools.chain(*iterables)`, with `chain.from_iterable`.
final class ChainFunction: NativeObject {
  let module: TableModule
  init(_ module: TableModule) { self.module = module }
  var typeName: String { "type" }
  func call(_ positional: [Value], _ keywords: [(String, Value)], _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  {
    var out: [Value] = []
    for x in positional { out += try ev.iterate(x, at: location) }
    return .list(PyList(out))
  }
  func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    module.table[name]
  }
}

/// The unbounded iterators of `itertools`: consumed lazily (by `for`, `next`, `zip`, `islice`);
/// materializing one is an error instead of a hang.
final class CountingIterator: LazyIterator {
  enum Kind {
    case counting(Value, Value)
    case repeating(Value)
    case cycling([Value])
  }
  var kind: Kind
  var position = 0
  init(_ kind: Kind) { self.kind = kind }
  var typeName: String { "itertools.count" }

  func next(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    defer { position += 1 }
    switch kind {
    case .counting(let current, let step):
      kind = .counting(try ev.binary(.add, current, step, at: location), step)
      return current
    case .repeating(let v): return v
    case .cycling(let xs): return xs.isEmpty ? nil : xs[position % xs.count]
    }
  }

  func iterate(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> [Value]? {
    if case .cycling(let xs) = kind, xs.isEmpty { return [] }
    throw TraceError.unsupported(
      "materializing an unbounded iterator (use islice or zip with a finite iterable)", at: location)
  }
}
