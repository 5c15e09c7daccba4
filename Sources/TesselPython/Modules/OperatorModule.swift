import TesselIR

/// `operator`: the operators as functions, `itemgetter`, `attrgetter`, `methodcaller`.
enum OperatorModule {
  static func make() -> TableModule {
    let m = TableModule("operator")
    let binaries: [(String, BinaryOperator)] = [
      ("add", .add), ("sub", .subtract), ("mul", .multiply), ("truediv", .divide), ("floordiv", .floorDivide),
      ("mod", .modulo), ("pow", .power), ("lshift", .leftShift), ("rshift", .rightShift), ("and_", .bitwiseAnd),
      ("or_", .bitwiseOr), ("xor", .bitwiseXor), ("matmul", .matrixMultiply),
    ]
    for (name, op) in binaries {
      m.define("\(name)(a, b, /)") { a, ev, loc throws(TraceError) in
        try ev.binary(op, a[0] ?? .none, a[1] ?? .none, at: loc)
      }
      let inPlace = "i" + (name.hasSuffix("_") ? String(name.dropLast()) : name)
      m.define("\(inPlace)(a, b, /)") { a, ev, loc throws(TraceError) in
        try ev.inPlaceBinary(op, a[0] ?? .none, a[1] ?? .none, at: loc)
      }
    }
    let comparisons: [(String, ComparisonOperator)] = [
      ("eq", .equal), ("ne", .notEqual), ("lt", .less), ("le", .lessEqual), ("gt", .greater), ("ge", .greaterEqual),
      ("is_", .is), ("is_not", .isNot),
    ]
    for (name, op) in comparisons {
      m.define("\(name)(a, b, /)") { a, ev, loc throws(TraceError) in
        try ev.compare(op, a[0] ?? .none, a[1] ?? .none, at: loc)
      }
    }
    m.define("contains(a, b, /)") { a, ev, loc throws(TraceError) in
      .bool(try ev.contains(a[0] ?? .none, a[1] ?? .none, at: loc))
    }
    m.define("neg(a, /)") { a, ev, loc throws(TraceError) in try ev.unary(.negate, a[0] ?? .none, at: loc) }
    m.define("pos(a, /)") { a, ev, loc throws(TraceError) in try ev.unary(.plus, a[0] ?? .none, at: loc) }
    m.define("invert(a, /)") { a, ev, loc throws(TraceError) in try ev.unary(.invert, a[0] ?? .none, at: loc) }
    m.define("not_(a, /)") { a, ev, loc throws(TraceError) in .bool(!(try ev.truth(a[0] ?? .none, at: loc))) }
    m.define("truth(a, /)") { a, ev, loc throws(TraceError) in .bool(try ev.truth(a[0] ?? .none, at: loc)) }
    m.define("index(a, /)") { a, ev, loc throws(TraceError) in .int(try ev.intValue(a[0] ?? .none, at: loc)) }
    m.define("abs(a, /)") { a, ev, loc throws(TraceError) in
      try ev.call(ev.builtins["abs"] ?? .none, [a[0] ?? .none], [], at: loc)
    }
    m.define("getitem(a, b, /)") { a, ev, loc throws(TraceError) in
      try ev.getItem(a[0] ?? .none, a[1] ?? .none, at: loc)
    }
    m.define("setitem(a, b, c, /)") { a, ev, loc throws(TraceError) in
      try ev.setItem(a[0] ?? .none, a[1] ?? .none, a[2] ?? .none, at: loc)
      return .none
    }
    m.define("itemgetter(*items)") { a, _, _ throws(TraceError) in
      let items = a.extraPositional
      return .builtin(
        BuiltinFunction("itemgetter(obj, /)") { b, ev, loc throws(TraceError) in
          var out: [Value] = []
          for k in items { out.append(try ev.getItem(b[0] ?? .none, k, at: loc)) }
          return items.count == 1 ? out[0] : .tuple(out)
        })
    }
    m.define("attrgetter(*attrs)") { a, ev, loc throws(TraceError) in
      var names: [String] = []
      for x in a.extraPositional { names.append(try ev.str(x)) }
      return .builtin(
        BuiltinFunction("attrgetter(obj, /)") { b, ev, loc throws(TraceError) in
          var out: [Value] = []
          for n in names {
            var v = b[0] ?? .none
            for part in n.split(separator: ".") { v = try ev.attribute(v, String(part), at: loc) }
            out.append(v)
          }
          return names.count == 1 ? out[0] : .tuple(out)
        })
    }
    m.define("methodcaller(name, /, *args, **kwargs)") { a, ev, loc throws(TraceError) in
      let name = try ev.str(a[0] ?? .none)
      let args = a.extraPositional
      let kwargs = a.extraKeywords
      return .builtin(
        BuiltinFunction("methodcaller(obj, /)") { b, ev, loc throws(TraceError) in
          try ev.call(try ev.attribute(b[0] ?? .none, name, at: loc), args, kwargs, at: loc)
        })
    }
    return m
  }
}

/// `copy`: `copy` and `deepcopy`.
enum CopyModule {
  static func make() -> TableModule {
    let m = TableModule("copy")
    m.define("copy(x, /)") { a, _, _ throws(TraceError) in CopyModule.copy(a[0] ?? .none, deep: false, memo: [:]).0 }
    m.define("deepcopy(x, memo=None, /)") { a, _, _ throws(TraceError) in
      CopyModule.copy(a[0] ?? .none, deep: true, memo: [:]).0
    }
    return m
  }

  /// A copy of `v`: containers and instances are new objects, everything else is shared.
  static func copy(_ v: Value, deep: Bool, memo: [ObjectIdentifier: Value]) -> (Value, [ObjectIdentifier: Value]) {
    var memo = memo
    func inner(_ x: Value) -> Value {
      guard deep else { return x }
      let (c, m) = copy(x, deep: true, memo: memo)
      memo = m
      return c
    }
    switch v {
    case .list(let l):
      if let done = memo[ObjectIdentifier(l)] { return (done, memo) }
      let out = PyList([])
      memo[ObjectIdentifier(l)] = .list(out)
      out.items = l.items.map(inner)
      return (.list(out), memo)
    case .dict(let d):
      if let done = memo[ObjectIdentifier(d)] { return (done, memo) }
      let out = d.copy()
      memo[ObjectIdentifier(d)] = .dict(out)
      if deep {
        out.removeAll()
        for i in 0..<d.count { out.set(inner(d.keys[i]), d.hashKey(at: i), inner(d.values[i])) }
      }
      return (.dict(out), memo)
    case .set(let s): return (.set(s.copy()), memo)
    case .tuple(let xs): return (deep ? .tuple(xs.map(inner)) : v, memo)
    case .instance(let i) where i.cls.enumInfo == nil:
      if let done = memo[ObjectIdentifier(i)] { return (done, memo) }
      let out = PyInstance(cls: i.cls)
      memo[ObjectIdentifier(i)] = .instance(out)
      out.attributes = i.attributes.mapValues(inner)
      out.frozen = i.frozen
      return (.instance(out), memo)
    default: return (v, memo)
    }
  }
}
