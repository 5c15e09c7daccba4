import TesselIR

extension Evaluator {
  // MARK: - Functions

  /// Runs a `def` statement: evaluates defaults and decorators and makes the function.
  ///
  /// A default whose evaluation fails is an error at the default, never a silent `None`.
  func makeFunction(_ def: FunctionDef, _ scope: Scope, at location: SourceLocation) throws(TraceError) -> Value {
    var defaults: [String: Value] = [:]
    let p = def.parameters
    for x in p.positionalOnly + p.positional + p.keywordOnly {
      if let d = x.defaultValue { defaults[x.name] = try eval(d, scope) }
    }
    let prefix = scope.qualifiedPrefix.map { $0 + "." } ?? ""
    let fn = PyFunction(
      name: def.name, qualifiedName: prefix + def.name, parameters: def.parameters, body: .statements(def.body),
      closure: scope.isClassBody ? (scope.parent ?? scope) : scope, defaults: defaults,
      decorators: def.decorators.map(Evaluator.dottedName), location: location,
      isGenerator: Evaluator.containsYield(def.body))
    var v: Value = .function(fn)
    for d in def.decorators.reversed() {
      v = try call(try eval(d, scope), [v], [], at: d.location)
    }
    return v
  }

  /// Whether a function body yields (and so makes a generator); nested definitions do not count.
  static func containsYield(_ body: [Stmt]) -> Bool {
    func expr(_ e: Expr?) -> Bool {
      guard let e else { return false }
      switch e.kind {
      case .yield, .yieldFrom: return true
      case .lambda: return false
      case .unary(_, let x), .attribute(let x, _), .starred(let x): return expr(x)
      case .binary(_, let a, let b), .subscript(let a, let b): return expr(a) || expr(b)
      case .named(let t, let v): return expr(t) || expr(v)
      case .boolean(_, let xs), .tuple(let xs), .list(let xs), .set(let xs): return xs.contains { expr($0) }
      case .compare(let a, let links): return expr(a) || links.contains { expr($0.right) }
      case .conditional(let c, let a, let b): return expr(c) || expr(a) || expr(b)
      case .call(let f, let args):
        return expr(f)
          || args.contains { a in
            switch a {
            case .positional(let x), .unpacked(let x), .unpackedKeywords(let x): return expr(x)
            case .keyword(let k): return expr(k.value)
            }
          }
      case .slice(let a, let b, let c): return expr(a) || expr(b) || expr(c)
      case .dict(let items):
        return items.contains { i in
          switch i {
          case .pair(let k, let v): return expr(k) || expr(v)
          case .unpack(let x): return expr(x)
          }
        }
      default: return false
      }
    }
    func stmt(_ s: Stmt) -> Bool {
      switch s.kind {
      case .expression(let e): return expr(e)
      case .assign(let ts, let v): return ts.contains { expr($0) } || expr(v)
      case .annotatedAssign(let t, _, let v): return expr(t) || expr(v)
      case .augmentedAssign(let t, _, let v): return expr(t) || expr(v)
      case .if(let clauses, let orElse):
        return clauses.contains { expr($0.condition) || $0.body.contains(where: stmt) } || orElse.contains(where: stmt)
      case .for(let t, let it, let body, let orElse):
        return expr(t) || expr(it) || body.contains(where: stmt) || orElse.contains(where: stmt)
      case .while(let c, let body, let orElse):
        return expr(c) || body.contains(where: stmt) || orElse.contains(where: stmt)
      case .return(let e): return expr(e)
      case .try(let body, let handlers, let orElse, let fin):
        return body.contains(where: stmt) || handlers.contains { $0.body.contains(where: stmt) }
          || orElse.contains(where: stmt) || fin.contains(where: stmt)
      case .with(let items, let body): return items.contains { expr($0.context) } || body.contains(where: stmt)
      case .assert(let c, let m): return expr(c) || expr(m)
      case .raise(let e, let c): return expr(e) || expr(c)
      default: return false
      }
    }
    return body.contains(where: stmt)
  }

  // MARK: - Classes

  /// Runs a `class` statement: evaluates the bases, runs the body in its own namespace, makes
  /// the class (C3 MRO) and applies the decorators.
  func makeClass(_ c: ClassDef, _ scope: Scope, at location: SourceLocation) throws(TraceError) -> Value {
    var bases: [PyClass] = []
    var classKeywords: [(String, Value)] = []
    for a in c.arguments {
      switch a {
      case .positional(let e):
        let v = try eval(e, scope)
        guard case .type(let b) = v else {
          throw TraceError.typeError(.message("bases must be types, not '\(v.typeName)'"), at: e.location)
        }
        bases.append(b)
      case .keyword(let k): classKeywords.append((k.name, try eval(k.value, scope)))
      case .unpacked(let e), .unpackedKeywords(let e):
        throw TraceError.unsupported("unpacked arguments in a class statement", at: e.location)
      }
    }
    let prefix = scope.qualifiedPrefix.map { $0 + "." } ?? ""
    let body = Scope(parent: scope, isClassBody: true)
    body.qualifiedPrefix = prefix + c.name
    switch try exec(c.body, body) {
    case .normal: break
    default: throw TraceError.python("SyntaxError", "'return' outside function", at: location)
    }
    let cls: PyClass
    do {
      cls = try PyClass(name: c.name, bases: bases.isEmpty ? [builtinClass("object")] : bases)
    } catch {
      throw TraceError.typeError(
        .message(
          "Cannot create a consistent method resolution order (MRO) for bases "
            + bases.map(\.name).joined(separator: ", ")), at: location)
    }
    scope.arena?.register(cls)
    cls.qualifiedName = prefix + c.name
    cls.module = file
    cls.location = location
    cls.dict = body.names
    cls.annotations = body.annotations
    cls.order = body.order
    for v in cls.dict.values {
      if case .function(let f) = v { f.owner = cls }
      if case .native(let o) = v {
        if let s = o as? StaticMethod, case .function(let f) = s.function { f.owner = cls }
        if let m = o as? ClassMethod, case .function(let f) = m.function { f.owner = cls }
        if let p = o as? PropertyObject {
          if case .function(let f)? = p.getter { f.owner = cls }
          if case .function(let f)? = p.setter { f.owner = cls }
        }
      }
    }
    try finishClass(cls, keywords: classKeywords, at: location)
    var v: Value = .type(cls)
    for d in c.decorators.reversed() {
      v = try call(try eval(d, scope), [v], [], at: d.location)
    }
    return v
  }
}
