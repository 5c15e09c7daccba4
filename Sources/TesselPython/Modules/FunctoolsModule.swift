import TesselIR

/// `functools`: `reduce`, `partial`, `wraps`, `update_wrapper`, `lru_cache`, `cache`,
/// `cached_property`, `total_ordering`, `cmp_to_key`.
enum FunctoolsModule {
  static func make(_ ev: Evaluator) -> TableModule {
    let m = TableModule("functools")
    m.define("reduce(function, iterable, initial=None, /)") { a, ev, loc throws(TraceError) in
      var items = try ev.iterate(a[1] ?? .none, at: loc)[...]
      var acc: Value
      if let i = a[2] {
        acc = i
      } else {
        guard let first = items.popFirst() else {
          throw TraceError.typeError(.message("reduce() of empty iterable with no initial value"), at: loc)
        }
        acc = first
      }
      for x in items { acc = try ev.call(a[0] ?? .none, [acc, x], [], at: loc) }
      return acc
    }
    m.define("partial(func, /, *args, **keywords)") { a, _, _ throws(TraceError) in
      .native(PartialObject(function: a[0] ?? .none, arguments: a.extraPositional, keywords: a.extraKeywords))
    }
    m.define("update_wrapper(wrapper, wrapped)") { a, ev, loc throws(TraceError) in
      try FunctoolsModule.wrap(a[0] ?? .none, a[1] ?? .none, ev, at: loc)
    }
    m.define("wraps(wrapped)") { a, _, _ throws(TraceError) in
      let wrapped = a[0] ?? .none
      return .builtin(
        BuiltinFunction("wraps(wrapper, /)") { b, ev, loc throws(TraceError) in
          try FunctoolsModule.wrap(b[0] ?? .none, wrapped, ev, at: loc)
        })
    }
    m.define("lru_cache(maxsize=128, typed=False)") { a, _, _ throws(TraceError) in
      if case .function = a[0] ?? .none { return .native(CachedFunction(a[0] ?? .none)) }
      return .builtin(
        BuiltinFunction("lru_cache(function, /)") { b, _, _ throws(TraceError) in .native(CachedFunction(b[0] ?? .none))
        })
    }
    m.define("cache(function, /)") { a, _, _ throws(TraceError) in .native(CachedFunction(a[0] ?? .none)) }
    m.define("cached_property(function, /)") { a, _, _ throws(TraceError) in
      var name = "cached_property"
      if case .function(let f)? = a[0] { name = f.name }
      return .native(PropertyObject(name: name, getter: a[0], setter: nil, cached: true))
    }
    m.define("total_ordering(cls, /)") { a, ev, loc throws(TraceError) in
      guard case .type(let c)? = a[0] else { return a[0] ?? .none }
      try FunctoolsModule.totalOrdering(c, at: loc)
      return a[0] ?? .none
    }
    m.define("cmp_to_key(mycmp, /)") { a, _, _ throws(TraceError) in
      let cmp = a[0] ?? .none
      return .builtin(
        BuiltinFunction("cmp_to_key.K(obj, /)") { b, _, _ throws(TraceError) in .native(CmpKey(cmp, b[0] ?? .none)) })
    }
    return m
  }

  /// `functools.wraps`: the wrapper takes the wrapped function's name and keeps a link to it.
  static func wrap(_ wrapper: Value, _ wrapped: Value, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError)
    -> Value
  {
    if case .function(let w) = wrapper {
      if case .function(let f) = wrapped {
        w.name = f.name
        w.qualifiedName = f.qualifiedName
      }
      w.attributes["__wrapped__"] = wrapped
    }
    return wrapper
  }

