import TesselIR
import TesselPython

extension Tracer {
  /// `nl.affine_range(...)`, `nl.sequential_range(...)`, `nl.static_range(...)` and (legacy)
  /// Python `range(...)`.
  func makeRange(_ kind: RangeValue.Kind, _ args: [Value], at loc: SourceLocation) throws(TraceError) -> Value {
    let p = try args.map { (x) throws(TraceError) in try intValue(x, at: loc) }
    switch p.count {
    case 1: return .native(LoopRange(RangeValue(kind: kind, start: 0, stop: p[0], step: 1)))
    case 2: return .native(LoopRange(RangeValue(kind: kind, start: p[0], stop: p[1], step: 1)))
    case 3: return .native(LoopRange(RangeValue(kind: kind, start: p[0], stop: p[1], step: p[2])))
    default:
      throw TraceError.typeError(
        .message(
          p.isEmpty ? "range expected at least 1 argument, got 0" : "range expected at most 3 arguments, got \(p.count)"
        ),
        at: loc)
    }
  }

  /// Runs a `for` loop over a range as one IR loop whose body is traced once, with the loop
  /// variable a symbolic index.
  func symbolicLoop(_ r: RangeValue, _ loop: ForLoop) throws(TraceError) -> Flow {
    let location = loop.location
    let kind: LoopKind = r.kind == .affine ? .affine : .sequential
    guard r.step != 0 else {
      throw TraceError.python("ValueError", "range() arg 3 must not be zero", at: loop.iterableLocation)
    }
    // The IR counts iterations as (stop - start + step - 1) / step (and the mirror for a
    // negative step): refuse ranges whose count does not fit in an Int.
    guard r.step != Int.min else {
      throw TraceError.python(
        "OverflowError", "range() step \(r.step) is too large for a loop", at: loop.iterableLocation)
    }
    let (span, o1) =
      r.step > 0 ? r.stop.subtractingReportingOverflow(r.start) : r.start.subtractingReportingOverflow(r.stop)
    let (_, o2) = span.addingReportingOverflow(r.step > 0 ? r.step : -r.step)
    let nonEmpty = r.step > 0 ? r.stop > r.start : r.start > r.stop
    if nonEmpty && (o1 || o2) {
      throw TraceError.python(
        "OverflowError", "range(\(r.start), \(r.stop), \(r.step)) is too large for a loop", at: loop.iterableLocation)
    }
    let name = loop.targetName ?? "i\(builder.kernel.indexVars.count)"
    let checkpoint = TraceCheckpoint(self, loop)
    let v = builder.beginLoop(name: name, kind: kind, start: r.start, stop: r.stop, step: r.step, location: location)
    symbolicLoops.append(v)
    enterLoopScope()
    let flow: Flow
    do {
      try loop.bind(.index(IndexGrid(AffineExpr(v))), ev)
      flow = try loop.runBody(ev)
    } catch {
      // Python control flow (or a Python value) that depends on this loop's index: abandon the
      // symbolic body and trace the loop once per index value instead.
      guard case .symbolicValue = error.kind, refusedVariables.contains(v) else { throw error }
      try checkpoint.restore(self, loop, abandoning: error)
      return try specializedLoop(r, loop)
    }
    builder.discard(checkpoint.builder)
    symbolicLoops.removeLast()
    loopScopes.removeLast()
    do { try builder.endLoop(location: location) } catch { throw TraceError(.kernel(error), at: location) }
    switch flow {
    case .breakLoop, .continueLoop:
      throw TraceError.unsupported(
        "break/continue inside \(kind.rawValue) (the body is traced once; use nl.static_range)", at: location)
    case .returned(let v):
      // The body is traced once for every iteration: a `return` in it ends the function after
      // the loop, as NKI's single trace does (the statements after the loop are not traced).
      return .returned(v)
    case .normal:
      return try loop.runElse(ev)
    }
  }

