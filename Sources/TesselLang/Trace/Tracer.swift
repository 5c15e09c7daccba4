import Dispatch
import TesselIR

/// Control flow out of a statement list.
enum Flow {
  case normal
  case breakLoop
  case continueLoop
  case returned(Value)
}

/// Evaluates NKI Python with NKI's legacy tracing model and records tile operations in a
/// ``KernelBuilder``.
///
/// Python values are computed at trace time; `nl.affine_range` / `nl.sequential_range` (and
/// Python `range`, by the legacy rule) become IR loops whose bodies are traced once with a
/// symbolic index; `nl.static_range` and iteration over Python sequences unroll; helper functions
/// are inlined. Every emitted instruction carries the location of the NKI call.
final class Tracer {
  var builder: KernelBuilder
  let target: Target
  let file: String
  let globals: Scope
  /// Nesting depth of calls, to turn runaway recursion into an error.
  var depth = 0
  /// Symbolic loops open now (their variables), innermost last.
  var symbolicLoops: [IndexVar] = []
  /// Fresh result tiles: tensor → the instruction that defines it (for retargeting on assignment).
  var freshDefinitions: [TensorID: Int] = [:]
  /// Counter for generated names.
  var tempCounter = 0
  /// Steps of unrolled loops and other work, to bound runaway kernels.
  var steps = 0
  /// The bounds of this trace, and when it must stop (`DispatchTime` nanoseconds).
  var limits: TraceLimits
  var deadline: UInt64
  /// The SPMD grid.
  let grid: [Int]
  /// Where the last `return` statement executed is (kernel return values are checked there).
  var lastReturnLocation: SourceLocation?
  /// The variable a plain `name = <call>` statement is assigning, while its value is evaluated
  /// (names tiles made by `nl.ndarray` and friends).
  var assignmentTarget: String?
  /// Set in an interactive session (the REPL): host data, eager execution, kernel calls.
  var interactive: InteractiveHooks?

  init(
    kernelName: String, file: String, target: Target, globals: Scope, grid: [Int],
    limits: TraceLimits = TraceLimits(), deadline: UInt64? = nil
  ) {
    builder = KernelBuilder(name: kernelName)
    self.target = target
    self.file = file
    self.globals = globals
    self.grid = grid
    self.limits = limits
    self.deadline = deadline ?? limits.deadline
  }

  /// Starts a fresh budget of steps and time (the REPL does, for every input).
  func restartBudget() {
    steps = 0
    deadline = limits.deadline
  }

  // MARK: - Statements

  func exec(_ stmts: [Stmt], _ scope: Scope) throws(TraceError) -> Flow {
    for s in stmts {
      let f = try exec(s, scope)
      if case .normal = f { continue }
      return f
    }
    return .normal
  }

