import TesselIR

extension Evaluator {
  // MARK: - Subscripts

  /// `base[key]`.
  package func getItem(_ base: Value, _ key: Value, at loc: SourceLocation) throws(TraceError) -> Value {
    switch base {
    case .list(let l): return try sequenceItem(l.items, key, type: "list", at: loc) { .list(PyList($0)) }
    case .tuple(let t): return try sequenceItem(t, key, type: "tuple", at: loc) { .tuple($0) }
    case .string(let s):
      let chars = s.map { Value.string(String($0)) }
      return try sequenceItem(chars, key, type: "string", at: loc) { (xs: [Value]) -> Value in
        var out = ""
        for x in xs { if case .string(let c) = x { out += c } }
        return .string(out)
      }
    case .dict(let d):
      let k = try hashKey(key, at: loc)
      if let v = d.get(k) { return v }
      switch d.flavor {
      case .defaultDict(let factory) where !factory.isNone:
        let v = try call(factory, [], [], at: loc)
        d.set(key, k, v)
        return v
      case .counter: return .int(0)
      default: throw TraceError.python("KeyError", try repr(key), at: loc)
      }
    case .native(let o):
      if let v = try o.getItem(key, self, at: loc) { return v }
    case .instance(let i):
      if case .tuple(let xs)? = i.attributes["_items_"], case .namedTuple = i.cls.special {
        return try sequenceItem(xs, key, type: "tuple", at: loc) { .tuple($0) }
      }
      if let m = try lookupSpecial(i, "__getitem__") { return try call(m, [key], [], at: loc) }
    case .type(let c):
      if let e = c.enumInfo, case .string(let n) = key {
        if let m = e.members[n] { return .instance(m) }
        throw TraceError.python("KeyError", try repr(key), at: loc)
      }
      if let (m, _) = c.lookup("__class_getitem__") { return try call(m, [base, key], [], at: loc) }
      // `list[int]`, `tuple[int, ...]`: typing generics, inert at trace time.
      if c.builtin != nil { return base }
    case .function(let f):
      if let b = binding, let v = try b.subscriptFunction(f, key, self, at: loc) { return v }
    default: break
    }
    throw TraceError.typeError(.notSubscriptable(type: base.typeName), at: loc)
  }

