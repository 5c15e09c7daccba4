import TesselIR

/// `collections`: `namedtuple`, `deque`, `OrderedDict`, `defaultdict`, `Counter`.
enum CollectionsModule {
  static func make(_ ev: Evaluator) -> TableModule {
    let m = TableModule("collections")
    m.define("namedtuple(typename, field_names, *, rename=False, defaults=None, module=None)") {
      a, ev, loc throws(TraceError) in
      guard case .string(let name)? = a[0] else {
        throw TraceError.typeError(.message("namedtuple() typename must be a string"), at: loc)
      }
      var fields: [String] = []
      if case .string(let s)? = a[1] {
        fields = s.replacingOccurrences(of: ",", with: " ").split(separator: " ").map(String.init)
      } else {
        for f in try ev.iterate(a[1] ?? .none, at: loc) { fields.append(try ev.str(f)) }
      }
      var defaults: [String: Value] = [:]
      if let d = a[3], !d.isNone {
        let values = try ev.iterate(d, at: loc)
        guard values.count <= fields.count else {
          throw TraceError.typeError(.message("Got more default values than field names"), at: loc)
        }
        for (f, v) in zip(fields.suffix(values.count), values) { defaults[f] = v }
      }
      return .type(ev.makeNamedTupleClass(name, fields, defaults, at: loc))
    }
    m.define("OrderedDict(mapping=None, /, **kwargs)") { a, ev, loc throws(TraceError) in
      let d = PyDict()
      d.flavor = .ordered
      if let x = a[0], !x.isNone { try ev.updateDict(d, from: x, at: loc) }
      for (k, v) in a.extraKeywords { d.set(.string(k), .string(k), v) }
      return .dict(d)
    }
    m.define("defaultdict(default_factory=None, mapping=None, /, **kwargs)") { a, ev, loc throws(TraceError) in
      let d = PyDict()
      d.flavor = .defaultDict(a[0] ?? .none)
      if let x = a[1], !x.isNone { try ev.updateDict(d, from: x, at: loc) }
      for (k, v) in a.extraKeywords { d.set(.string(k), .string(k), v) }
      return .dict(d)
    }
    m.define("Counter(iterable=None, /, **kwargs)") { a, ev, loc throws(TraceError) in
      let d = PyDict()
      d.flavor = .counter
      if let x = a[0], !x.isNone { try ev.countInto(d, x, at: loc) }
      for (k, v) in a.extraKeywords { d.set(.string(k), .string(k), v) }
      return .dict(d)
    }
    m.define("deque(iterable=(), maxlen=None)") { a, ev, loc throws(TraceError) in
      var maxlen: Int?
      if let x = a[1], !x.isNone {
        maxlen = try ev.intValue(x, at: loc)
        if maxlen ?? 0 < 0 { throw TraceError.python("ValueError", "maxlen must be non-negative", at: loc) }
      }
      let dq = DequeObject(maxlen: maxlen)
      for x in try ev.iterate(a[0] ?? .tuple([]), at: loc) { dq.append(x) }
      return .native(dq)
    }
    return m
  }
}

extension Evaluator {
  /// A named tuple class (`collections.namedtuple`, the functional `typing.NamedTuple`).
  package func makeNamedTupleClass(
    _ name: String, _ fields: [String], _ defaults: [String: Value], at loc: SourceLocation
  )
    -> PyClass
  {
    let cls = PyClass(builtin: name, base: builtinClass("tuple"), kind: .tuple)
    cls.special = .namedTuple(NamedTupleInfo(fields: fields, defaults: defaults))
    cls.module = file
    return cls
  }

  /// Adds the counts of `x` (an iterable, or a mapping of counts) to a `Counter`.
  package func countInto(_ d: PyDict, _ x: Value, at loc: SourceLocation) throws(TraceError) {
    if case .dict(let other) = x {
      for i in 0..<other.count {
        let k = other.hashKey(at: i)
        d.set(other.keys[i], k, try binary(.add, d.get(k) ?? .int(0), other.values[i], at: loc))
      }
      return
    }
    for item in try iterate(x, at: loc) {
      let k = try hashKey(item, at: loc)
      d.set(item, k, try binary(.add, d.get(k) ?? .int(0), .int(1), at: loc))
    }
  }
}

