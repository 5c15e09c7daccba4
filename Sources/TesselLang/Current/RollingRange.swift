import TesselIR
import TesselPython

/// `nl.affine_range(...)` and `nl.sequential_range(...)`: a Python range whose `for` loop runs
/// its body once per index, as the current dialect does, and then has the tracer roll the
/// iterations into one IR loop when they emitted the same instructions with offsets that advance
/// by a fixed step (``KernelBuilder/rollIterations(_:name:location:)``).
///
/// Python sees every iteration, with all its side effects; the kernel gets one loop instead of
/// one copy of the body per index, so a big kernel verifies, allocates and runs as fast as its
/// symbolic trace would. Iterations are not rolled when the loop breaks or returns, meets another
/// program (`sendrecv`, `core_barrier`), declares a shared HBM tensor, prints (`nl.device_print`), or when a tensor an
/// earlier iteration declared is still reachable from Python (a list of tiles): rolling keeps
/// only the last iteration's tensors.
final class RollingRange: NativeObject {
  let range: PyRange

  init(_ range: PyRange) { self.range = range }

  var typeName: String { "range" }

  func driveLoop(_ loop: ForLoop, _ ev: Evaluator) throws(TraceError) -> Flow? {
    guard let t = ev.binding as? CurrentTracer else { return nil }
    let n = range.count
    if n > 1_000_000 { throw TraceError.unsupported("unrolling more than 1,000,000 iterations", at: loop.location) }
    let rendezvous = t.rendezvous.count
    let shared = (t.sharedHBM.count, t.sharedHBMSeen)
    let prints = t.builder.kernel.devicePrints.count
    var spans: [KernelBuilder.IterationSpan] = []
    t.printLoops.append(.init(name: loop.targetName ?? "i", value: range.start, ordinal: 0, count: n))
    defer { t.printLoops.removeLast() }
    for k in 0..<n {
      let instructions = t.builder.instructionCount
      let tensors = t.builder.kernel.tensors.count
      t.printLoops[t.printLoops.count - 1].value = range.start + k * range.step
      t.printLoops[t.printLoops.count - 1].ordinal = k
      try loop.bind(.int(range.start + k * range.step), ev)
      let flow = try loop.runBody(ev)
      spans.append(
        KernelBuilder.IterationSpan(
          instructions: instructions..<t.builder.instructionCount, tensors: tensors..<t.builder.kernel.tensors.count))
      switch flow {
      case .breakLoop: return .normal
      case .returned(let v): return .returned(v)
      case .normal, .continueLoop: continue
      }
    }
    if n >= 2, rendezvous == t.rendezvous.count, shared == (t.sharedHBM.count, t.sharedHBMSeen),
      prints == t.builder.kernel.devicePrints.count,
      let last = spans.last, let first = spans.first,
      !RollingRange.reachable(first.tensors.lowerBound..<last.tensors.lowerBound, from: loop.scope, ev)
    {
      _ = t.builder.rollIterations(spans, name: loop.targetName ?? "i", location: loop.location)
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
