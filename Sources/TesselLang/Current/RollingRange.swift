import TesselIR
import TesselPython

/// `nl.affine_range(...)` and `nl.sequential_range(...)`: a Python range whose `for` loop runs
/// its body once per index, as the current dialect does, and then has the tracer roll the
/// iterations into one IR loop when they emitted the same instructions with offsets that advance
/// by a fixed step (``KernelBuilder/rollIterations(_:name:affine:location:)``).
///
/// Python sees every iteration, with all its side effects; the kernel gets one loop instead of
/// one copy of the body per index, so a big kernel verifies, allocates and runs as fast as its
/// symbolic trace would, and the trace holds one iteration's instructions at a time. An
/// iteration is not rolled when it meets another program (`sendrecv`, `core_barrier`), declares
/// a shared HBM tensor, prints (`nl.device_print`), differs from the others (a ragged last tile
/// stays after the loop), or when a tensor an earlier iteration declared is still reachable from
/// Python (a list of tiles): rolling keeps only the latest iteration's tensors.
final class RollingRange: NativeObject {
  let range: PyRange
  /// Whether the loop is an `nl.affine_range`: its rolled loop is then `affine_range` when its
  /// iterations are independent (``KernelBuilder/rollIterations(_:name:affine:location:)``).
  let affine: Bool

  init(_ range: PyRange, affine: Bool = false) {
    self.range = range
    self.affine = affine
  }

  var typeName: String { "range" }

  func driveLoop(_ loop: ForLoop, _ ev: Evaluator) throws(TraceError) -> Flow? {
    guard let t = ev.binding as? CurrentTracer else { return nil }
    let n = range.count
    if n > 1_000_000 { throw TraceError.unsupported("unrolling more than 1,000,000 iterations", at: loop.location) }
    // Iterations roll as they are traced, so the kernel never holds every iteration's
    // instructions: the first ones that match become a loop, and each later one that matches
    // joins it. One that does not (a ragged last tile, an extra declaration) stays as traced, and
    // rolling starts afresh after it; after three iterations that do not roll, the loop stays
    // unrolled from there on.
    var spans: [KernelBuilder.IterationSpan] = []
    var rolled: KernelBuilder.RolledLoop?
    var rolling = true
    let name = loop.targetName ?? "i"
    t.printLoops.append(.init(name: name, value: range.start, ordinal: 0, count: n))
    defer { t.printLoops.removeLast() }
    for k in 0..<n {
      let instructions = t.builder.instructionCount
      let tensors = t.builder.kernel.tensors.count
      let rendezvous = t.rendezvous.count
      let shared = (t.sharedHBM.count, t.sharedHBMSeen)
      let prints = t.builder.kernel.devicePrints.count
      t.printLoops[t.printLoops.count - 1].value = range.start + k * range.step
      t.printLoops[t.printLoops.count - 1].ordinal = k
      try loop.bind(.int(range.start + k * range.step), ev)
      let flow = try loop.runBody(ev)
      switch flow {
      case .breakLoop: return .normal
      case .returned(let v): return .returned(v)
      case .normal, .continueLoop: break
      }
      guard rolling else { continue }
      let span = KernelBuilder.IterationSpan(
        instructions: instructions..<t.builder.instructionCount, tensors: tensors..<t.builder.kernel.tensors.count)
      // An iteration that meets the other program, declares shared HBM or prints never rolls.
      guard rendezvous == t.rendezvous.count, shared == (t.sharedHBM.count, t.sharedHBMSeen),
        prints == t.builder.kernel.devicePrints.count
      else {
        (rolled, spans) = (nil, [])
        continue
      }
      if var r = rolled {
        if !RollingRange.reachable(r.tensors, from: loop.scope, ev), t.builder.extendRolledLoop(&r, with: span) {
          rolled = r
          continue
        }
        (rolled, spans) = (nil, [])
      }
      spans.append(span)
      guard spans.count >= 2, let first = spans.first, let last = spans.last else { continue }
      if !RollingRange.reachable(first.tensors.lowerBound..<last.tensors.lowerBound, from: loop.scope, ev),
        let r = t.builder.rollExtensibly(spans, name: name, affine: affine && !t.interactive, location: loop.location)
      {
        (rolled, spans) = (r, [])
      } else if spans.count >= 3 {
        rolling = false
      }
    }
    return try loop.runElse(ev)
  }

  /// Whether Python can still reach a tensor whose storage is in `tensors`: from the names of
  /// the loop's scope chain and of every active call frame, through lists, tuples, dicts, sets,
  /// objects, bound methods and closures (not through modules or classes).
  static func reachable(_ tensors: Range<Int>, from scope: Scope, _ ev: Evaluator) -> Bool {
    guard !tensors.isEmpty else { return false }
    var seen: Set<ObjectIdentifier> = []
    var found = false
    func visit(_ v: Value) {
      if found { return }
      switch v {
      case .native(let o):
        if let x = o as? NkiTensor {
          found =
            tensors.contains(x.storage.index) || x.runtimeOffsets.contains { tensors.contains($0.source.tensor.index) }
        }
      case .tuple(let xs): for x in xs { visit(x) }
      case .list(let l):
        if seen.insert(ObjectIdentifier(l)).inserted { for x in l.items { visit(x) } }
      case .dict(let d):
        if seen.insert(ObjectIdentifier(d)).inserted { for x in d.values { visit(x) } }
      case .set(let s):
        if seen.insert(ObjectIdentifier(s)).inserted { for x in s.members { visit(x) } }
      case .instance(let i):
        if seen.insert(ObjectIdentifier(i)).inserted { for x in i.attributes.values { visit(x) } }
      case .method(let m):
        visit(m.receiver)
        visit(m.function)
      case .function(let f): walk(f.closure)
      default: break
      }
    }
    func walk(_ s: Scope) {
      var cur: Scope? = s
      while let c = cur, !found, seen.insert(ObjectIdentifier(c)).inserted {
        for x in c.names.values { visit(x) }
        cur = c.parent
      }
    }
    walk(scope)
    for f in ev.frames { walk(f) }
    return found
  }

  // MARK: - The range itself

  func iterate(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> [Value]? {
    try range.iterate(ev, at: location)
  }
  func length(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Int? {
    try range.length(ev, at: location)
  }
  func getItem(_ key: Value, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    try range.getItem(key, ev, at: location)
  }
  func repr(_ ev: Evaluator) throws(TraceError) -> String { try range.repr(ev) }
  func hashKey(_ ev: Evaluator) -> HashKey? { range.hashKey(ev) }
  func isEqual(to other: Value, _ ev: Evaluator) -> Bool? {
    if let o = other.native(RollingRange.self) { return range.isEqual(to: .native(o.range), ev) }
    return range.isEqual(to: other, ev)
  }
  func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    try range.attribute(name, ev, at: location)
  }
}
