import TesselIR

extension Tracer {
  // MARK: - Expressions

  func eval(_ e: Expr, _ scope: Scope) throws(TraceError) -> Value {
    switch e.kind {
    case .name(let n):
      if let v = scope.lookup(n) {
        if case .failed(let err) = v { throw err }
        return v
      }
      if let b = Tracer.pythonBuiltin(n) { return b }
      throw TraceError.python("NameError", "name '\(n)' is not defined", at: e.location)
    case .noneLiteral: return .none
    case .bool(let b): return .bool(b)
    case .int(let i): return .int(i)
    case .float(let f): return .float(f)
    case .string(let s): return .string(s)
    case .bytes: return .string("<bytes>")
    case .fstring(let parts): return .string(try fstring(parts, scope))
    case .ellipsis: return .ellipsis
    case .unary(let op, let x):
      let v = try eval(x, scope)
      return try unary(op, v, at: e.location)
    case .binary(let op, let a, let b):
      let l = try eval(a, scope)
      let r = try eval(b, scope)
      return try binary(op, l, r, at: e.location)
    case .boolean(let op, let xs):
      var last: Value = .none
      for x in xs {
        last = try eval(x, scope)
        // `&`-style masks are written with `&`, but accept `and` of predicates too.
        if case .predicate = last, op == .and { continue }
        let t = try truth(last, at: x.location)
        if op == .and && !t { return last }
        if op == .or && t { return last }
      }
      if op == .and {
        // Conjunction of predicates.
        var conds: [GridCondition] = []
        var all = true
        for x in xs {
          if case .predicate(let c) = try eval(x, scope) { conds += c } else { all = false }
        }
        if all && !conds.isEmpty { return .predicate(conds) }
      }
      return last
    case .compare(let first, let links):
      var left = try eval(first, scope)
      var result: Value = .bool(true)
      for link in links {
        let right = try eval(link.right, scope)
        let r = try compare(link.op, left, right, at: e.location)
        if case .predicate = r {
          if links.count > 1 { throw TraceError.unsupported("chained comparisons of indices", at: e.location) }
          return r
        }
        if case .tensor = r { return r }
        result = r
        if !(try truth(r, at: e.location)) { return .bool(false) }
        left = right
      }
      return result
    case .conditional(let c, let body, let orElse):
      return try truth(try eval(c, scope), at: c.location) ? try eval(body, scope) : try eval(orElse, scope)
    case .lambda(let params, let body):
      var defaults: [String: Value] = [:]
      for p in params.positional + params.keywordOnly {
        if let d = p.defaultValue { defaults[p.name] = try eval(d, scope) }
      }
      return .function(FunctionValue(name: "<lambda>", parameters: params, body: .expression(body), closure: scope,
                                     defaults: defaults, decorators: [], location: e.location))
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
        case .unpacked(let x): positional += try iterate(try eval(x, scope), at: x.location)
        case .keyword(let k): keywords.append((k.name, try eval(k.value, scope)))
        case .unpackedKeywords(let x):
          guard case .dict(let d) = try eval(x, scope) else {
            throw TraceError.python("TypeError", "argument after ** must be a mapping", at: x.location)
          }
          for key in d.keys {
            guard case .string(let s) = key else { throw TraceError.python("TypeError", "keywords must be strings", at: x.location) }
            keywords.append((s, d.values["s\(s)"] ?? .none))
          }
        }
      }
      return try call(f, positional, keywords, at: e.location)
    case .attribute(let base, let name):
      let b = try eval(base, scope)
      return try attribute(b, name, at: e.location)
    case .subscript(let base, let index):
      let b = try eval(base, scope)
      return try subscriptValue(b, index, scope, at: e.location)
    case .slice:
      throw TraceError.python("SyntaxError", "slice outside a subscript", at: e.location)
    case .starred(let x):
      return try eval(x, scope)
    case .tuple(let xs):
      var out: [Value] = []
      for x in xs {
        if case .starred(let inner) = x.kind { out += try iterate(try eval(inner, scope), at: x.location) } else { out.append(try eval(x, scope)) }
      }
      return .tuple(out)
    case .list(let xs):
      var out: [Value] = []
      for x in xs {
        if case .starred(let inner) = x.kind { out += try iterate(try eval(inner, scope), at: x.location) } else { out.append(try eval(x, scope)) }
      }
      return .list(ListBox(out))
    case .set(let xs):
      var out: [Value] = []
      for x in xs { out.append(try eval(x, scope)) }
      return .list(ListBox(out))
    case .dict(let items):
      let d = DictBox()
      for item in items {
        switch item {
        case .pair(let k, let v):
          let key = try eval(k, scope)
          let ks = try dictKey(key, at: k.location)
          if d.values[ks] == nil { d.keys.append(key) }
          d.values[ks] = try eval(v, scope)
        case .unpack(let x):
          guard case .dict(let other) = try eval(x, scope) else { throw TraceError.python("TypeError", "'**' needs a mapping", at: x.location) }
          for key in other.keys {
            let ks = try dictKey(key, at: x.location)
            if d.values[ks] == nil { d.keys.append(key) }
            d.values[ks] = other.values[ks]
          }
        }
      }
      return .dict(d)
    case .listComprehension(let element, let comps), .setComprehension(let element, let comps), .generator(let element, let comps):
      var out: [Value] = []
      try comprehension(comps, 0, Scope(parent: scope)) { (s) throws(TraceError) in out.append(try self.eval(element, s)) }
      return .list(ListBox(out))
    case .dictComprehension(let key, let value, let comps):
      let d = DictBox()
      try comprehension(comps, 0, Scope(parent: scope)) { (s) throws(TraceError) in
        let k = try self.eval(key, s)
        let ks = try self.dictKey(k, at: key.location)
        if d.values[ks] == nil { d.keys.append(k) }
        d.values[ks] = try self.eval(value, s)
      }
      return .dict(d)
    case .yield, .yieldFrom:
      throw TraceError.unsupported("generators (yield) in kernels", at: e.location)
    }
  }

  func comprehension(
    _ comps: [Comprehension], _ i: Int, _ scope: Scope, _ body: (Scope) throws(TraceError) -> Void
  ) throws(TraceError) {
    if i == comps.count { try body(scope); return }
    let c = comps[i]
    for item in try iterate(try eval(c.iterable, scope), at: c.location) {
      try assign(c.target, item, scope, location: c.location)
      var ok = true
      for cond in c.conditions where !(try truth(try eval(cond, scope), at: cond.location)) { ok = false; break }
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
        var text = f.conversion == .repr ? try repr(v) : try str(v)
        if let spec = f.formatSpec {
          let specText = try fstring(spec, scope)
          text = formatSpec(v, specText, fallback: text)
        }
        s += text
      }
    }
    return s
  }

  /// A small subset of Python's format-spec mini-language (`.3f`, `d`, `>8`).
  func formatSpec(_ v: Value, _ spec: String, fallback: String) -> String {
    if spec.hasSuffix("f"), let digits = Int(spec.dropFirst().dropLast()), spec.hasPrefix(".") {
      let x: Double
      switch v {
      case .float(let f): x = f
      case .int(let i): x = Double(i)
      default: return fallback
      }
      var scale = 1.0
      for _ in 0..<max(0, min(digits, 12)) { scale *= 10 }
      let r = (x * scale).rounded() / scale
      var t = "\(r)"
      if let dot = t.firstIndex(of: ".") {
        let decimals = t.distance(from: dot, to: t.endIndex) - 1
        if decimals < digits { t += String(repeating: "0", count: digits - decimals) }
      }
      return t
    }
    return fallback
  }

  // MARK: - Operators on Python values

  func unary(_ op: UnaryOperator, _ v: Value, at loc: SourceLocation) throws(TraceError) -> Value {
    switch (op, v) {
    case (.not, _): return .bool(!(try truth(v, at: loc)))
    case (.negate, .int(let i)): return .int(-i)
    case (.negate, .bool(let b)): return .int(b ? -1 : 0)
    case (.negate, .float(let f)): return .float(-f)
    case (.negate, .index(let g)):
      return .index(IndexGrid(shape: g.shape, coefficients: g.coefficients.map { -$0 }, base: -g.base))
    case (.negate, .tensor(let t)): return try tileUnary(.negative, t, at: loc)
    case (.plus, .int), (.plus, .float), (.plus, .index), (.plus, .tensor): return v
    case (.invert, .int(let i)): return .int(~i)
    case (.invert, .bool(let b)): return .int(b ? -2 : -1)
    case (.invert, .tensor(let t)):
      return try tileBinary(.bitwiseXor, .tensor(t), .int(-1), at: loc)
    default:
      throw TraceError.python("TypeError", "bad operand type for unary \(op.rawValue): '\(v.typeName)'", at: loc)
    }
  }

  func binary(_ op: BinaryOperator, _ l: Value, _ r: Value, at loc: SourceLocation) throws(TraceError) -> Value {
    if case .failed(let e) = l { throw e }
    if case .failed(let e) = r { throw e }
    // Tiles.
    if case .tensor = l { return try tileBinary(Tracer.aluOp(op, at: loc), l, r, at: loc, op: op) }
    if case .tensor = r { return try tileBinary(Tracer.aluOp(op, at: loc), l, r, at: loc, op: op) }
    // Masks: `&` conjoins predicates.
    if case .predicate(let a) = l, case .predicate(let b) = r, op == .bitwiseAnd { return .predicate(a + b) }
    if op == .bitwiseAnd {
      // `mask & True` is the mask; `mask & False` keeps nothing (0 >= 1 never holds).
      if case .predicate(let a) = l, case .bool(let b) = r { return b ? .predicate(a) : .predicate([GridCondition(shape: [], coefficients: [], offset: AffineExpr(constant: -1), comparison: .greaterEqual)]) }
      if case .bool(let b) = l, case .predicate(let a) = r { return b ? .predicate(a) : .predicate([GridCondition(shape: [], coefficients: [], offset: AffineExpr(constant: -1), comparison: .greaterEqual)]) }
    }
    // Symbolic indices.
    if case .index = l { return try indexArithmetic(op, l, r, at: loc) }
    if case .index = r { return try indexArithmetic(op, l, r, at: loc) }
    switch (l, r) {
    case (.int, .int), (.int, .bool), (.bool, .int), (.bool, .bool):
      let a = try intValue(l, at: loc), b = try intValue(r, at: loc)
      switch op {
      case .add: return .int(a &+ b)
      case .subtract: return .int(a &- b)
      case .multiply: return .int(a &* b)
      case .divide:
        if b == 0 { throw TraceError.python("ZeroDivisionError", "division by zero", at: loc) }
        return .float(Double(a) / Double(b))
      case .floorDivide:
        if b == 0 { throw TraceError.python("ZeroDivisionError", "integer division or modulo by zero", at: loc) }
        return .int(pyFloorDiv(a, b))
      case .modulo:
        if b == 0 { throw TraceError.python("ZeroDivisionError", "integer division or modulo by zero", at: loc) }
        return .int(a &- pyFloorDiv(a, b) &* b)
      case .power:
        if b < 0 { return .float(pow(Double(a), Double(b))) }
        var result = 1
        for _ in 0..<min(b, 64) { result = result &* a }
        return .int(result)
      case .leftShift: return .int(b >= 0 && b < 63 ? a << b : 0)
      case .rightShift: return .int(b >= 0 && b < 63 ? a >> b : (a < 0 ? -1 : 0))
      case .bitwiseAnd: return .int(a & b)
      case .bitwiseOr: return .int(a | b)
      case .bitwiseXor: return .int(a ^ b)
      case .matrixMultiply: throw TraceError.python("TypeError", "unsupported operand type(s) for @: 'int' and 'int'", at: loc)
      }
    case (.int, .float), (.float, .int), (.float, .float), (.bool, .float), (.float, .bool):
      let a = try floatValue(l, at: loc), b = try floatValue(r, at: loc)
      switch op {
      case .add: return .float(a + b)
      case .subtract: return .float(a - b)
      case .multiply: return .float(a * b)
      case .divide:
        if b == 0 { throw TraceError.python("ZeroDivisionError", "float division by zero", at: loc) }
        return .float(a / b)
      case .floorDivide:
        if b == 0 { throw TraceError.python("ZeroDivisionError", "float floor division by zero", at: loc) }
        return .float((a / b).rounded(.down))
      case .modulo:
        if b == 0 { throw TraceError.python("ZeroDivisionError", "float modulo", at: loc) }
        return .float(a - (a / b).rounded(.down) * b)
      case .power: return .float(pow(a, b))
      default: throw TraceError.python("TypeError", "unsupported operand type(s) for \(op.rawValue): 'float'", at: loc)
      }
    case (.string(let a), .string(let b)) where op == .add:
      try checkSequenceLength(a.utf8.count, b.utf8.count, 1, at: loc)
      return .string(a + b)
    case (.string(let a), .int(let n)) where op == .multiply:
      try checkSequenceLength(a.utf8.count, 0, n, at: loc)
      return .string(String(repeating: a, count: max(0, n)))
    case (.string(let fmt), _) where op == .modulo: return .string(try percentFormat(fmt, r, at: loc))
    case (.tuple(let a), .tuple(let b)) where op == .add:
      try checkSequenceLength(a.count, b.count, 1, at: loc)
      return .tuple(a + b)
    case (.tuple(let a), .int(let n)) where op == .multiply:
      try checkSequenceLength(a.count, 0, n, at: loc)
      return .tuple(Array([[Value]](repeating: a, count: max(0, n)).joined()))
    case (.list(let a), .list(let b)) where op == .add:
      try checkSequenceLength(a.items.count, b.items.count, 1, at: loc)
      return .list(ListBox(a.items + b.items))
    case (.list(let a), .int(let n)) where op == .multiply:
      try checkSequenceLength(a.items.count, 0, n, at: loc)
      return .list(ListBox(Array([[Value]](repeating: a.items, count: max(0, n)).joined())))
    default:
      throw TraceError.python("TypeError", "unsupported operand type(s) for \(op.rawValue): '\(l.typeName)' and '\(r.typeName)'", at: loc)
    }
  }

  func percentFormat(_ fmt: String, _ arg: Value, at loc: SourceLocation) throws(TraceError) -> String {
    var args: [Value]
    if case .tuple(let xs) = arg { args = xs } else { args = [arg] }
    var out = ""
    var it = fmt.makeIterator()
    while let c = it.next() {
      if c != "%" { out.append(c); continue }
      guard let k = it.next() else { break }
      if k == "%" { out.append("%"); continue }
      guard !args.isEmpty else { throw TraceError.python("TypeError", "not enough arguments for format string", at: loc) }
      out += try str(args.removeFirst())
    }
    return out
  }

  func compare(_ op: ComparisonOperator, _ l: Value, _ r: Value, at loc: SourceLocation) throws(TraceError) -> Value {
    if op == .is || op == .isNot {
      let same: Bool
      switch (l, r) {
      case (.tensor(let a), .tensor(let b)): same = a.id == b.id && a.view == b.view
      case (.tensor, _), (_, .tensor), (.index, _), (_, .index): same = false
      default: same = try valuesEqual(l, r)
      }
      return .bool(op == .is ? same : !same)
    }
    if case .tensor = l { return try tileBinary(Tracer.aluComparison(op, at: loc), l, r, at: loc) }
    if case .tensor = r { return try tileBinary(Tracer.aluComparison(op, at: loc), l, r, at: loc) }
    if case .index = l { return try indexComparison(op, l, r, at: loc) }
    if case .index = r { return try indexComparison(op, l, r, at: loc) }
    switch op {
    case .is, .equal:
      return .bool(try valuesEqual(l, r))
    case .isNot, .notEqual:
      return .bool(!(try valuesEqual(l, r)))
    case .in, .notIn:
      let items = try iterate(r, at: loc)
      var found = false
      for x in items where try valuesEqual(l, x) { found = true; break }
      if case .dict(let d) = r { found = d.values[try dictKey(l, at: loc)] != nil }
      if case .string(let hay) = r, case .string(let needle) = l { found = hay.contains(needle) }
      return .bool(op == .in ? found : !found)
    default:
      switch (l, r) {
      case (.string(let a), .string(let b)):
        return .bool(op == .less ? a < b : op == .lessEqual ? a <= b : op == .greater ? a > b : a >= b)
      case (.tuple(let a), .tuple(let b)):
        for (x, y) in zip(a, b) where !(try valuesEqual(x, y)) { return try compare(op, x, y, at: loc) }
        return try compare(op, .int(a.count), .int(b.count), at: loc)
      default:
        let a = try floatValue(l, at: loc), b = try floatValue(r, at: loc)
        switch op {
        case .less: return .bool(a < b)
        case .lessEqual: return .bool(a <= b)
        case .greater: return .bool(a > b)
        default: return .bool(a >= b)
        }
      }
    }
  }

  func valuesEqual(_ l: Value, _ r: Value) throws(TraceError) -> Bool {
    switch (l, r) {
    case (.none, .none): return true
    case (.string(let a), .string(let b)): return a == b
    case (.int, .int), (.int, .bool), (.bool, .int), (.bool, .bool), (.int, .float), (.float, .int), (.float, .float), (.bool, .float), (.float, .bool):
      return (try floatValue(l, at: .unknown)) == (try floatValue(r, at: .unknown))
    case (.tuple(let a), .tuple(let b)):
      guard a.count == b.count else { return false }
      for (x, y) in zip(a, b) where !(try valuesEqual(x, y)) { return false }
      return true
    case (.list(let a), .list(let b)):
      return try valuesEqual(.tuple(a.items), .tuple(b.items))
    case (.dtype(let a), .dtype(let b)): return a == b
    case (.dtype(let a), .string(let b)), (.string(let b), .dtype(let a)): return a.nkiName == b || a.rawValue == b
    case (.memorySpace(let a), .memorySpace(let b)): return a == b
    case (.namespace(let a), .namespace(let b)): return a.name == b.name
    case (.builtin(let a), .builtin(let b)): return a.name == b.name
    default: return false
    }
  }
}

/// The most items (bytes of a string) that `+` and `*` build at trace time; more is a runaway
/// kernel (`s = s + s` in a loop), which would otherwise exhaust memory or overflow the count.
let maxSequenceLength = 1 << 24

/// Throws unless `(a + b) * n` items fit in ``maxSequenceLength``.
func checkSequenceLength(_ a: Int, _ b: Int, _ n: Int, at loc: SourceLocation) throws(TraceError) {
  guard n > 0 else { return }
  let (sum, o1) = a.addingReportingOverflow(b)
  let (total, o2) = sum.multipliedReportingOverflow(by: n)
  if o1 || o2 || total > maxSequenceLength {
    throw TraceError.python("MemoryError", "a sequence of more than \(maxSequenceLength) items", at: loc)
  }
}

func pyFloorDiv(_ a: Int, _ b: Int) -> Int {
  // Int.min / -1 overflows; trace-time ints wrap (as `+`, `-` and `*` do).
  if b == -1 { return 0 &- a }
  let q = a / b
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
