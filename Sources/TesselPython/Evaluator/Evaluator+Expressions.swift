import TesselIR

extension Evaluator {
  // MARK: - Expressions

  /// Evaluates an expression.
  package func eval(_ e: Expr, _ scope: Scope) throws(TraceError) -> Value {
    switch e.kind {
    case .name(let n):
      if let v = try scope.lookup(n) { return v }
      if let b = builtins[n] { return b }
      throw TraceError.python("NameError", .nameNotDefined(n), at: e.location)
    case .noneLiteral: return .none
    case .bool(let b): return .bool(b)
    case .int(let i): return .int(i)
    case .float(let f): return .float(f)
    case .string(let s): return .string(s)
    case .bytes: return .string("<bytes>")
    case .fstring(let parts): return .string(try fstring(parts, scope))
    case .ellipsis: return .ellipsis
    case .unary(let op, let x):
      return try unary(op, try eval(x, scope), at: e.location)
    case .binary(let op, let a, let b):
      let l = try eval(a, scope)
      let r = try eval(b, scope)
      return try binary(op, l, r, at: e.location)
    case .boolean(let op, let xs):
      return try boolean(op, xs, scope)
    case .compare(let first, let links):
      var left = try eval(first, scope)
      var result: Value = .bool(true)
      for link in links {
        let right = try eval(link.right, scope)
        let r = try compare(link.op, left, right, at: e.location)
        if case .native = r {
          // A mask or a tile of comparison results: a chain would need its truth value.
          if links.count > 1 {
            throw TraceError.unsupported("chained comparisons that give '\(r.typeName)' values", at: e.location)
          }
          return r
        }
        result = r
        if !(try truth(r, at: e.location)) { return r }
        left = right
      }
      return result
    case .conditional(let c, let body, let orElse):
      // The test's truth value as an `if` statement takes it: a symbolic one (a loop-index
      // predicate) throws, and the binding specialises the loop it depends on.
      return try truth(try eval(c, scope), at: c.location) ? try eval(body, scope) : try eval(orElse, scope)
    case .lambda(let params, let body):
      var defaults: [String: Value] = [:]
      for p in params.positionalOnly + params.positional + params.keywordOnly {
        if let d = p.defaultValue { defaults[p.name] = try eval(d, scope) }
      }
      let prefix = scope.qualifiedPrefix.map { $0 + "." } ?? ""
      return .function(
        PyFunction(
          name: "<lambda>", qualifiedName: prefix + "<lambda>", parameters: params, body: .expression(body),
          closure: scope.isClassBody ? (scope.parent ?? scope) : scope, defaults: defaults, decorators: [],
          location: e.location))
    case .named(let target, let value):
      let v = try eval(value, scope)
      try assign(target, v, scope, location: e.location)
      return v
    case .call(let fn, let args):
      let f = try eval(fn, scope)
      var positional: [Value] = []
      var keywords: [(String, Value)] = []
      for a in args {
        switch a {
        case .positional(let x): positional.append(try eval(x, scope))
        case .unpacked(let x):
          let v = try eval(x, scope)
          guard let items = try iterateIfPossible(v, at: x.location) else {
            throw TraceError.typeError(
              .arguments(function: calleeName(f), problem: .starNotIterable(type: v.typeName)), at: x.location)
          }
          positional += items
        case .keyword(let k): keywords.append((k.name, try eval(k.value, scope)))
        case .unpackedKeywords(let x):
          let v = try eval(x, scope)
          guard case .dict(let d) = v else {
            throw TraceError.typeError(
              .arguments(function: calleeName(f), problem: .starStarNotMapping(type: v.typeName)), at: x.location)
          }
          for (key, value) in d.items {
            guard case .string(let s) = key else {
              throw TraceError.typeError(
                .arguments(function: calleeName(f), problem: .keywordsNotStrings), at: x.location)
            }
            if keywords.contains(where: { $0.0 == s }) {
              throw TraceError.typeError(
                .arguments(function: calleeName(f), problem: .multipleValues(s)), at: x.location)
            }
            keywords.append((s, value))
          }
        }
      }
      return try call(f, positional, keywords, at: e.location)
    case .attribute(let base, let name):
      return try attribute(try eval(base, scope), name, at: e.location)
    case .subscript(let base, let index):
      let b = try eval(base, scope)
      return try getItem(b, try evalSubscriptKey(index, scope), at: e.location)
    case .slice(let lo, let hi, let st):
      return try evalSlice(lo, hi, st, scope)
    case .starred(let x):
      return try eval(x, scope)
    case .tuple(let xs):
      return .tuple(try evalItems(xs, scope))
    case .list(let xs):
      return .list(PyList(try evalItems(xs, scope)))
    case .set(let xs):
      let s = PySet()
      for v in try evalItems(xs, scope) { s.insert(v, try hashKey(v, at: e.location)) }
      return .set(s)
    case .dict(let items):
      let d = PyDict()
      for item in items {
        switch item {
        case .pair(let k, let v):
          let key = try eval(k, scope)
          d.set(key, try hashKey(key, at: k.location), try eval(v, scope))
        case .unpack(let x):
          let v = try eval(x, scope)
          guard case .dict(let other) = v else {
            throw TraceError.typeError(.message("'\(v.typeName)' object is not a mapping"), at: x.location)
          }
          for i in 0..<other.count { d.set(other.keys[i], other.hashKey(at: i), other.values[i]) }
        }
      }
      return .dict(d)
    case .listComprehension(let element, let comps), .generator(let element, let comps):
      var out: [Value] = []
      try comprehension(comps, 0, Scope(parent: scope)) { (s) throws(TraceError) in
        out.append(try self.eval(element, s))
      }
      return .list(PyList(out))
    case .setComprehension(let element, let comps):
      let set = PySet()
      try comprehension(comps, 0, Scope(parent: scope)) { (s) throws(TraceError) in
        let v = try self.eval(element, s)
        set.insert(v, try self.hashKey(v, at: element.location))
      }
      return .set(set)
    case .dictComprehension(let key, let value, let comps):
      let d = PyDict()
      try comprehension(comps, 0, Scope(parent: scope)) { (s) throws(TraceError) in
        let k = try self.eval(key, s)
        d.set(k, try self.hashKey(k, at: key.location), try self.eval(value, s))
      }
      return .dict(d)
    case .yield(let x):
      guard let g = generators.last else {
        throw TraceError.python("SyntaxError", "'yield' outside function", at: e.location)
      }
      return try g.yieldValue(try x.map { (v) throws(TraceError) in try eval(v, scope) } ?? .none, self, at: e.location)
    case .yieldFrom(let x):
      guard let g = generators.last else {
        throw TraceError.python("SyntaxError", "'yield' outside function", at: e.location)
      }
      var it = try makeIterator(try eval(x, scope), at: x.location)
      while let v = try it.next(self, at: x.location) { _ = try g.yieldValue(v, self, at: e.location) }
      return .none
    }
  }

