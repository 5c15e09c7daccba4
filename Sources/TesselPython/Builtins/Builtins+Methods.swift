import Foundation
import TesselIR

extension Evaluator {
  func method(_ type: String, _ signature: String, _ body: @escaping BuiltinFunction.Body) {
    let f = BuiltinFunction(type + "." + signature, body)
    let name = String(f.signature.name.dropFirst(type.count + 1))
    methods[type, default: [:]][name] = f
  }

  /// Methods of `str`, `list`, `tuple`, `dict`, `set`, `int` and `float`.
  func installMethods() {
    installStringMethods()
    installListMethods()
    installDictMethods()
    installSetMethods()
    method("int", "bit_length(self, /)") { a, ev, loc throws(TraceError) in
      let i = try ev.intValue(a[0] ?? .none, at: loc)
      return .int(Int.bitWidth - i.magnitude.leadingZeroBitCount)
    }
    method("float", "is_integer(self, /)") { a, ev, loc throws(TraceError) in
      let f = try ev.floatValue(a[0] ?? .none, at: loc)
      return .bool(f.isFinite && f == f.rounded())
    }
    for t in ["tuple", "list"] {
      method(t, "index(self, value, start=0, stop=None, /)") { a, ev, loc throws(TraceError) in
        let items = try ev.iterate(a[0] ?? .none, at: loc)
        let x = a[1] ?? .none
        let start = try ev.intValue(a[2] ?? .int(0), at: loc)
        let stop =
          try (a[3].flatMap { $0.isNone ? nil : $0 }).map { (v) throws(TraceError) in try ev.intValue(v, at: loc) }
          ?? items.count
        for i in Swift.max(0, start)..<Swift.max(Swift.max(0, start), Swift.min(stop, items.count))
        where try ev.valuesEqual(items[i], x) {
          return .int(i)
        }
        throw TraceError.python(
          "ValueError", t == "list" ? "\(try ev.repr(x)) is not in list" : "tuple.index(x): x not in tuple", at: loc)
      }
      method(t, "count(self, value, /)") { a, ev, loc throws(TraceError) in
        var n = 0
        for y in try ev.iterate(a[0] ?? .none, at: loc) where try ev.valuesEqual(y, a[1] ?? .none) { n += 1 }
        return .int(n)
      }
    }
  }

  func installListMethods() {
    func list(_ a: BoundArguments) -> PyList {
      if case .list(let l)? = a[0] { return l }
      return PyList([])
    }
    method("list", "append(self, object, /)") { a, _, _ throws(TraceError) in
      list(a).items.append(a[1] ?? .none)
      return .none
    }
    method("list", "extend(self, iterable, /)") { a, ev, loc throws(TraceError) in
      let l = list(a)
      let items = try ev.iterate(a[1] ?? .none, at: loc)
      try checkSequenceLength(l.items.count, items.count, 1, at: loc)
      l.items += items
      return .none
    }
    method("list", "insert(self, index, object, /)") { a, ev, loc throws(TraceError) in
      let l = list(a)
      var i = try ev.intValue(a[1] ?? .none, at: loc)
      if i < 0 { i += l.items.count }
      l.items.insert(a[2] ?? .none, at: Swift.min(Swift.max(i, 0), l.items.count))
      return .none
    }
    method("list", "pop(self, index=-1, /)") { a, ev, loc throws(TraceError) in
      let l = list(a)
      guard !l.items.isEmpty else { throw TraceError.python("IndexError", "pop from empty list", at: loc) }
      let i = try ev.intValue(a[1] ?? .int(-1), at: loc)
      let k = i < 0 ? i + l.items.count : i
      guard k >= 0 && k < l.items.count else {
        throw TraceError.python("IndexError", "pop index out of range", at: loc)
      }
      return l.items.remove(at: k)
    }
    method("list", "remove(self, value, /)") { a, ev, loc throws(TraceError) in
      let l = list(a)
      for (i, y) in l.items.enumerated() where try ev.valuesEqual(y, a[1] ?? .none) {
        l.items.remove(at: i)
        return .none
      }
      throw TraceError.python("ValueError", "list.remove(x): x not in list", at: loc)
    }
    method("list", "clear(self, /)") { a, _, _ throws(TraceError) in
      list(a).items.removeAll()
      return .none
    }
    method("list", "copy(self, /)") { a, _, _ throws(TraceError) in .list(PyList(list(a).items)) }
    method("list", "reverse(self, /)") { a, _, _ throws(TraceError) in
      list(a).items.reverse()
      return .none
    }
    method("list", "sort(self, /, *, key=None, reverse=False)") { a, ev, loc throws(TraceError) in
      let l = list(a)
      l.items = try ev.sortValues(
        l.items, key: a[1] ?? .none, reverse: try ev.truth(a[2] ?? .bool(false), at: loc), at: loc)
      return .none
    }
  }

