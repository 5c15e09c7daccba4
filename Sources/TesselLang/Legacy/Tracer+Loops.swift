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
    case .returned:
      throw TraceError.unsupported("return inside \(kind.rawValue)", at: location)
    case .normal:
      return try loop.runElse(ev)
    }
  }

  /// A loop over `r` traced once per index value, with the loop variable a Python integer: the
  /// specialisation of a symbolic loop whose body branches on its index.
  ///
  /// Iterations of an affine
  /// loop are independent, so running them in order is one valid schedule of the same loop.
  func specializedLoop(_ r: RangeValue, _ loop: ForLoop) throws(TraceError) -> Flow {
    let count = r.step > 0 ? (r.stop - r.start + r.step - 1) / r.step : (r.start - r.stop - r.step - 1) / -r.step
    if count > 1_000_000 {
      throw TraceError.unsupported(
        "specialising a loop of more than 1,000,000 iterations on its index", at: loop.location)
    }
    enterLoopScope()
    defer { loopScopes.removeLast() }
    for k in stride(from: r.start, to: r.stop, by: r.step) {
      try loop.bind(.int(k), ev)
      switch try loop.runBody(ev) {
      case .breakLoop: return .normal
      case .returned(let v): return .returned(v)
      case .normal, .continueLoop: continue
      }
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
  let tensorLoops: [TensorID: [Int]]
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
    tensorLoops = tracer.tensorLoops
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
    tracer.tensorLoops = tensorLoops
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
    func add(_ v: Value, _ depth: Int) {
      switch v {
      case .list(let l):
        h.combine(ObjectIdentifier(l))
        h.combine(l.items.count)
        if depth > 0 { for x in l.items { add(x, depth - 1) } }
      case .dict(let d):
        h.combine(ObjectIdentifier(d))
        h.combine(d.count)
        if depth > 0 { for x in d.values { add(x, depth - 1) } }
      case .set(let s):
        h.combine(ObjectIdentifier(s))
        h.combine(s.members.count)
      case .instance(let i):
        h.combine(ObjectIdentifier(i))
        h.combine(i.attributes.count)
        if depth > 0 {
          for (k, x) in i.attributes.sorted(by: { $0.key < $1.key }) {
            h.combine(k)
            add(x, depth - 1)
          }
        }
      case .tuple(let xs):
        if depth > 0 { for x in xs { add(x, depth - 1) } }
      case .native(let o): h.combine(ObjectIdentifier(o))
      case .int(let i): h.combine(i)
      case .float(let f): h.combine(f)
      case .bool(let b): h.combine(b)
      case .string(let s): h.combine(s)
      default: h.combine(0)
      }
    }
    for scope in [locals, globals] {
      for (k, v) in scope.sorted(by: { $0.key < $1.key }) where isContainer(v) {
        h.combine(k)
        add(v, 2)
      }
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