  /// An item or a slice of a list, tuple or string.
  func sequenceItem(
    _ items: [Value], _ key: Value, type: String, at loc: SourceLocation, _ make: ([Value]) -> Value
  ) throws(TraceError) -> Value {
    if case .slice(let s) = key {
      let (start, stop, step) = try sliceIndices(s, count: items.count, at: loc)
      var out: [Value] = []
      var i = start
      while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.append(items[i])
        i += step
      }
      return make(out)
    }
    guard let i = try indexIfInteger(key, at: loc) else {
      throw TraceError.typeError(
        .message("\(type) indices must be integers or slices, not \(key.typeName)"), at: loc)
    }
    let k = i < 0 ? i + items.count : i
    guard k >= 0 && k < items.count else {
      throw TraceError.python("IndexError", .indexOutOfRange(type: type), at: loc)
    }
    return items[k]
  }

  /// The integer of an index, or nil when the key is not an integer.
  func indexIfInteger(_ key: Value, at loc: SourceLocation) throws(TraceError) -> Int? {
    switch key {
    case .int(let i): return i
    case .bool(let b): return b ? 1 : 0
    case .native(let o): return try o.asInteger(self, at: loc)
    case .instance: return try? intValue(key, at: loc)
    default: return nil
    }
  }

  /// `slice.indices(count)`: clamped start, stop and step, as CPython computes them.
  package func sliceIndices(_ s: PySlice, count n: Int, at loc: SourceLocation) throws(TraceError) -> (Int, Int, Int) {
    var step = 1
    if !s.step.isNone { step = try intValue(s.step, at: loc) }
    if step == 0 { throw TraceError.python("ValueError", "slice step cannot be zero", at: loc) }
    func clamp(_ v: Value, _ dflt: Int) throws(TraceError) -> Int {
      if v.isNone { return dflt }
      var x = try intValue(v, at: loc)
      if x < 0 {
        x += n
        if x < 0 { x = step < 0 ? -1 : 0 }
      } else if x >= n {
        x = step < 0 ? n - 1 : n
      }
      return x
    }
    let start = try clamp(s.lower, step < 0 ? n - 1 : 0)
    let stop = try clamp(s.upper, step < 0 ? -1 : n)
    return (start, stop, step)
  }

  /// `base[key] = value`.
  package func setItem(_ base: Value, _ key: Value, _ value: Value, at loc: SourceLocation) throws(TraceError) {
    switch base {
    case .list(let l):
      if case .slice(let s) = key {
        let (start, stop, step) = try sliceIndices(s, count: l.items.count, at: loc)
        let items = try iterate(value, at: loc)
        if step == 1 {
          l.items.replaceSubrange(start..<Swift.max(start, stop), with: items)
          return
        }
        var idx: [Int] = []
        var i = start
        while (step > 0 && i < stop) || (step < 0 && i > stop) {
          idx.append(i)
          i += step
        }
        guard idx.count == items.count else {
          throw TraceError.python(
            "ValueError", "attempt to assign sequence of size \(items.count) to extended slice of size \(idx.count)",
            at: loc)
        }
        for (j, k) in idx.enumerated() { l.items[k] = items[j] }
        return
      }
      let i = try intValue(key, at: loc)
      let n = l.items.count
      let k = i < 0 ? i + n : i
      guard k >= 0 && k < n else {
        throw TraceError.python("IndexError", "list assignment index out of range", at: loc)
      }
      l.items[k] = value
      return
    case .dict(let d):
      d.set(key, try hashKey(key, at: loc), value)
      return
    case .native(let o):
      if try o.setItem(key, value, self, at: loc) { return }
    case .instance(let i):
      if let m = try lookupSpecial(i, "__setitem__") {
        _ = try call(m, [key, value], [], at: loc)
        return
      }
    default: break
    }
    throw TraceError.typeError(.noItemAssignment(type: base.typeName), at: loc)
  }

  /// `del base[key]`.
  func deleteItem(_ base: Value, _ key: Value, at loc: SourceLocation) throws(TraceError) {
    switch base {
    case .list(let l):
      if case .slice(let s) = key {
        let (start, stop, step) = try sliceIndices(s, count: l.items.count, at: loc)
        var drop = Set<Int>()
        var i = start
        while (step > 0 && i < stop) || (step < 0 && i > stop) {
          drop.insert(i)
          i += step
        }
        l.items = l.items.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
        return
      }
      let i = try intValue(key, at: loc)
      let k = i < 0 ? i + l.items.count : i
      guard k >= 0 && k < l.items.count else {
        throw TraceError.python("IndexError", "list assignment index out of range", at: loc)
      }
      l.items.remove(at: k)
    case .dict(let d):
      if d.remove(try hashKey(key, at: loc)) == nil { throw TraceError.python("KeyError", try repr(key), at: loc) }
    case .instance(let i):
      guard let m = try lookupSpecial(i, "__delitem__") else { fallthrough }
      _ = try call(m, [key], [], at: loc)
    default:
      throw TraceError.typeError(.message("'\(base.typeName)' object does not support item deletion"), at: loc)
    }
  }

  // MARK: - Assignment

  /// Binds `target` (a name, a tuple or list of targets, a subscript or an attribute) to `value`.
  package func assign(_ target: Expr, _ value: Value, _ scope: Scope, location: SourceLocation) throws(TraceError) {
    switch target.kind {
    case .name(let n):
      binding?.didAssign(value, to: n)
      scope.bind(n, value)
    case .tuple(let ts), .list(let ts):
      let items = try iterate(value, at: target.location)
      if let star = ts.firstIndex(where: { if case .starred = $0.kind { return true } else { return false } }) {
        let after = ts.count - star - 1
        guard items.count >= ts.count - 1 else {
          throw TraceError.python(
            "ValueError", .notEnoughToUnpack(expected: ts.count - 1, got: items.count, atLeast: true),
            at: target.location)
        }
        for i in 0..<star { try assign(ts[i], items[i], scope, location: location) }
        if case .starred(let inner) = ts[star].kind {
          try assign(inner, .list(PyList(Array(items[star..<(items.count - after)]))), scope, location: location)
        }
        for j in 0..<after { try assign(ts[star + 1 + j], items[items.count - after + j], scope, location: location) }
        return
      }
      guard items.count == ts.count else {
        if items.count > ts.count {
          throw TraceError.python("ValueError", .tooManyToUnpack(expected: ts.count), at: target.location)
        }
        throw TraceError.python(
          "ValueError", .notEnoughToUnpack(expected: ts.count, got: items.count, atLeast: false), at: target.location)
      }
      for (t, v) in zip(ts, items) { try assign(t, v, scope, location: location) }
    case .subscript(let base, let index):
      let b = try eval(base, scope)
      try setItem(b, try evalSubscriptKey(index, scope), value, at: target.location)
    case .attribute(let base, let name):
      try setAttribute(try eval(base, scope), name, value, at: target.location)
    case .starred(let inner):
      try assign(inner, value, scope, location: location)
    default:
      throw TraceError.python("SyntaxError", "cannot assign to expression", at: target.location)
    }
  }

  /// `target op= value`: in place when the object supports it, else `target = target op value`.
  func augmentedAssign(
    _ target: Expr, _ op: BinaryOperator, _ valueExpr: Expr, _ scope: Scope, location: SourceLocation
  ) throws(TraceError) {
    switch target.kind {
    case .subscript(let base, let index):
      let b = try eval(base, scope)
      let key = try evalSubscriptKey(index, scope)
      if case .native(let o) = b {
        let rhs = try eval(valueExpr, scope)
        if try o.inPlaceItem(key, op, rhs, self, at: location) { return }
        let current = try getItem(b, key, at: target.location)
        try setItem(b, key, try inPlaceBinary(op, current, rhs, at: location), at: target.location)
        return
      }
      let current = try getItem(b, key, at: target.location)
      let rhs = try eval(valueExpr, scope)
      try setItem(b, key, try inPlaceBinary(op, current, rhs, at: location), at: target.location)
    case .attribute(let base, let name):
      let b = try eval(base, scope)
      let current = try attribute(b, name, at: target.location)
      let rhs = try eval(valueExpr, scope)
      try setAttribute(b, name, try inPlaceBinary(op, current, rhs, at: location), at: target.location)
    default:
      let current = try eval(target, scope)
      let rhs = try eval(valueExpr, scope)
      if case .native(let o) = current, let r = try o.inPlace(op, rhs, self, at: location) {
        // Updated in place: the name keeps its object.
        if case .native(let same) = r, same === o { return }
        try assign(target, r, scope, location: location)
        return
      }
      try assign(target, try inPlaceBinary(op, current, rhs, at: location), scope, location: location)
    }
  }

  /// `a op= b` as a value: lists extend in place (`+=`), everything else is `a op b`.
  func inPlaceBinary(_ op: BinaryOperator, _ a: Value, _ b: Value, at loc: SourceLocation) throws(TraceError) -> Value {
    switch (op, a) {
    case (.add, .list(let l)):
      let items = try iterate(b, at: loc)
      try checkSequenceLength(l.items.count, items.count, 1, at: loc)
      l.items += items
      return a
    case (.multiply, .list(let l)):
      let n = try intValue(b, at: loc)
      try checkSequenceLength(l.items.count, 0, n, at: loc)
      l.items = Array([[Value]](repeating: l.items, count: Swift.max(0, n)).joined())
      return a
    case (_, .instance(let i)):
      if let (name, _) = Evaluator.dunder[op] {
        let iname = "__i" + name.dropFirst(2)
        if let m = try lookupSpecial(i, iname) {
          let v = try call(m, [b], [], at: loc)
          if !isNotImplemented(v) { return v }
        }
      }
      return try binary(op, a, b, at: loc)
    case (.bitwiseOr, .dict(let d)):
      guard case .dict(let other) = b else { return try binary(op, a, b, at: loc) }
      for i in 0..<other.count { d.set(other.keys[i], other.hashKey(at: i), other.values[i]) }
      return a
    default:
      return try binary(op, a, b, at: loc)
    }
  }
}