  /// A loop over `r` traced once per index value, with the loop variable a Python integer: the
  /// specialisation of a symbolic loop whose body branches on its index.
  ///
  /// Iterations of an affine
  /// loop are independent, so running them in order is one valid schedule of the same loop.
  ///
  /// NKI traces the body of `nl.affine_range` and `nl.sequential_range` once, so specialising one
  /// must not change what Python sees: every iteration starts with the variables the loop's scope
  /// had when the loop began bound as they were then (a counter incremented in the body advances
  /// once, a name rebound late in the body does not leak into the next iteration), and a Python
  /// container the body changes differently in every iteration is refused. A Python `range`
  /// whose body needs its index as a value keeps Python's meaning (helpers compute shapes with
  /// such loops): each iteration sees what the previous one left.
  func specializedLoop(_ r: RangeValue, _ loop: ForLoop) throws(TraceError) -> Flow {
    let count = r.step > 0 ? (r.stop - r.start + r.step - 1) / r.step : (r.start - r.stop - r.step - 1) / -r.step
    if count > 1_000_000 {
      throw TraceError.unsupported(
        "specialising a loop of more than 1,000,000 iterations on its index", at: loop.location)
    }
    enterLoopScope()
    defer { loopScopes.removeLast() }
    let restarts = r.kind != .python
    let entry = loop.scope.names
    var returned: [Value] = []
    var changed: Int?
    for k in stride(from: r.start, to: r.stop, by: r.step) {
      if restarts { loop.scope.names.merge(entry) { _, atEntry in atEntry } }
      try loop.bind(.int(k), ev)
      let flow = try loop.runBody(ev)
      if restarts {
        // The containers the loop began with, as this iteration left them: a change in a later
        // iteration would be a change the single trace makes once.
        let now = TraceCheckpoint.fingerprint(entry, loop.scope.globals.names)
        if let changed, changed != now {
          throw TraceError.unsupported(
            "specialising this loop on its index: its body changes a Python list, dict or object in every "
              + "iteration, which NKI's single trace of the body does once; change it outside the loop, or "
              + "use nl.static_range to unroll",
            at: loop.location)
        }
        changed = now
      }
      switch flow {
      case .breakLoop: return .normal
      case .returned(let v):
        if !restarts { return .returned(v) }
        returned.append(v)
      case .normal, .continueLoop: continue
      }
    }
    if let first = returned.first {
      // One trace of the body returns for every iteration or for none.
      guard returned.count == count, returned.allSatisfy({ ev.isSame($0, first) }) else {
        throw TraceError.unsupported(
          "return inside a loop body that branches on its index, in some iterations only or with "
            + "values that depend on the index (NKI traces the body once); return after the loop",
          at: loop.location)
      }
      return .returned(first)
    }
    return try loop.runElse(ev)
  }

  /// Opens the scope of a loop being entered: tiles declared until it closes belong to it.
  private func enterLoopScope() {
    loopScopeCount += 1
    loopScopes.append(loopScopeCount)
  }

  /// Records the loop variables and program ids that a refused symbolic value depends on (the
  /// loops over them specialise) and returns the message of the refusal, should none do.
  static func refusal(_ ev: Evaluator, _ expressions: [AffineExpr], _ message: String) -> String {
    guard let tracer = ev.binding as? Tracer else { return message }
    tracer.refusedVariables = Set(expressions.flatMap { $0.terms.map(\.variable) })
    let indexVars = tracer.builder.kernel.indexVars
    let onProgramID = tracer.refusedVariables.contains {
      $0.index < indexVars.count && indexVars[$0.index].kind != .loop
    }
    return onProgramID ? Tracer.programIDRefusal : message
  }

  /// The refusal of Python control flow (or a Python value) that depends on `nl.program_id`.
  static let programIDRefusal =
    "Python control flow depending on nl.program_id outside a kernel traced for a launch grid "
    + "(a launch is specialised per program instance only as a whole kernel)"
}

/// The state of a trace before a symbolic loop, to return to when the loop must be specialised.
///
/// The IR builder and the tracer's bookkeeping are values and are restored exactly; the Python
/// variables of the loop's scope and of the module are restored to their bindings. A Python
/// container (a list, dict, set or object) changed by the abandoned attempt cannot be restored:
/// the specialisation is then refused with a located error rather than run with the change
/// applied twice.
struct TraceCheckpoint {
  let builder: KernelBuilder.Checkpoint
  let symbolicLoops: [IndexVar]
  let freshDefinitions: [TensorID: Int]
  let loopScopes: [Int]
  /// The number of tensors: ``Tracer/tensorLoops`` only gains entries for new tensors, so a
  /// restore drops those at or past it (no copy of the table at every loop).
  let tensorCount: Int
  let tempCounter: Int
  /// How much a buffered trace had printed (the abandoned attempt's prints are dropped).
  let printed: Int?
  let locals: [String: Value]
  let globals: [String: Value]
  let fingerprint: Int