  /// Items of a tuple or list display, with `*x` unpacked.
  func evalItems(_ xs: [Expr], _ scope: Scope) throws(TraceError) -> [Value] {
    var out: [Value] = []
    out.reserveCapacity(xs.count)
    for x in xs {
      if case .starred(let inner) = x.kind {
        out += try iterate(try eval(inner, scope), at: x.location)
      } else {
        out.append(try eval(x, scope))
      }
    }
    return out
  }

  /// The key of `base[index]`: a value, a slice object, or a tuple of them.
  package func evalSubscriptKey(_ index: Expr, _ scope: Scope) throws(TraceError) -> Value {
    if case .tuple(let parts) = index.kind {
      var out: [Value] = []
      for p in parts {
        if case .starred(let inner) = p.kind {
          out += try iterate(try eval(inner, scope), at: p.location)
        } else {
          out.append(try eval(p, scope))
        }
      }
      return .tuple(out)
    }
    return try eval(index, scope)
  }

  func evalSlice(_ lo: Expr?, _ hi: Expr?, _ st: Expr?, _ scope: Scope) throws(TraceError) -> Value {
    let l = try lo.map { (x) throws(TraceError) in try eval(x, scope) } ?? .none
    let h = try hi.map { (x) throws(TraceError) in try eval(x, scope) } ?? .none
    let s = try st.map { (x) throws(TraceError) in try eval(x, scope) } ?? .none
    return .slice(PySlice(lower: l, upper: h, step: s))
  }

  /// `a and b`, `a or b`.
  ///
  /// Masks of a binding (``NativeObject/conjoinsWithAnd``) joined by `and` are conjoined (`&`)
  /// instead of asked for a truth value they do not have, when every operand is one. Mixed with
  /// other operands, `and` is Python's: every operand but the last is asked for its truth value
  /// (a mask on a loop index refuses, and the loop specialises).
  func boolean(_ op: BooleanOperator, _ xs: [Expr], _ scope: Scope) throws(TraceError) -> Value {
    var last: Value = .none
    var masks: [(Value, SourceLocation)] = []
    var allMasks = true
    for (k, x) in xs.enumerated() {
      last = try eval(x, scope)
      if op == .and, allMasks, case .native(let o) = last, o.conjoinsWithAnd {
        masks.append((last, x.location))
        continue
      }
      if allMasks {
        // The masks so far are operands of a plain `and`.
        for (m, location) in masks where !(try truth(m, at: location)) { return m }
        allMasks = false
      }
      if k == xs.count - 1 { return last }
      let t = try truth(last, at: x.location)
      if op == .and && !t { return last }
      if op == .or && t { return last }
    }
    if op == .and && allMasks, var acc = masks.first?.0 {
      for (m, _) in masks.dropFirst() { acc = try binary(.bitwiseAnd, acc, m, at: xs[0].location) }
      return acc
    }
    return last
  }

  func comprehension(
    _ comps: [Comprehension], _ i: Int, _ scope: Scope, _ body: (Scope) throws(TraceError) -> Void
  ) throws(TraceError) {
    if i == comps.count {
      try body(scope)
      return
    }
    let c = comps[i]
    for item in try iterate(try eval(c.iterable, scope), at: c.location) {
      try countStep(at: c.location)
      try assign(c.target, item, scope, location: c.location)
      var ok = true
      for cond in c.conditions where !(try truth(try eval(cond, scope), at: cond.location)) {
        ok = false
        break
      }
      if ok { try comprehension(comps, i + 1, scope, body) }
    }
  }

  func fstring(_ parts: [FStringPart], _ scope: Scope) throws(TraceError) -> String {
    var s = ""
    for p in parts {
      switch p {
      case .literal(let t): s += t
      case .field(let f):
        let v = try eval(f.value, scope)
        let spec = try f.formatSpec.map { (x) throws(TraceError) in try fstring(x, scope) } ?? ""
        switch f.conversion {
        case .repr?, .ascii?: s += try format(.string(try repr(v)), spec, at: f.location)
        case .str?: s += try format(.string(try str(v)), spec, at: f.location)
        case nil: s += try format(v, spec, at: f.location)
        }
      }
    }
    return s
  }

  /// The name of a callee, for argument messages.
  func calleeName(_ f: Value) -> String {
    switch f {
    case .function(let fn): return fn.qualifiedName
    case .builtin(let b): return b.signature.name
    case .method(let m): return calleeName(m.function)
    case .type(let c): return c.name
    default: return f.typeName
    }
  }
}
