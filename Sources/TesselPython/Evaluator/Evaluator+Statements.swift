import TesselIR

extension Evaluator {
  // MARK: - Statements

  /// Runs statements until one leaves the block (`break`, `continue`, `return`).
  package func exec(_ stmts: [Stmt], _ scope: Scope) throws(TraceError) -> Flow {
    for s in stmts {
      let f = try exec(s, scope)
      if case .normal = f { continue }
      return f
    }
    return .normal
  }

  /// Runs one statement.
  package func exec(_ s: Stmt, _ scope: Scope) throws(TraceError) -> Flow {
    try countStep(at: s.location)
    if let arena = scope.arena, arena.hasAbandoned { arena.closeAbandonedGenerators() }
    switch s.kind {
    case .expression(let e):
      _ = try eval(e, scope)
    case .assign(let targets, let value):
      if targets.count == 1, case .name(let n) = targets[0].kind { assignmentTarget = n }
      let v: Value
      do {
        v = try eval(value, scope)
        assignmentTarget = nil
      } catch {
        assignmentTarget = nil
        throw error
      }
      for t in targets { try assign(t, v, scope, location: s.location) }
    case .annotatedAssign(let target, _, let value):
      if scope.isClassBody, case .name(let n) = target.kind, !scope.annotations.contains(n) {
        scope.annotations.append(n)
        if value == nil && !scope.order.contains(n) { scope.order.append(n) }
      }
      if let value { try assign(target, try eval(value, scope), scope, location: s.location) }
    case .augmentedAssign(let target, let op, let value):
      try augmentedAssign(target, op, value, scope, location: s.location)
    case .if(let clauses, let orElse):
      for c in clauses where try truth(try eval(c.condition, scope), at: c.condition.location) {
        return try exec(c.body, scope)
      }
      return try exec(orElse, scope)
    case .for(let target, let iterable, let body, let orElse):
      return try execFor(target, iterable, body, orElse, scope, location: s.location)
    case .while(let condition, let body, let orElse):
      var count = 0
      while try truth(try eval(condition, scope), at: condition.location) {
        count += 1
        if count > 1_000_000 {
          throw TraceError.unsupported("a while loop that runs more than 1,000,000 times at trace time", at: s.location)
        }
        switch try exec(body, scope) {
        case .breakLoop: return .normal
        case .returned(let v): return .returned(v)
        default: continue
        }
      }
      return try exec(orElse, scope)
    case .break: return .breakLoop
    case .continue: return .continueLoop
    case .pass: break
    case .return(let e):
      lastReturnLocation = s.location
      return .returned(try e.map { (x) throws(TraceError) in try eval(x, scope) } ?? .none)
    case .assert(let condition, let message):
      let c = try eval(condition, scope)
      if !(try truth(c, at: condition.location)) {
        let m = try message.map { (x) throws(TraceError) in try str(try eval(x, scope)) } ?? ""
        throw TraceError.python("AssertionError", m, at: s.location)
      }
    case .delete(let targets):
      for t in targets { try delete(t, scope) }
    case .global(let names):
      if scope.globalNames == nil { scope.globalNames = [] }
      for n in names { scope.globalNames?.insert(n) }
    case .nonlocal(let names):
      if scope.nonlocalNames == nil { scope.nonlocalNames = [] }
      for n in names { scope.nonlocalNames?.insert(n) }
    case .raise(let e, let cause):
      try raise(e, cause: cause, scope, at: s.location)
    case .try(let body, let handlers, let orElse, let finalBody):
      return try execTry(body, handlers, orElse, finalBody, scope)
    case .with(let items, let body):
      return try execWith(items[...], body, scope)
    case .import(let aliases):
      for a in aliases {
        let leaf = try importModule(a.name, at: a.location)
        if let asName = a.asName {
          scope.bind(asName, leaf)
        } else {
          let top = String(a.name.split(separator: ".").first ?? Substring(a.name))
          scope.bind(top, try importModule(top, at: a.location))
        }
      }
    case .importFrom(let module, let names, let level):
      try importFrom(module, names, level: level, scope, at: s.location)
    case .functionDef(let def):
      scope.bind(def.name, try makeFunction(def, scope, at: s.location))
    case .classDef(let c):
      scope.bind(c.name, try makeClass(c, scope, at: s.location))
    }
    return .normal
  }

  // MARK: - Loops

