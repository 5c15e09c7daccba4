import TesselIR

extension Evaluator {
  static let comparisonDunder: [ComparisonOperator: (String, String)] = [
    .equal: ("__eq__", "__eq__"), .notEqual: ("__ne__", "__ne__"), .less: ("__lt__", "__gt__"),
    .lessEqual: ("__le__", "__ge__"), .greater: ("__gt__", "__lt__"), .greaterEqual: ("__ge__", "__le__"),
  ]

  /// `l op r` for comparison operators.
  package func compare(_ op: ComparisonOperator, _ l: Value, _ r: Value, at loc: SourceLocation) throws(TraceError)
    -> Value
  {
    switch op {
    case .is: return .bool(isSame(l, r))
    case .isNot: return .bool(!isSame(l, r))
    case .in, .notIn:
      let found = try contains(r, l, at: loc)
      return .bool(op == .in ? found : !found)
    default: break
    }
    if case .native(let o) = l, let v = try o.compare(op, r, reflected: false, self, at: loc) { return v }
    if case .native(let o) = r, let v = try o.compare(op, l, reflected: true, self, at: loc) { return v }
    if let v = try instanceOperator(Evaluator.comparisonDunder[op], l, r, at: loc) { return v }
    switch op {
    case .equal: return .bool(try valuesEqual(l, r))
    case .notEqual: return .bool(!(try valuesEqual(l, r)))
    default: return .bool(try order(op, l, r, at: loc))
    }
  }

