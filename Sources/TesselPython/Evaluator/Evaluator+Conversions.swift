import TesselIR

extension Evaluator {
  // MARK: - Truth

  /// `bool(v)`.
  package func truth(_ v: Value, at loc: SourceLocation) throws(TraceError) -> Bool {
    switch v {
    case .none: return false
    case .bool(let b): return b
    case .int(let i): return i != 0
    case .float(let f): return f != 0
    case .string(let s): return !s.isEmpty
    case .tuple(let xs): return !xs.isEmpty
    case .list(let b): return !b.items.isEmpty
    case .dict(let d): return d.count > 0
    case .set(let s): return s.count > 0
    case .native(let o): return try o.truth(self, at: loc)
    case .instance(let i):
      if let m = try lookupSpecial(i, "__bool__") { return try truth(try call(m, [], [], at: loc), at: loc) }
      if let m = try lookupSpecial(i, "__len__") { return try intValue(try call(m, [], [], at: loc), at: loc) != 0 }
      if i.cls.builtinBase == .int, case .int(let x)? = i.attributes["_value_"] { return x != 0 }
      return true
    default: return true
    }
  }

  // MARK: - Numbers

  /// The value as a Python integer (`__index__`): ints, bools, and native integers.
  package func intValue(_ v: Value, at loc: SourceLocation) throws(TraceError) -> Int {
    switch v {
    case .int(let i): return i
    case .bool(let b): return b ? 1 : 0
    case .native(let o):
      if let i = try o.asInteger(self, at: loc) { return i }
    case .instance(let i):
      if case .int(let x)? = i.attributes["_value_"], i.cls.builtinBase == .int { return x }
      if let m = try lookupSpecial(i, "__index__") { return try intValue(try call(m, [], [], at: loc), at: loc) }
    default: break
    }
    throw TraceError.typeError(.notAnInteger(type: v.typeName), at: loc)
  }

  /// The value as an integer, accepting integral floats (shape arithmetic written with `/`).
  package func integralValue(_ v: Value, at loc: SourceLocation) throws(TraceError) -> Int {
    if case .float(let f) = v, f == f.rounded(), abs(f) < 1e18 { return Int(f) }
    return try intValue(v, at: loc)
  }

  /// The value as a Python float (`__float__`).
  package func floatValue(_ v: Value, at loc: SourceLocation) throws(TraceError) -> Double {
    switch v {
    case .int(let i): return Double(i)
    case .float(let f): return f
    case .bool(let b): return b ? 1 : 0
    case .native(let o):
      if let f = try o.asFloat(self, at: loc) { return f }
      if let i = try o.asInteger(self, at: loc) { return Double(i) }
    case .instance(let i):
      if case .int(let x)? = i.attributes["_value_"], i.cls.builtinBase == .int { return Double(x) }
      if let m = try lookupSpecial(i, "__float__") { return try floatValue(try call(m, [], [], at: loc), at: loc) }
    default: break
    }
    throw TraceError.typeError(.message("must be real number, not \(v.typeName)"), at: loc)
  }

  // MARK: - Hashing

  /// The key of a value in dicts and sets; `TypeError` for unhashable values.
  package func hashKey(_ v: Value, at loc: SourceLocation) throws(TraceError) -> HashKey {
    switch v {
    case .none: return .none
    case .bool(let b): return .int(b ? 1 : 0)
    case .int(let i): return .int(i)
    case .float(let f):
      if f == f.rounded(), abs(f) < 9.2e18 { return .int(Int(f)) }
      return .float(f.bitPattern)
    case .string(let s): return .string(s)
    case .tuple(let xs):
      var keys: [HashKey] = []
      keys.reserveCapacity(xs.count)
      for x in xs { keys.append(try hashKey(x, at: loc)) }
      return .tuple(keys)
    case .ellipsis: return .ellipsis
    case .set(let s) where s.frozen:
      return .tuple(s.entries.map(\.1).sorted { "\($0)" < "\($1)" })
    case .list, .dict, .set, .slice:
      throw TraceError.typeError(.unhashable(type: v.typeName), at: loc)
    case .function(let f): return .object(ObjectIdentifier(f))
    case .builtin(let b): return .native("builtin:" + b.signature.name)
    case .method(let m): return .tuple([try hashKey(m.receiver, at: loc), try hashKey(m.function, at: loc)])
    case .type(let c): return .object(ObjectIdentifier(c))
    case .module(let m): return .object(ObjectIdentifier(m))
    case .instance(let i):
      if let d = i.cls.dataclassInfo, d.frozen || !d.eq {
        guard d.eq else { return .object(ObjectIdentifier(i)) }
        var keys: [HashKey] = [.object(ObjectIdentifier(i.cls))]
        for f in d.fields where f.inCompare { keys.append(try hashKey(i.attributes[f.name] ?? .none, at: loc)) }
        return .tuple(keys)
      }
      if i.cls.dataclassInfo != nil { throw TraceError.typeError(.unhashable(type: v.typeName), at: loc) }
      if i.cls.builtinBase == .int, case .int(let x)? = i.attributes["_value_"] { return .int(x) }
      if case .namedTuple = i.cls.special, case .tuple(let xs)? = i.attributes["_items_"] {
        return try hashKey(.tuple(xs), at: loc)
      }
      return .object(ObjectIdentifier(i))
    case .native(let o):
      guard let k = o.hashKey(self) else { throw TraceError.typeError(.unhashable(type: v.typeName), at: loc) }
      return k
    }
  }

  // MARK: - Iteration