  func exec(_ s: Stmt, _ scope: Scope) throws(TraceError) -> Flow {
    steps += 1
    if steps > limits.maxSteps {
      throw TraceError(.kernel(KernelError(.resourceLimit(what: "trace steps", limit: limits.maxSteps))), at: s.location)
    }
    if steps & 1023 == 0 && DispatchTime.now().uptimeNanoseconds > deadline {
      throw TraceError(
        .kernel(KernelError(.resourceLimit(what: "trace wall time of \(limits.maxSeconds) seconds", limit: Int(exactly: limits.maxSeconds.rounded(.down)) ?? 0))),
        at: s.location)
    }
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
      if let value { try assign(target, try eval(value, scope), scope, location: s.location) }
    case .augmentedAssign(let target, let op, let value):
      try augmentedAssign(target, op, value, scope, location: s.location)
    case .if(let clauses, let orElse):
      for c in clauses {
        if try truth(try eval(c.condition, scope), at: c.condition.location) {
          return try exec(c.body, scope)
        }
      }
      return try exec(orElse, scope)
    case .for(let target, let iterable, let body, let orElse):
      return try execFor(target, iterable, body, orElse, scope, location: s.location)
    case .while(let condition, let body, let orElse):
      var guardCount = 0
      while try truth(try eval(condition, scope), at: condition.location) {
        guardCount += 1
        if guardCount > 1_000_000 {
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
      if case .index = c {
        throw TraceError.python("TypeError", "assert on a symbolic index cannot be decided at trace time", at: s.location)
      }
      if !(try truth(c, at: condition.location)) {
        let m = try message.map { (x) throws(TraceError) in try str(try eval(x, scope)) } ?? ""
        throw TraceError.python("AssertionError", m, at: s.location)
      }
    case .delete(let targets):
      for t in targets {
        if case .name(let n) = t.kind { scope.names[n] = nil }
      }
    case .global, .nonlocal:
      break
    case .raise(let e, _):
      var m = "exception raised"
      if let e, let v = try? eval(e, scope) { m = (try? str(v)) ?? m }
      throw TraceError.python("Exception", m, at: s.location)
    case .try(let body, _, let orElse, let finalBody):
      let f = try exec(body, scope)
      if case .normal = f { _ = try exec(orElse, scope) }
      _ = try exec(finalBody, scope)
      return f
    case .with(_, let body):
      return try exec(body, scope)
    case .import(let aliases):
      for a in aliases {
        let top = a.asName ?? String(a.name.split(separator: ".").first ?? Substring(a.name))
        scope.names[top] = Tracer.module(named: a.asName == nil ? top : a.name)
      }
    case .importFrom(let module, let names, _):
      let base = module ?? ""
      for a in names where a.name != "*" {
        scope.names[a.asName ?? a.name] = Tracer.module(named: base.isEmpty ? a.name : "\(base).\(a.name)")
      }
    case .functionDef(let def):
      scope.names[def.name] = .function(try makeFunction(def, scope, at: s.location))
    case .classDef(let c):
      scope.names[c.name] = .unavailableModule("class \(c.name)")
    }
    return .normal
  }

  func makeFunction(_ def: FunctionDef, _ scope: Scope, at location: SourceLocation) throws(TraceError) -> FunctionValue {
    var defaults: [String: Value] = [:]
    for p in def.parameters.positionalOnly + def.parameters.positional + def.parameters.keywordOnly {
      if let d = p.defaultValue {
        defaults[p.name] = (try? eval(d, scope)) ?? Value.none
      }
    }
    let decorators = def.decorators.map { Tracer.dottedName($0) }
    return FunctionValue(
      name: def.name, parameters: def.parameters, body: .statements(def.body), closure: scope,
      defaults: defaults, decorators: decorators, location: location)
  }

  /// The dotted name of a decorator expression (`nki.jit`, `nki.jit(...)` → `nki.jit`).
  static func dottedName(_ e: Expr) -> String {
    switch e.kind {
    case .name(let n): return n
    case .attribute(let b, let n): return dottedName(b) + "." + n
    case .call(let f, _): return dottedName(f)
    default: return ""
    }
  }

  /// The value bound by an import of `name`.
  static func module(named name: String) -> Value {
    switch name {
    case "neuronxcc.nki.language", "nki.language", "neuronxcc.nki.language.nl": return .namespace(Namespace(name: "nl"))
    case "neuronxcc.nki.isa", "nki.isa": return .namespace(Namespace(name: "nisa"))
    case "neuronxcc.nki", "nki", "neuronxcc": return .namespace(Namespace(name: "nki"))
    case "neuronxcc.nki.typing", "nki.typing": return .namespace(Namespace(name: "nt"))
    case "numpy": return .namespace(Namespace(name: "np"))
    case "math": return .namespace(Namespace(name: "math"))
    case "neuronxcc.nki.language.par_dim": return .builtin(Builtin("nl.par_dim"))
    default:
      // `from neuronxcc.nki.language import par_dim` and friends.
      for prefix in ["neuronxcc.nki.language.", "nki.language."] where name.hasPrefix(prefix) {
        return .builtin(Builtin("nl." + name.dropFirst(prefix.count)))
      }
      for prefix in ["neuronxcc.nki.isa.", "nki.isa."] where name.hasPrefix(prefix) {
        return .builtin(Builtin("nisa." + name.dropFirst(prefix.count)))
      }
      if name == "neuronxcc.nki.jit" || name == "nki.jit" { return .builtin(Builtin("nki.jit")) }
      return .unavailableModule(name)
    }
  }

  // MARK: - Loops

  func execFor(
    _ target: Expr, _ iterable: Expr, _ body: [Stmt], _ orElse: [Stmt], _ scope: Scope,
    location: SourceLocation
  ) throws(TraceError) -> Flow {
    let it = try eval(iterable, scope)
    // At an interactive prompt (outside any kernel) Python's `range` is an ordinary loop.
    let unrollPythonRange: Bool = {
      if interactive != nil, case .range(let r) = it, r.kind == .python { return true }
      return false
    }()
    if case .range(let r) = it, r.kind != .staticUnrolled, !unrollPythonRange {
      // A symbolic IR loop: the body is traced once.
      let kind: LoopKind = r.kind == .affine ? .affine : .sequential
      guard r.step != 0 else { throw TraceError.python("ValueError", "range() arg 3 must not be zero", at: iterable.location) }
      // The IR counts iterations as (stop - start + step - 1) / step (and the mirror for a
      // negative step): refuse ranges whose count does not fit in an Int.
      guard r.step != Int.min else {
        throw TraceError.python("OverflowError", "range() step \(r.step) is too large for a loop", at: iterable.location)
      }
      let (span, o1) = r.step > 0 ? r.stop.subtractingReportingOverflow(r.start) : r.start.subtractingReportingOverflow(r.stop)
      let (_, o2) = span.addingReportingOverflow(r.step > 0 ? r.step : -r.step)
      let nonEmpty = r.step > 0 ? r.stop > r.start : r.start > r.stop
      if nonEmpty && (o1 || o2) {
        throw TraceError.python("OverflowError", "range(\(r.start), \(r.stop), \(r.step)) is too large for a loop", at: iterable.location)
      }
      let name: String
      if case .name(let n) = target.kind { name = n } else { name = "i\(builder.kernel.indexVars.count)" }
      let v = builder.beginLoop(name: name, kind: kind, start: r.start, stop: r.stop, step: r.step, location: location)
      symbolicLoops.append(v)
      try assign(target, .index(IndexGrid(AffineExpr(v))), scope, location: location)
      let flow = try exec(body, scope)
      symbolicLoops.removeLast()
      do { try builder.endLoop(location: location) } catch { throw TraceError(.kernel(error), at: location) }
      switch flow {
      case .breakLoop, .continueLoop:
        throw TraceError.unsupported("break/continue inside \(kind.rawValue) (the body is traced once; use nl.static_range)", at: location)
      case .returned:
        throw TraceError.unsupported("return inside \(kind.rawValue)", at: location)
      case .normal:
        return try exec(orElse, scope)
      }
    }
    let items = try iterate(it, at: iterable.location)
    for item in items {
      try assign(target, item, scope, location: location)
      switch try exec(body, scope) {
      case .breakLoop: return .normal
      case .returned(let v): return .returned(v)
      default: continue
      }
    }
    return try exec(orElse, scope)
  }

  /// The items of an iterable that is unrolled at trace time.
  func iterate(_ v: Value, at loc: SourceLocation) throws(TraceError) -> [Value] {
    switch v {
    case .range(let r):
      guard r.step != 0 else { throw TraceError.python("ValueError", "range() arg 3 must not be zero", at: loc) }
      var out: [Value] = []
      var i = r.start
      while (r.step > 0 && i < r.stop) || (r.step < 0 && i > r.stop) {
        out.append(.int(i))
        let (next, overflow) = i.addingReportingOverflow(r.step)
        if overflow { break }  // past the end of the range
        i = next
        if out.count > 1_000_000 { throw TraceError.unsupported("unrolling more than 1,000,000 iterations", at: loc) }
      }
      return out
    case .tuple(let xs): return xs
    case .list(let b): return b.items
    case .dict(let d): return d.keys
    case .string(let s): return s.map { .string(String($0)) }
    case .object(let o) where !o.items.isEmpty: return o.items
    case .failed(let e): throw e
    default:
      throw TraceError.python("TypeError", "'\(v.typeName)' object is not iterable", at: loc)
    }
  }

  // MARK: - Assignment

  func assign(_ target: Expr, _ value: Value, _ scope: Scope, location: SourceLocation) throws(TraceError) {
    switch target.kind {
    case .name(let n):
      if case .tensor(let t) = value {
        nameFresh(t, n)
        freshDefinitions[t.id] = nil
      }
      scope.names[n] = value
    case .tuple(let ts), .list(let ts):
      let items = try iterate(value, at: target.location)
      if let star = ts.firstIndex(where: { if case .starred = $0.kind { return true } else { return false } }) {
        let after = ts.count - star - 1
        guard items.count >= ts.count - 1 else {
          throw TraceError.python("ValueError", "not enough values to unpack (expected at least \(ts.count - 1), got \(items.count))", at: target.location)
        }
        for i in 0..<star { try assign(ts[i], items[i], scope, location: location) }
        if case .starred(let inner) = ts[star].kind {
          try assign(inner, .list(ListBox(Array(items[star..<(items.count - after)]))), scope, location: location)
        }
        for j in 0..<after { try assign(ts[star + 1 + j], items[items.count - after + j], scope, location: location) }
        return
      }
      guard items.count == ts.count else {
        let msg = items.count > ts.count ? "too many values to unpack (expected \(ts.count))" : "not enough values to unpack (expected \(ts.count), got \(items.count))"
        throw TraceError.python("ValueError", msg, at: target.location)
      }
      for (t, v) in zip(ts, items) { try assign(t, v, scope, location: location) }
    case .subscript(let base, let index):
      let b = try eval(base, scope)
      switch b {
      case .tensor(let t):
        let dst = try subscriptTensor(t, try evalIndex(index, scope), at: target.location)
        try storeInto(dst, value, at: target.location, accumulate: nil)
      case .list(let box):
        let i = try intValue(try eval(index, scope), at: index.location)
        let n = box.items.count
        let k = i < 0 ? i + n : i
        guard k >= 0 && k < n else { throw TraceError.python("IndexError", "list assignment index out of range", at: index.location) }
        box.items[k] = value
      case .dict(let d):
        let key = try eval(index, scope)
        let ks = try dictKey(key, at: index.location)
        if d.values[ks] == nil { d.keys.append(key) }
        d.values[ks] = value
      default:
        throw TraceError.python("TypeError", "'\(b.typeName)' object does not support item assignment", at: target.location)
      }
    case .attribute(let base, let name):
      let b = try eval(base, scope)
      if case .object(let o) = b { o.attributes[name] = value; return }
      throw TraceError.python("AttributeError", "cannot set attribute '\(name)' of '\(b.typeName)'", at: target.location)
    case .starred(let inner):
      try assign(inner, value, scope, location: location)
    default:
      throw TraceError.python("SyntaxError", "cannot assign to expression", at: target.location)
    }
  }

  /// Gives a freshly created result tile the name of the variable it is first bound to.
  func nameFresh(_ t: TensorRef, _ name: String) {
    guard freshDefinitions[t.id] != nil || builder.tensor(t.id).name.hasPrefix("%") else { return }
    if builder.tensor(t.id).name.hasPrefix("%") { builder.renameTensor(t.id, to: name) }
  }

  func augmentedAssign(
    _ target: Expr, _ op: BinaryOperator, _ valueExpr: Expr, _ scope: Scope, location: SourceLocation
  ) throws(TraceError) {
    // Tiles: `t += x` and `t[...] += x` accumulate in place.
    var dstRef: TensorRef?
    switch target.kind {
    case .name(let n):
      if case .tensor(let t)? = scope.lookup(n) { dstRef = t }
    case .subscript(let base, let index):
      if case .tensor(let t) = try eval(base, scope) {
        dstRef = try subscriptTensor(t, try evalIndex(index, scope), at: target.location)
      }
    default: break
    }
    let rhs = try eval(valueExpr, scope)
    if let dst = dstRef {
      try storeInto(dst, rhs, at: location, accumulate: op)
      return
    }
    let cur = try eval(target, scope)
    let r = try binary(op, cur, rhs, at: location)
    try assign(target, r, scope, location: location)
  }

  // MARK: - Truth

  func truth(_ v: Value, at loc: SourceLocation) throws(TraceError) -> Bool {
    switch v {
    case .none: return false
    case .bool(let b): return b
    case .int(let i): return i != 0
    case .float(let f): return f != 0
    case .string(let s): return !s.isEmpty
    case .tuple(let xs): return !xs.isEmpty
    case .list(let b): return !b.items.isEmpty
    case .dict(let d): return !d.keys.isEmpty
    case .index(let g):
      if g.shape.isEmpty && g.base.isConstant { return g.base.constant != 0 }
      if g.shape.isEmpty {
        throw TraceError(.kernel(KernelError(.unsupported("dynamic control-flow depending on a loop index or program id (the body is traced once); use nl.static_range to unroll"))), at: loc)
      }
      throw TraceError.python("TypeError", "Control-flow depending on `nl.arange` or `nl.mgrid` is not supported", at: loc)
    case .tensor:
      throw TraceError.python("TypeError", "dynamic control-flow depending on tensor value is not supported", at: loc)
    case .predicate(let conds):
      if conds.allSatisfy({ $0.coefficients.allSatisfy { $0 == 0 } }) {
        // A comparison of loop indices or program ids alone.
        throw TraceError(.kernel(KernelError(.unsupported("dynamic control-flow depending on a loop index or program id (the body is traced once); use nl.static_range to unroll"))), at: loc)
      }
      throw TraceError.python("TypeError", "Control-flow depending on `nl.arange` or `nl.mgrid` is not supported", at: loc)
    case .failed(let e): throw e
    default: return true
    }
  }

  // MARK: - Helpers

  func loc(_ e: Expr) -> SourceLocation { e.location }

  func intValue(_ v: Value, at loc: SourceLocation) throws(TraceError) -> Int {
    switch v {
    case .int(let i): return i
    case .bool(let b): return b ? 1 : 0
    case .index(let g) where g.shape.isEmpty && g.base.isConstant: return g.base.constant
    case .float(let f) where f == f.rounded() && abs(f) < 1e18: return Int(f)
    case .failed(let e): throw e
    default:
      throw TraceError.python("TypeError", "'\(v.typeName)' object cannot be interpreted as an integer", at: loc)
    }
  }

  func floatValue(_ v: Value, at loc: SourceLocation) throws(TraceError) -> Double {
    switch v {
    case .int(let i): return Double(i)
    case .float(let f): return f
    case .bool(let b): return b ? 1 : 0
    case .failed(let e): throw e
    default:
      throw TraceError.python("TypeError", "must be real number, not \(v.typeName)", at: loc)
    }
  }

  func dictKey(_ v: Value, at loc: SourceLocation) throws(TraceError) -> String {
    switch v {
    case .int(let i): return "i\(i)"
    case .bool(let b): return "i\(b ? 1 : 0)"
    case .string(let s): return "s\(s)"
    case .float(let f): return "f\(f)"
    case .none: return "None"
    case .tuple(let xs):
      var parts: [String] = []
      for x in xs { parts.append(try dictKey(x, at: loc)) }
      return "(" + parts.joined(separator: ",") + ")"
    case .dtype(let d): return "d\(d)"
    default: throw TraceError.python("TypeError", "unhashable type: '\(v.typeName)'", at: loc)
    }
  }

  /// Python `str()` of a value.
  func str(_ v: Value) throws(TraceError) -> String {
    switch v {
    case .none: return "None"
    case .bool(let b): return b ? "True" : "False"
    case .int(let i): return String(i)
    case .float(let f):
      if f == f.rounded() && abs(f) < 1e16 { return String(format1: f) }
      return "\(f)"
    case .string(let s): return s
    case .tuple(let xs):
      var parts: [String] = []
      for x in xs { parts.append(try repr(x)) }
      return "(" + parts.joined(separator: ", ") + (xs.count == 1 ? ",)" : ")")
    case .list(let b):
      var parts: [String] = []
      for x in b.items { parts.append(try repr(x)) }
      return "[" + parts.joined(separator: ", ") + "]"
    case .dtype(let d): return d.nkiName
    case .tensor(let t):
      let d = builder.tensor(t.id)
      return "\(d.name)[\(t.view.shape.map(String.init).joined(separator: ", "))] \(d.dtype) \(d.space.nkiName)"
    case .index(let g):
      return g.shape.isEmpty ? g.base.formatted { self.builder.kernel.indexVars[$0.index].name } : "index\(g.shape)"
    case .failed(let e): throw e
    default: return "<\(v.typeName)>"
    }
  }

  func repr(_ v: Value) throws(TraceError) -> String {
    if case .string(let s) = v { return "'\(s)'" }
    return try str(v)
  }

  func freshName() -> String {
    tempCounter += 1
    return "%t\(tempCounter)"
  }
}

extension String {
  /// `1.0` style formatting of an integral double.
  init(format1 f: Double) {
    self = String(Int(f)) + ".0"
  }
}