  /// `l is r`: identity for objects, equality for immutable scalars (which Tessel does not box).
  package func isSame(_ l: Value, _ r: Value) -> Bool {
    switch (l, r) {
    case (.none, .none), (.ellipsis, .ellipsis): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.int(let a), .int(let b)): return a == b
    case (.float(let a), .float(let b)): return a == b
    case (.string(let a), .string(let b)): return a == b
    case (.tuple(let a), .tuple(let b)):
      return a.count == b.count && zip(a, b).allSatisfy { isSame($0, $1) }
    case (.list(let a), .list(let b)): return a === b
    case (.dict(let a), .dict(let b)): return a === b
    case (.set(let a), .set(let b)): return a === b
    case (.slice(let a), .slice(let b)): return a === b
    case (.function(let a), .function(let b)): return a === b
    case (.builtin(let a), .builtin(let b)): return a === b || a.signature.name == b.signature.name
    case (.method(let a), .method(let b)): return isSame(a.receiver, b.receiver) && isSame(a.function, b.function)
    case (.type(let a), .type(let b)): return a === b
    case (.instance(let a), .instance(let b)): return a === b
    case (.module(let a), .module(let b)): return a === b || a.name == b.name
    case (.native(let a), .native(let b)):
      if a === b { return true }
      guard let ka = a.hashKey(self), let kb = b.hashKey(self) else { return false }
      return ka == kb
    default: return false
    }
  }

  /// Python `==` on values without a comparison hook of their own.
  package func valuesEqual(_ l: Value, _ r: Value) throws(TraceError) -> Bool {
    switch (l, r) {
    case (.none, .none), (.ellipsis, .ellipsis): return true
    case (.string(let a), .string(let b)): return a == b
    case (.int(let a), .int(let b)): return a == b
    case (.bool(let a), .bool(let b)): return a == b
    case (.int, .bool), (.bool, .int): return (try intValue(l, at: .unknown)) == (try intValue(r, at: .unknown))
    case (.int, .float), (.float, .int), (.float, .float), (.bool, .float), (.float, .bool):
      return (try floatValue(l, at: .unknown)) == (try floatValue(r, at: .unknown))
    case (.tuple(let a), .tuple(let b)): return try sequencesEqual(a, b)
    case (.list(let a), .list(let b)):
      if a === b { return true }
      return try sequencesEqual(a.items, b.items)
    case (.dict(let a), .dict(let b)):
      if a === b { return true }
      guard a.count == b.count else { return false }
      for i in 0..<a.count {
        guard let v = b.get(a.hashKey(at: i)) else { return false }
        if !(try valuesEqual(a.values[i], v)) { return false }
      }
      return true
    case (.set(let a), .set(let b)):
      return a.count == b.count && a.entries.allSatisfy { b.contains($0.1) }
    case (.native(let o), _):
      if isSame(l, r) { return true }
      if let e = o.isEqual(to: r, self) { return e }
      // `==` of a binding's object (a symbolic loop index refuses; a tile compares elementwise).
      if let v = try o.compare(.equal, r, reflected: false, self, at: .unknown) { return try truth(v, at: .unknown) }
      if case .native(let p) = r, let v = try p.compare(.equal, l, reflected: true, self, at: .unknown) {
        return try truth(v, at: .unknown)
      }
      return false
    case (_, .native(let o)):
      if let e = o.isEqual(to: l, self) { return e }
      if let v = try o.compare(.equal, l, reflected: true, self, at: .unknown) { return try truth(v, at: .unknown) }
      return isSame(l, r)
    case (.instance(let a), .instance(let b)) where a.cls.enumInfo != nil || b.cls.enumInfo != nil:
      if let x = intLike(l), let y = intLike(r) { return try valuesEqual(x, y) }
      return a === b
    case (.instance(let a), .instance(let b)) where a.cls.dataclassInfo?.eq == true:
      guard a.cls === b.cls, let d = a.cls.dataclassInfo else { return a === b }
      for f in d.fields where f.inCompare {
        if !(try truth(
          try compare(.equal, a.attributes[f.name] ?? .none, b.attributes[f.name] ?? .none, at: .unknown), at: .unknown))
        {
          return false
        }
      }
      return true
    case (.instance(let a), _) where a.cls.namedTupleInfo != nil:
      guard case .tuple(let xs)? = a.attributes["_items_"] else { return isSame(l, r) }
      return try valuesEqual(.tuple(xs), r)
    case (_, .instance(let b)) where b.cls.namedTupleInfo != nil:
      return try valuesEqual(r, l)
    case (.instance(let a), _) where a.cls.builtinBase == .int:
      if case .int(let x)? = a.attributes["_value_"] { return try valuesEqual(.int(x), r) }
      return isSame(l, r)
    case (_, .instance(let b)) where b.cls.builtinBase == .int:
      return try valuesEqual(r, l)
    default: return isSame(l, r)
    }
  }

  func sequencesEqual(_ a: [Value], _ b: [Value]) throws(TraceError) -> Bool {
    guard a.count == b.count else { return false }
    for (x, y) in zip(a, b) where !(try truth(try compare(.equal, x, y, at: .unknown), at: .unknown)) {
      return false
    }
    return true
  }

  /// `<`, `<=`, `>`, `>=` on numbers, strings and sequences.
  func order(_ op: ComparisonOperator, _ l: Value, _ r: Value, at loc: SourceLocation) throws(TraceError) -> Bool {
    func result(_ c: Int) -> Bool {
      switch op {
      case .less: return c < 0
      case .lessEqual: return c <= 0
      case .greater: return c > 0
      default: return c >= 0
      }
    }
    switch (l, r) {
    case (.int(let a), .int(let b)): return result(a < b ? -1 : a == b ? 0 : 1)
    case (.int, .float), (.float, .int), (.float, .float), (.bool, .float), (.float, .bool), (.bool, .int),
      (.int, .bool),
      (.bool, .bool):
      let a = try floatValue(l, at: loc)
      let b = try floatValue(r, at: loc)
      switch op {
      case .less: return a < b
      case .lessEqual: return a <= b
      case .greater: return a > b
      default: return a >= b
      }
    case (.string(let a), .string(let b)):
      return result(a < b ? -1 : a == b ? 0 : 1)
    case (.tuple(let a), .tuple(let b)): return try orderSequences(op, a, b, at: loc)
    case (.list(let a), .list(let b)): return try orderSequences(op, a.items, b.items, at: loc)
    case (.set(let a), .set(let b)):
      let sub = a.entries.allSatisfy { b.contains($0.1) }
      let sup = b.entries.allSatisfy { a.contains($0.1) }
      switch op {
      case .less: return sub && a.count < b.count
      case .lessEqual: return sub
      case .greater: return sup && a.count > b.count
      default: return sup
      }
    case (.instance(let a), .instance(let b)) where a.cls.dataclassInfo?.order == true && a.cls === b.cls:
      let fields = a.cls.dataclassInfo?.fields.filter(\.inCompare) ?? []
      return try orderSequences(
        op, fields.map { a.attributes[$0.name] ?? .none }, fields.map { b.attributes[$0.name] ?? .none }, at: loc)
    case (.instance(let a), _) where a.cls.namedTupleInfo != nil:
      if case .tuple(let xs)? = a.attributes["_items_"] { return try order(op, .tuple(xs), r, at: loc) }
    case (_, .instance(let b)) where b.cls.namedTupleInfo != nil:
      if case .tuple(let ys)? = b.attributes["_items_"] { return try order(op, l, .tuple(ys), at: loc) }
    case (.instance(let a), _) where a.cls.builtinBase == .int:
      if case .int(let x)? = a.attributes["_value_"] { return try order(op, .int(x), r, at: loc) }
    case (_, .instance(let b)) where b.cls.builtinBase == .int:
      if case .int(let y)? = b.attributes["_value_"] { return try order(op, l, .int(y), at: loc) }
    default: break
    }
    throw TraceError.typeError(.notOrderable(operator: op.rawValue, left: l.typeName, right: r.typeName), at: loc)
  }

  func orderSequences(_ op: ComparisonOperator, _ a: [Value], _ b: [Value], at loc: SourceLocation) throws(TraceError)
    -> Bool
  {
    for (x, y) in zip(a, b) where !(try valuesEqual(x, y)) {
      return try truth(try compare(op, x, y, at: loc), at: loc)
    }
    return try order(op, .int(a.count), .int(b.count), at: loc)
  }

  /// `item in container`.
  package func contains(_ container: Value, _ item: Value, at loc: SourceLocation) throws(TraceError) -> Bool {
    switch container {
    case .dict(let d): return d.get(try hashKey(item, at: loc)) != nil
    case .set(let s): return s.contains(try hashKey(item, at: loc))
    case .string(let hay):
      guard case .string(let needle) = item else {
        throw TraceError.typeError(
          .message("'in <string>' requires string as left operand, not \(item.typeName)"), at: loc)
      }
      return needle.isEmpty || hay.contains(needle)
    case .instance(let i):
      if let m = try lookupSpecial(i, "__contains__") { return try truth(try call(m, [item], [], at: loc), at: loc) }
    default: break
    }
    for x in try iterate(container, at: loc) {
      if isSame(x, item) { return true }
      do {
        if try valuesEqual(x, item) { return true }
      } catch {
        // An object's `==` failed (a symbolic index refuses): the error belongs to this `in`.
        var e = error
        if e.location == .unknown { e.location = loc }
        throw e
      }
    }
    return false
  }
}
