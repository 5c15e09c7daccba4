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
        .message(p.isEmpty ? "range expected at least 1 argument, got 0" : "range expected at most 3 arguments, got \(p.count)"),
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
      throw TraceError.python("OverflowError", "range() step \(r.step) is too large for a loop", at: loop.iterableLocation)
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
    let v = builder.beginLoop(name: name, kind: kind, start: r.start, stop: r.stop, step: r.step, location: location)
    symbolicLoops.append(v)
    try loop.bind(.index(IndexGrid(AffineExpr(v))), ev)
    let flow = try loop.runBody(ev)
    symbolicLoops.removeLast()
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
}