  func execFor(
    _ target: Expr, _ iterable: Expr, _ body: [Stmt], _ orElse: [Stmt], _ scope: Scope, location: SourceLocation
  ) throws(TraceError) -> Flow {
    let it = try eval(iterable, scope)
    var lazy: (any LazyIterator)?
    if case .native(let o) = it {
      let loop = ForLoop(
        target: target, body: body, orElse: orElse, scope: scope, location: location,
        iterableLocation: iterable.location)
      if let flow = try o.driveLoop(loop, self) { return flow }
      lazy = o as? any LazyIterator
    }
    // A lazy iterator yields one item at a time; anything else is iterated up front.
    let items = lazy == nil ? try iterate(it, at: iterable.location) : []
    var index = 0
    while true {
      let item: Value
      if let lazy {
        guard let next = try lazy.next(self, at: iterable.location) else { break }
        item = next
      } else {
        guard index < items.count else { break }
        item = items[index]
        index += 1
      }
      try assign(target, item, scope, location: location)
      switch try exec(body, scope) {
      case .breakLoop: return .normal
      case .returned(let v): return .returned(v)
      default: continue
      }
    }
    return try exec(orElse, scope)
  }

  // MARK: - Exceptions

  /// `raise`, `raise X`, `raise X(...)`, `raise X from Y`.
  func raise(_ e: Expr?, cause: Expr?, _ scope: Scope, at location: SourceLocation) throws(TraceError) {
    guard let e else {
      if let current = handling.last { throw current }
      throw TraceError.python("RuntimeError", "No active exception to reraise", at: location)
    }
    let v = try eval(e, scope)
    if let cause { _ = try eval(cause, scope) }
    switch v {
    case .type(let c) where c.isException:
      guard case .instance(let i) = try instantiate(c, [], [], at: location) else {
        throw TraceError.typeError(.message("exceptions must derive from BaseException"), at: location)
      }
      throw try exceptionError(i, at: location)
    case .instance(let i) where i.cls.isException:
      throw try exceptionError(i, at: location)
    default:
      throw TraceError.typeError(.message("exceptions must derive from BaseException"), at: location)
    }
  }

  /// The error that carries a raised exception object.
  package func exceptionError(_ i: PyInstance, at location: SourceLocation) throws(TraceError) -> TraceError {
    var pe = PythonException(i.cls.name, .message(try exceptionMessage(i)))
    pe.object = ExceptionObject(.instance(i))
    return TraceError(.exception(pe), at: location)
  }

  /// `str(exception)`: its single argument, or the tuple of its arguments.
  package func exceptionMessage(_ i: PyInstance) throws(TraceError) -> String {
    guard case .tuple(let args)? = i.attributes["args"] else { return "" }
    switch args.count {
    case 0: return ""
    case 1: return try str(args[0])
    default: return try str(.tuple(args))
    }
  }

  /// The class of a raised exception: its object's class, or the built-in class of that name.
  package func exceptionClass(_ e: PythonException) -> PyClass {
    if case .instance(let i)? = e.object?.value { return i.cls }
    return classes[e.type] ?? classes["Exception"] ?? builtinClass("Exception")
  }

  /// The exception object `except ... as e` binds.
  package func exceptionValue(_ e: PythonException) -> Value {
    if let o = e.object { return o.value }
    let i = PyInstance(
      cls: exceptionClass(e), attributes: ["args": .tuple(e.message.isEmpty ? [] : [.string(e.message)])])
    return .instance(i)
  }

  func execTry(
    _ body: [Stmt], _ handlers: [ExceptHandler], _ orElse: [Stmt], _ finalBody: [Stmt], _ scope: Scope
  ) throws(TraceError) -> Flow {
    var flow: Flow = .normal
    var pending: TraceError?
    var raised = false
    do {
      flow = try exec(body, scope)
    } catch {
      raised = true
      pending = error
      // Only Python exceptions are catchable: an unsupported construct or a broken NKI rule
      // must reach the user, whatever the kernel's handlers say.
      if case .exception(let pe) = error.kind {
        let cls = exceptionClass(pe)
        for h in handlers {
          var matches = true
          if let t = h.type { matches = try exceptionMatches(cls, try eval(t, scope), at: t.location) }
          guard matches else { continue }
          pending = nil
          if let name = h.name { scope.bind(name, exceptionValue(pe)) }
          handling.append(error)
          do {
            flow = try exec(h.body, scope)
          } catch {
            pending = error
          }
          handling.removeLast()
          if let name = h.name { _ = scope.unbind(name) }
          break
        }
      }
    }
    if !raised, case .normal = flow {
      do { flow = try exec(orElse, scope) } catch { pending = error }
    }
    if !finalBody.isEmpty {
      let f = try exec(finalBody, scope)
      if case .normal = f {} else { return f }
    }
    if let pending { throw pending }
    return flow
  }

