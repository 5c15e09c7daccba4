/// Variables in scope: a module's globals, a function call's locals or a class body.
///
/// Lookup walks the chain of enclosing scopes (closures see their defining scope); class bodies
/// are not on the chain of the functions defined in them, as in Python.
package final class Scope {
  package var names: [String: Value] = [:]
  package let parent: Scope?
  /// ``parent``, read without retaining it (``lookup(_:)`` walks the chain in every name lookup).
  ///
  /// A scope is also held weakly by its ``ScopeArena``, which puts its reference count out of line
  /// and makes every retain and release of it slow; `parent` keeps the scope alive.
  private let parentRef: Unmanaged<Scope>?
  /// The trace that owns this scope and its descendants, if any (see ``ScopeArena``).
  let arena: ScopeArena?
  /// Names whose module-level statement failed: using one raises that statement's error.
  package var failures: [String: TraceError]?
  /// The prefix of qualified names defined here (`outer.<locals>`, `C`); nil at module level.
  package var qualifiedPrefix: String?
  /// Names declared `global` in this function scope.
  package var globalNames: Set<String>?
  /// Names declared `nonlocal` in this function scope.
  package var nonlocalNames: Set<String>?
  /// Whether this is a class body.
  package let isClassBody: Bool
  /// In a class body, the names of annotated assignments in order (dataclass fields).
  package var annotations: [String] = []
  /// In a class body, the names in the order they were first bound (enum members).
  package var order: [String] = []
  /// In a function call's scope, the function (for messages and `super()`).
  package var function: PyFunction?

  package init(parent: Scope?, isClassBody: Bool = false) {
    self.parent = parent
    parentRef = parent.map { Unmanaged.passUnretained($0) }
    self.isClassBody = isClassBody
    arena = parent?.arena
    arena?.register(self)
  }

  /// A root scope whose descendants are all registered in `arena`.
  package init(root arena: ScopeArena) {
    parent = nil
    parentRef = nil
    isClassBody = false
    self.arena = arena
    arena.register(self)
  }

  /// The value bound to `name` here or in an enclosing scope; throws the error of a failed
  /// module-level statement that bound it.
  package func lookup(_ name: String) throws(TraceError) -> Value? {
    if let v = names[name] { return v }
    if let f = failures?[name] { throw f }
    // `self` holds its parents (strong `parent` links) while the walk reads them unretained.
    return try withExtendedLifetime(self) { () throws(TraceError) -> Value? in
      var next = parentRef
      while let scope = next {
        let (value, failure, parent) = scope._withUnsafeGuaranteedRef { s in
          (s.names[name], s.failures?[name], s.parentRef)
        }
        if let value { return value }
        if let failure { throw failure }
        next = parent
      }
      return nil
    }
  }

  /// The module scope at the root of the chain.
  package var globals: Scope {
    var s = self
    while let p = s.parent { s = p }
    return s
  }

  /// Binds `name`, honouring `global` and `nonlocal` declarations.
  package func bind(_ name: String, _ value: Value) {
    if let g = globalNames, g.contains(name) {
      globals.setLocal(name, value)
      return
    }
    if let nl = nonlocalNames, nl.contains(name) {
      var s = parent
      while let scope = s {
        if !scope.isClassBody && scope.names[name] != nil {
          scope.names[name] = value
          return
        }
        s = scope.parent
      }
    }
    setLocal(name, value)
  }

  /// Binds `name` in this scope itself.
  package func setLocal(_ name: String, _ value: Value) {
    if isClassBody && names[name] == nil && !order.contains(name) { order.append(name) }
    names[name] = value
    if failures != nil { failures?[name] = nil }
  }

  /// Removes `name` (`del name`); false when it is not bound.
  package func unbind(_ name: String) -> Bool {
    if let g = globalNames, g.contains(name) { return globals.unbind(name) }
    return names.removeValue(forKey: name) != nil
  }

  /// Records that the statement binding `name` failed with `error`.
  package func bindFailure(_ name: String, _ error: TraceError) {
    names[name] = nil
    if failures == nil { failures = [:] }
    failures?[name] = error
  }
}

/// Every scope of one trace, so that the trace can break the reference cycles between scopes and
/// the functions defined in them (`globals.names["f"]` holds `f`, whose closure is `globals`),
/// which would otherwise leak the scopes, their values and the syntax tree after every trace.
package final class ScopeArena {
  private struct WeakScope {
    weak var scope: Scope?
  }

  private struct WeakClass {
    weak var cls: PyClass?
  }

  private struct WeakGenerator {
    weak var generator: GeneratorCore?
  }

  private var scopes: [WeakScope] = []
  private var classes: [WeakClass] = []
  private var generators: [WeakGenerator] = []
  /// Suspended generators nothing can resume any more, to close at the next statement boundary.
  private var abandoned: [GeneratorCore] = []
  /// Whether a generator waits to be closed (checked before every statement).
  package private(set) var hasAbandoned = false
  private var compactAt = 1024
  private var generatorsCompactAt = 1024

  package init() {}

  /// Records a class made by a `class` statement, so that ``clear()`` can break the reference
  /// cycles through its namespace (an enum's members are instances of their class).
  func register(_ cls: PyClass) {
    classes.append(WeakClass(cls: cls))
  }

  /// Records a generator, so that ``clear()`` can close it if it is still suspended.
  func register(_ generator: GeneratorCore) {
    generators.append(WeakGenerator(generator: generator))
    if generators.count >= generatorsCompactAt {
      generators.removeAll { $0.generator == nil }
      generatorsCompactAt = Swift.max(1024, 2 * generators.count)
    }
  }

  /// Records a suspended generator whose last reference went; ``closeAbandonedGenerators()``
  /// closes it. (Closing runs Python code, so it waits for a statement boundary instead of
  /// running inside whatever operation dropped the reference.)
  func abandon(_ generator: GeneratorCore) {
    abandoned.append(generator)
    hasAbandoned = true
  }

  /// Closes the abandoned generators (their `finally` blocks run, their threads end).
  ///
  /// The
  /// evaluator calls this between statements; the REPL after each input.
  package func closeAbandonedGenerators() {
    while !abandoned.isEmpty {
      let pending = abandoned
      abandoned.removeAll()
      for g in pending { g.closeIfSuspended() }
    }
    hasAbandoned = false
  }

  func register(_ scope: Scope) {
    scopes.append(WeakScope(scope: scope))
    if scopes.count >= compactAt {
      scopes.removeAll { $0.scope == nil }
      compactAt = Swift.max(1024, 2 * scopes.count)
    }
  }

  /// Empties every scope still alive; called when the trace is over.
  package func clear() {
    // Suspended generators first: closing one runs its `finally` blocks, which may need names.
    closeAbandonedGenerators()
    while !generators.isEmpty {
      let pending = generators.reversed()
      generators.removeAll()
      for w in pending { w.generator?.closeIfSuspended() }
    }
    for w in scopes {
      w.scope?.names.removeAll()
      w.scope?.failures = nil
    }
    scopes.removeAll()
    for w in classes {
      w.cls?.dict.removeAll()
      w.cls?.special = nil
    }
    classes.removeAll()
  }
}

/// Control flow out of a statement list.
package enum Flow {
  case normal
  case breakLoop
  case continueLoop
  case returned(Value)
}