  /// The items of an iterable, all at once (`iter()` run to the end).
  package func iterate(_ v: Value, at loc: SourceLocation) throws(TraceError) -> [Value] {
    guard let items = try iterateIfPossible(v, at: loc) else {
      throw TraceError.typeError(.notIterable(type: v.typeName), at: loc)
    }
    return items
  }

  /// The items of an iterable; nil when the value is not iterable.
  package func iterateIfPossible(_ v: Value, at loc: SourceLocation) throws(TraceError) -> [Value]? {
    switch v {
    case .tuple(let xs): return xs
    case .list(let b): return b.items
    case .dict(let d): return d.keys
    case .set(let s): return s.members
    case .string(let s): return s.map { .string(String($0)) }
    case .native(let o): return try o.iterate(self, at: loc)
    case .instance(let i):
      if case .tuple(let xs)? = i.attributes["_items_"], case .namedTuple = i.cls.special { return xs }
      if let m = try lookupSpecial(i, "__iter__") { return try iterate(try call(m, [], [], at: loc), at: loc) }
      return nil
    case .type(let c):
      if let e = c.enumInfo { return e.names.compactMap { e.members[$0].map { .instance($0) } } }
      return nil
    default: return nil
    }
  }

  /// `len(v)`.
  package func length(_ v: Value, at loc: SourceLocation) throws(TraceError) -> Int {
    switch v {
    case .tuple(let xs): return xs.count
    case .list(let b): return b.items.count
    case .dict(let d): return d.count
    case .set(let s): return s.count
    case .string(let s): return s.count
    case .native(let o):
      if let n = try o.length(self, at: loc) { return n }
    case .instance(let i):
      if case .tuple(let xs)? = i.attributes["_items_"], case .namedTuple = i.cls.special { return xs.count }
      if let m = try lookupSpecial(i, "__len__") { return try intValue(try call(m, [], [], at: loc), at: loc) }
    case .type(let c):
      if let e = c.enumInfo { return e.names.count }
    default: break
    }
    throw TraceError.typeError(.noLength(type: v.typeName), at: loc)
  }

  // MARK: - Text

  /// Python `str()` of a value.
  package func str(_ v: Value) throws(TraceError) -> String {
    switch v {
    case .string(let s): return s
    case .native(let o): return try o.str(self)
    case .instance(let i):
      if let m = try lookupSpecial(i, "__str__") {
        guard case .string(let s) = try call(m, [], [], at: .unknown) else {
          throw TraceError.typeError(.message("__str__ returned non-string"), at: .unknown)
        }
        return s
      }
      if i.cls.isException { return try exceptionMessage(i) }
      if let e = try enumString(i) { return e }
      return try repr(v)
    default: return try repr(v)
    }
  }

  /// Python `repr()` of a value.
  package func repr(_ v: Value) throws(TraceError) -> String {
    switch v {
    case .none: return "None"
    case .bool(let b): return b ? "True" : "False"
    case .int(let i): return String(i)
    case .float(let f): return Evaluator.floatRepr(f)
    case .string(let s): return Evaluator.stringRepr(s)
    case .tuple(let xs):
      var parts: [String] = []
      for x in xs { parts.append(try repr(x)) }
      return "(" + parts.joined(separator: ", ") + (xs.count == 1 ? ",)" : ")")
    case .list(let b):
      var parts: [String] = []
      for x in b.items { parts.append(try repr(x)) }
      return "[" + parts.joined(separator: ", ") + "]"
    case .dict(let d):
      var parts: [String] = []
      for (k, x) in d.items { parts.append(try repr(k) + ": " + repr(x)) }
      let body = "{" + parts.joined(separator: ", ") + "}"
      switch d.flavor {
      case .plain: return body
      case .ordered:
        var pairs: [String] = []
        for (k, x) in d.items { pairs.append("(\(try repr(k)), \(try repr(x)))") }
        return "OrderedDict([" + pairs.joined(separator: ", ") + "])"
      case .defaultDict(let f): return "defaultdict(\(try repr(f)), \(body))"
      case .counter: return "Counter(\(body))"
      }
    case .set(let s):
      if s.count == 0 { return s.frozen ? "frozenset()" : "set()" }
      var parts: [String] = []
      for x in s.members { parts.append(try repr(x)) }
      let body = "{" + parts.joined(separator: ", ") + "}"
      return s.frozen ? "frozenset(\(body))" : body
    case .slice(let s): return "slice(\(try repr(s.lower)), \(try repr(s.upper)), \(try repr(s.step)))"
    case .ellipsis: return "Ellipsis"
    case .function(let f): return "<function \(f.qualifiedName)>"
    case .builtin(let b): return "<built-in function \(b.signature.name)>"
    case .method(let m): return "<bound method \(calleeName(m.function)) of \(try repr(m.receiver))>"
    case .type(let c): return c.builtin != nil ? "<class '\(c.name)'>" : "<class '\(c.module).\(c.qualifiedName)'>"
    case .module(let m): return "<module '\(m.name)'>"
    case .native(let o): return try o.repr(self)
    case .instance(let i): return try instanceRepr(i)
    }
  }

  /// Python's shortest round-tripping float repr (`0.1`, `1e-05`, `1.0`, `inf`).
  package static func floatRepr(_ f: Double) -> String {
    if f.isNaN { return "nan" }
    if f.isInfinite { return f < 0 ? "-inf" : "inf" }
    if f == f.rounded() && abs(f) < 1e16 {
      if f == 0 { return f.sign == .minus ? "-0.0" : "0.0" }
      return String(format1: f)
    }
    return "\(f)"
  }

  /// Python's repr of a string (``pythonStringRepr(_:)``).
  package static func stringRepr(_ s: String) -> String { pythonStringRepr(s) }
}