  /// `functools.total_ordering`: fills in the comparisons a class lacks from `__lt__` (or
  /// `__le__`, `__gt__`, `__ge__`) and `__eq__`.
  static func totalOrdering(_ c: PyClass, at loc: SourceLocation) throws(TraceError) {
    let ops = ["__lt__", "__le__", "__gt__", "__ge__"]
    guard let root = ops.first(where: { c.lookup($0).map { $0.1.builtin == nil } ?? false }) else {
      throw TraceError.python("ValueError", "must define at least one ordering operation: < > <= >=", at: loc)
    }
    for op in ops where c.lookup(op).map({ $0.1.builtin != nil }) ?? true {
      c.dict[op] = .builtin(
        BuiltinFunction("\(c.name).\(op)(self, other, /)") { a, ev, loc throws(TraceError) in
          let x = a[0] ?? .none
          let y = a[1] ?? .none
          let r = try ev.truth(try ev.call(try ev.attribute(x, root, at: loc), [y], [], at: loc), at: loc)
          let eq = try ev.truth(try ev.compare(.equal, x, y, at: loc), at: loc)
          // The root's relation, then the requested one from it and equality.
          let less: Bool
          let greater: Bool
          switch root {
          case "__lt__": (less, greater) = (r, !r && !eq)
          case "__le__": (less, greater) = (r && !eq, !r)
          case "__gt__": (less, greater) = (!r && !eq, r)
          default: (less, greater) = (!r, r && !eq)
          }
          switch op {
          case "__lt__": return .bool(less)
          case "__le__": return .bool(less || eq)
          case "__gt__": return .bool(greater)
          default: return .bool(greater || eq)
          }
        })
    }
  }
}

/// `functools.partial(f, *args, **kwargs)`.
final class PartialObject: NativeObject {
  let function: Value
  let arguments: [Value]
  let keywords: [(String, Value)]

  init(function: Value, arguments: [Value], keywords: [(String, Value)]) {
    self.function = function
    self.arguments = arguments
    self.keywords = keywords
  }

  var typeName: String { "functools.partial" }

  func call(_ positional: [Value], _ keywords: [(String, Value)], _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  {
    var kw = self.keywords.filter { k in !keywords.contains { $0.0 == k.0 } }
    kw += keywords
    return try ev.call(function, arguments + positional, kw, at: location)
  }

  func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    switch name {
    case "func": return function
    case "args": return .tuple(arguments)
    case "keywords":
      let d = PyDict()
      for (k, v) in keywords { d.set(.string(k), .string(k), v) }
      return .dict(d)
    default: return nil
    }
  }
}

/// `functools.cache` / `lru_cache`: results memoized by the (hashable) arguments.
final class CachedFunction: NativeObject {
  let function: Value
  var results: [HashKey: Value] = [:]

  init(_ function: Value) { self.function = function }

  var typeName: String { "functools._lru_cache_wrapper" }

  func call(_ positional: [Value], _ keywords: [(String, Value)], _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  {
    var parts: [Value] = positional
    for (k, v) in keywords.sorted(by: { $0.0 < $1.0 }) { parts += [.string(k), v] }
    let key = try ev.hashKey(.tuple(parts), at: location)
    if let r = results[key] { return r }
    let r = try ev.call(function, positional, keywords, at: location)
    results[key] = r
    return r
  }

  func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    switch name {
    case "__wrapped__": return function
    case "cache_clear":
      return .builtin(
        BuiltinFunction("cache_clear()") { _, _, _ throws(TraceError) in
          self.results = [:]
          return .none
        })
    default: return try ev.attribute(function, name, at: location)
    }
  }
}

/// `functools.cmp_to_key(f)(x)`: orders by `f(x, y) < 0`.
final class CmpKey: NativeObject {
  let cmp: Value
  let object: Value
  init(_ cmp: Value, _ object: Value) {
    self.cmp = cmp
    self.object = object
  }
  var typeName: String { "functools.KeyWrapper" }
  func compare(_ op: ComparisonOperator, _ other: Value, reflected: Bool, _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  {
    guard let o = other.native(CmpKey.self) else { return nil }
    let (a, b) = reflected ? (o.object, object) : (object, o.object)
    let c = try ev.intValue(try ev.call(cmp, [a, b], [], at: location), at: location)
    switch op {
    case .less: return .bool(c < 0)
    case .lessEqual: return .bool(c <= 0)
    case .greater: return .bool(c > 0)
    case .greaterEqual: return .bool(c >= 0)
    case .equal: return .bool(c == 0)
    case .notEqual: return .bool(c != 0)
    default: return nil
    }
  }
}