  /// Whether an exception of class `cls` matches an `except` clause's type (a class or a tuple).
  func exceptionMatches(_ cls: PyClass, _ spec: Value, at location: SourceLocation) throws(TraceError) -> Bool {
    switch spec {
    case .type(let c): return cls.isSubclass(of: c)
    case .tuple(let xs):
      for x in xs where try exceptionMatches(cls, x, at: location) { return true }
      return false
    default:
      throw TraceError.typeError(
        .message("catching classes that do not inherit from BaseException is not allowed"), at: location)
    }
  }

  /// `with a as x, b as y: body`.
  func execWith(_ items: ArraySlice<WithItem>, _ body: [Stmt], _ scope: Scope) throws(TraceError) -> Flow {
    guard let item = items.first else { return try exec(body, scope) }
    let manager = try eval(item.context, scope)
    let entered: Value
    var exit: Value?
    switch manager {
    case .instance(let i):
      guard let enter = try lookupSpecial(i, "__enter__"), let ex = try lookupSpecial(i, "__exit__") else {
        throw TraceError.typeError(
          .message("'\(manager.typeName)' object does not support the context manager protocol"), at: item.location)
      }
      entered = try call(enter, [], [], at: item.location)
      exit = ex
    case .native:
      // A binding's context manager (`nl.no_reorder()`): the object itself, with no effect.
      entered = manager
    default:
      throw TraceError.typeError(
        .message("'\(manager.typeName)' object does not support the context manager protocol"), at: item.location)
    }
    if let t = item.target { try assign(t, entered, scope, location: item.location) }
    let flow: Flow
    do {
      flow = try execWith(items.dropFirst(), body, scope)
    } catch {
      if let exit, case .exception(let pe) = error.kind {
        let suppress = try call(
          exit, [.type(exceptionClass(pe)), exceptionValue(pe), .none], [], at: item.location)
        if try truth(suppress, at: item.location) { return .normal }
      }
      throw error
    }
    if let exit { _ = try call(exit, [.none, .none, .none], [], at: item.location) }
    return flow
  }

  // MARK: - Deletion

  func delete(_ target: Expr, _ scope: Scope) throws(TraceError) {
    switch target.kind {
    case .name(let n):
      if !scope.unbind(n) {
        throw TraceError.python("NameError", .nameNotDefined(n), at: target.location)
      }
    case .tuple(let xs), .list(let xs):
      for x in xs { try delete(x, scope) }
    case .subscript(let base, let index):
      let b = try eval(base, scope)
      let key = try evalSubscriptKey(index, scope)
      try deleteItem(b, key, at: target.location)
    case .attribute(let base, let name):
      let b = try eval(base, scope)
      switch b {
      case .instance(let i) where i.attributes[name] != nil: i.attributes[name] = nil
      default:
        throw TraceError.python("AttributeError", .noAttribute(type: b.typeName, name: name), at: target.location)
      }
    default:
      throw TraceError.python("SyntaxError", "cannot delete expression", at: target.location)
    }
  }
}

/// A `for` loop handed to a native iterable that runs it itself (``NativeObject/driveLoop(_:_:)``).
package struct ForLoop {
  /// The loop target (`i`, `(a, b)`).
  package let target: Expr
  package let body: [Stmt]
  package let orElse: [Stmt]
  /// The scope the loop runs in.
  package let scope: Scope
  /// The `for` statement.
  package let location: SourceLocation
  /// The iterable expression.
  package let iterableLocation: SourceLocation

  /// The target's name when it is a plain name.
  package var targetName: String? {
    if case .name(let n) = target.kind { return n }
    return nil
  }

  /// Binds the target to `value`.
  package func bind(_ value: Value, _ ev: Evaluator) throws(TraceError) {
    try ev.assign(target, value, scope, location: location)
  }

  /// Runs the body once.
  package func runBody(_ ev: Evaluator) throws(TraceError) -> Flow {
    try ev.exec(body, scope)
  }

  /// Runs the `else` block.
  package func runElse(_ ev: Evaluator) throws(TraceError) -> Flow {
    try ev.exec(orElse, scope)
  }
}