  func installDictMethods() {
    func dict(_ a: BoundArguments) -> PyDict {
      if case .dict(let d)? = a[0] { return d }
      return PyDict()
    }
    method("dict", "get(self, key, default=None, /)") { a, ev, loc throws(TraceError) in
      dict(a).get(try ev.hashKey(a[1] ?? .none, at: loc)) ?? a[2] ?? .none
    }
    method("dict", "keys(self, /)") { a, _, _ throws(TraceError) in .list(PyList(dict(a).keys)) }
    method("dict", "values(self, /)") { a, _, _ throws(TraceError) in .list(PyList(dict(a).values)) }
    method("dict", "items(self, /)") { a, _, _ throws(TraceError) in
      .list(PyList(dict(a).items.map { .tuple([$0.0, $0.1]) }))
    }
    method("dict", "setdefault(self, key, default=None, /)") { a, ev, loc throws(TraceError) in
      let d = dict(a)
      let k = a[1] ?? .none
      let hk = try ev.hashKey(k, at: loc)
      if let v = d.get(hk) { return v }
      let v = a[2] ?? .none
      d.set(k, hk, v)
      return v
    }
    method("dict", "update(self, other=None, /, **kwargs)") { a, ev, loc throws(TraceError) in
      let d = dict(a)
      if let m = a[1], !m.isNone { try ev.updateDict(d, from: m, at: loc) }
      for (k, v) in a.extraKeywords { d.set(.string(k), .string(k), v) }
      return .none
    }
    method("dict", "pop(self, key, *default)") { a, ev, loc throws(TraceError) in
      let d = dict(a)
      let k = a[1] ?? .none
      if let v = d.remove(try ev.hashKey(k, at: loc)) { return v }
      if let dflt = a.extraPositional.first { return dflt }
      throw TraceError.python("KeyError", try ev.repr(k), at: loc)
    }
    method("dict", "popitem(self, /)") { a, _, loc throws(TraceError) in
      let d = dict(a)
      guard d.count > 0 else { throw TraceError.python("KeyError", "'popitem(): dictionary is empty'", at: loc) }
      let k = d.keys[d.count - 1]
      let v = d.remove(d.hashKey(at: d.count - 1)) ?? .none
      return .tuple([k, v])
    }
    method("dict", "copy(self, /)") { a, _, _ throws(TraceError) in .dict(dict(a).copy()) }
    method("dict", "clear(self, /)") { a, _, _ throws(TraceError) in
      dict(a).removeAll()
      return .none
    }
    method("dict", "fromkeys(iterable, value=None, /)") { a, ev, loc throws(TraceError) in
      let d = PyDict()
      for k in try ev.iterate(a[0] ?? .none, at: loc) { d.set(k, try ev.hashKey(k, at: loc), a[1] ?? .none) }
      return .dict(d)
    }
  }

  func installSetMethods() {
    func set(_ a: BoundArguments) -> PySet {
      if case .set(let s)? = a[0] { return s }
      return PySet()
    }
    func other(_ v: Value?, _ ev: Evaluator, _ loc: SourceLocation) throws(TraceError) -> PySet {
      if case .set(let s)? = v { return s }
      let s = PySet()
      for x in try ev.iterate(v ?? .none, at: loc) { s.insert(x, try ev.hashKey(x, at: loc)) }
      return s
    }
    for t in ["set", "frozenset"] {
      for (name, op) in [
        ("union", BinaryOperator.bitwiseOr), ("intersection", .bitwiseAnd), ("difference", .subtract),
        ("symmetric_difference", .bitwiseXor),
      ] {
        method(t, "\(name)(self, /, *others)") { a, ev, loc throws(TraceError) in
          var acc = set(a)
          for o in a.extraPositional { acc = ev.setOperation(op, acc, try other(o, ev, loc)) ?? acc }
          return .set(acc === set(a) ? acc.copy() : acc)
        }
      }
      method(t, "issubset(self, other, /)") { a, ev, loc throws(TraceError) in
        let o = try other(a[1], ev, loc)
        return .bool(set(a).entries.allSatisfy { o.contains($0.1) })
      }
      method(t, "issuperset(self, other, /)") { a, ev, loc throws(TraceError) in
        let s = set(a)
        return .bool(try other(a[1], ev, loc).entries.allSatisfy { s.contains($0.1) })
      }
      method(t, "isdisjoint(self, other, /)") { a, ev, loc throws(TraceError) in
        let s = set(a)
        return .bool(!(try other(a[1], ev, loc)).entries.contains { s.contains($0.1) })
      }
      method(t, "copy(self, /)") { a, _, _ throws(TraceError) in .set(set(a).copy()) }
    }
    method("set", "add(self, object, /)") { a, ev, loc throws(TraceError) in
      set(a).insert(a[1] ?? .none, try ev.hashKey(a[1] ?? .none, at: loc))
      return .none
    }
    method("set", "discard(self, object, /)") { a, ev, loc throws(TraceError) in
      set(a).remove(try ev.hashKey(a[1] ?? .none, at: loc))
      return .none
    }
    method("set", "remove(self, object, /)") { a, ev, loc throws(TraceError) in
      if !set(a).remove(try ev.hashKey(a[1] ?? .none, at: loc)) {
        throw TraceError.python("KeyError", try ev.repr(a[1] ?? .none), at: loc)
      }
      return .none
    }
    method("set", "pop(self, /)") { a, _, loc throws(TraceError) in
      let s = set(a)
      guard let (v, k) = s.entries.first else {
        throw TraceError.python("KeyError", "'pop from an empty set'", at: loc)
      }
      s.remove(k)
      return v
    }
    method("set", "clear(self, /)") { a, _, _ throws(TraceError) in
      set(a).removeAll()
      return .none
    }
    method("set", "update(self, /, *others)") { a, ev, loc throws(TraceError) in
      let s = set(a)
      for o in a.extraPositional { for (v, k) in try other(o, ev, loc).entries { s.insert(v, k) } }
      return .none
    }
  }
}