  init(_ tracer: Tracer, _ loop: ForLoop) {
    builder = tracer.builder.checkpoint()
    symbolicLoops = tracer.symbolicLoops
    freshDefinitions = tracer.freshDefinitions
    loopScopes = tracer.loopScopes
    tensorCount = tracer.builder.kernel.tensors.count
    tempCounter = tracer.tempCounter
    printed = (tracer.ev.printSink as? PrintBuffer)?.utf8Count
    locals = loop.scope.names
    globals = loop.scope.globals.names
    fingerprint = TraceCheckpoint.fingerprint(locals, globals)
  }

  func restore(_ tracer: Tracer, _ loop: ForLoop, abandoning error: TraceError) throws(TraceError) {
    tracer.builder.restore(builder)
    tracer.symbolicLoops = symbolicLoops
    tracer.freshDefinitions = freshDefinitions
    tracer.loopScopes = loopScopes
    tracer.tensorLoops = tracer.tensorLoops.filter { $0.key.index < tensorCount }
    tracer.tempCounter = tempCounter
    if let printed { (tracer.ev.printSink as? PrintBuffer)?.truncate(toUTF8Count: printed) }
    guard TraceCheckpoint.fingerprint(locals, globals) == fingerprint else {
      throw TraceError.unsupported(
        "specialising this loop on its index: its body changed a Python list, dict or object before "
          + "depending on the index, and the change cannot be undone; use nl.static_range to unroll",
        at: loop.location)
    }
    loop.scope.names = locals
    loop.scope.globals.names = globals
  }

  /// A hash of the contents of the containers the variables refer to (two levels deep), by
  /// identity for objects: what an abandoned attempt could have changed in place.
  static func fingerprint(_ locals: [String: Value], _ globals: [String: Value]) -> Int {
    var h = Hasher()
    for scope in [locals, globals] {
      h.combine(entries(scope.lazy.filter { isContainer($0.value) }.map { ($0.key, $0.value) }, depth: 2))
    }
    return h.finalize()
  }

  /// An order-independent hash of named values: a sum of hashes, with no sorting (a dictionary's
  /// order can change when it grows; sorting every namespace at every loop cost more than the
  /// rest of the checkpoint).
  private static func entries(_ items: some Sequence<(String, Value)>, depth: Int) -> Int {
    var sum = 0
    for (k, v) in items {
      var e = Hasher()
      e.combine(k)
      e.combine(contents(v, depth))
      sum = sum &+ e.finalize()
    }
    return sum
  }

  /// A hash of `v`'s contents, `depth` levels of containers deep.
  private static func contents(_ v: Value, _ depth: Int) -> Int {
    var h = Hasher()
    switch v {
    case .list(let l):
      h.combine(ObjectIdentifier(l))
      h.combine(l.items.count)
      if depth > 0 { for x in l.items { h.combine(contents(x, depth - 1)) } }
    case .dict(let d):
      h.combine(ObjectIdentifier(d))
      h.combine(d.count)
      if depth > 0 { for x in d.values { h.combine(contents(x, depth - 1)) } }
    case .set(let s):
      h.combine(ObjectIdentifier(s))
      h.combine(s.members.count)
    case .instance(let i):
      h.combine(ObjectIdentifier(i))
      h.combine(i.attributes.count)
      if depth > 0 { h.combine(entries(i.attributes.lazy.map { ($0.key, $0.value) }, depth: depth - 1)) }
    case .tuple(let xs):
      if depth > 0 { for x in xs { h.combine(contents(x, depth - 1)) } }
    case .native(let o): h.combine(ObjectIdentifier(o))
    case .int(let i): h.combine(i)
    case .float(let f): h.combine(f)
    case .bool(let b): h.combine(b)
    case .string(let s): h.combine(s)
    default: h.combine(0)
    }
    return h.finalize()
  }

  private static func isContainer(_ v: Value) -> Bool {
    switch v {
    case .list, .dict, .set, .instance, .tuple: true
    default: false
    }
  }
}