/// `collections.deque`.
final class DequeObject: NativeObject {
  var items: [Value] = []
  let maxlen: Int?

  init(maxlen: Int?) { self.maxlen = maxlen }

  var typeName: String { "collections.deque" }

  func append(_ v: Value) {
    items.append(v)
    if let m = maxlen, items.count > m { items.removeFirst(items.count - m) }
  }

  func appendLeft(_ v: Value) {
    items.insert(v, at: 0)
    if let m = maxlen, items.count > m { items.removeLast(items.count - m) }
  }

  func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    func method(_ sig: String, _ body: @escaping BuiltinFunction.Body) -> Value {
      .builtin(BuiltinFunction("deque." + sig, body))
    }
    switch name {
    case "maxlen": return maxlen.map { .int($0) } ?? .none
    case "append":
      return method("append(x, /)") { a, _, _ throws(TraceError) in
        self.append(a[0] ?? .none)
        return .none
      }
    case "appendleft":
      return method("appendleft(x, /)") { a, _, _ throws(TraceError) in
        self.appendLeft(a[0] ?? .none)
        return .none
      }
    case "extend":
      return method("extend(iterable, /)") { a, ev, loc throws(TraceError) in
        for x in try ev.iterate(a[0] ?? .none, at: loc) { self.append(x) }
        return .none
      }
    case "extendleft":
      return method("extendleft(iterable, /)") { a, ev, loc throws(TraceError) in
        for x in try ev.iterate(a[0] ?? .none, at: loc) { self.appendLeft(x) }
        return .none
      }
    case "pop", "popleft":
      return method("\(name)()") { _, _, loc throws(TraceError) in
        guard !self.items.isEmpty else { throw TraceError.python("IndexError", "pop from an empty deque", at: loc) }
        return name == "pop" ? self.items.removeLast() : self.items.removeFirst()
      }
    case "rotate":
      return method("rotate(n=1, /)") { a, ev, loc throws(TraceError) in
        guard !self.items.isEmpty else { return .none }
        let n = try ev.intValue(a[0] ?? .int(1), at: loc)
        let k = ((n % self.items.count) + self.items.count) % self.items.count
        self.items = Array(self.items.suffix(k) + self.items.dropLast(k))
        return .none
      }
    case "clear":
      return method("clear()") { _, _, _ throws(TraceError) in
        self.items.removeAll()
        return .none
      }
    case "copy":
      return method("copy()") { _, _, _ throws(TraceError) in
        let d = DequeObject(maxlen: self.maxlen)
        d.items = self.items
        return .native(d)
      }
    case "reverse":
      return method("reverse()") { _, _, _ throws(TraceError) in
        self.items.reverse()
        return .none
      }
    case "count", "index", "remove", "insert":
      return method("\(name)(*args)") { a, ev, loc throws(TraceError) in
        let list = PyList(self.items)
        let r = try ev.call(try ev.attribute(.list(list), name, at: loc), a.extraPositional, [], at: loc)
        self.items = list.items
        return r
      }
    default: return nil
    }
  }

  func iterate(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> [Value]? { items }
  func length(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Int? { items.count }
  func truth(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Bool { !items.isEmpty }
  func getItem(_ key: Value, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    try ev.getItem(.list(PyList(items)), key, at: location)
  }
  func setItem(_ key: Value, _ value: Value, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Bool {
    let list = PyList(items)
    try ev.setItem(.list(list), key, value, at: location)
    items = list.items
    return true
  }
  func hashKey(_ ev: Evaluator) -> HashKey? { nil }
  func isEqual(to other: Value, _ ev: Evaluator) -> Bool? {
    guard let o = other.native(DequeObject.self) else { return false }
    return (try? ev.valuesEqual(.list(PyList(items)), .list(PyList(o.items)))) ?? false
  }
  func repr(_ ev: Evaluator) throws(TraceError) -> String {
    let inner = try ev.repr(.list(PyList(items)))
    return maxlen.map { "deque(\(inner), maxlen=\($0))" } ?? "deque(\(inner))"
  }
}
