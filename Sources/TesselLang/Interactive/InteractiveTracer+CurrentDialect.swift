import TesselIR
import TesselPython

/// The current NKI dialect at the prompt: `import nki.language as nl` (or `import nki`,
/// `import nki.isa as nisa`, `from nki import ...`) switches a session that has no tensors yet to
/// the current dialect's binding, whose calls then run eagerly like the legacy ones.
///
/// ```text
/// >>> import nki.language as nl
/// >>> import nki.isa as nisa
/// >>> a = nl.ndarray((4, 8), dtype=nl.float32, buffer=nl.sbuf)
/// >>> nisa.memset(a, 2.0)
/// >>> a
/// ```
///
/// Host numpy stays the session's (`np.zeros`, `np.load`, ...), and a numpy array passed where an
/// ISA call takes a tensor becomes an HBM tensor holding its data.
extension InteractiveTracer {
  /// The session's instruction count (of the dialect it speaks).
  var instructionCount: Int { current?.builder.instructionCount ?? tracer.builder.instructionCount }

  /// Drops the instructions from `count` on (a failed statement's).
  func truncateInstructions(to count: Int) {
    if let current {
      current.builder.truncate(toInstructionCount: count)
    } else {
      tracer.builder.truncate(toInstructionCount: count)
    }
  }

  /// Switches the session to the current dialect when `s` imports one of its core modules
  /// (`nki`, `nki.language`, `nki.isa`), before the statement runs; a located error when the
  /// session already holds legacy tensors.
  func selectDialect(for s: Stmt) throws(TraceError) {
    guard current == nil else { return }
    var names: [String] = []
    switch s.kind {
    case .import(let aliases): names = aliases.map(\.name)
    case .importFrom(let module?, _, let level) where level == 0: names = [module]
    default: return
    }
    guard names.contains(where: { $0 == "nki" || $0 == "nki.language" || $0 == "nki.isa" }) else { return }
    guard tracer.builder.kernel.tensors.isEmpty else {
      throw TraceError.unsupported(
        "switching the session to the current dialect (`import nki`) after legacy tensors were made; :reset first",
        at: s.location)
    }
    let c = CurrentTracer(
      kernelName: "repl", file: "<repl>", target: target, programs: 1, programRank: 0, evaluator: ev)
    c.hostTensor = { [unowned self] (array: NDArray, location: SourceLocation) throws(TraceError) -> NkiTensor in
      try self.hostTensor(of: array, at: location)
    }
    c.promptPrint = { [unowned self] (prefix: String, t: NkiTensor, location: SourceLocation) throws(TraceError) in
      try self.flush()
      let values = try self.values(of: t)
      self.print("\(prefix) \(formatArray(values, shape: t.shape, dtype: t.dtype))\n")
    }
    c.promptAllocate = { [unowned self] (id: TensorID, openLoops: Bool) throws(TraceError) in
      try self.allocateAtCreation(id, openLoops: openLoops)
    }
    current = c
    // The `nki` modules are the current dialect's from now on; numpy stays the session's host numpy,
    // and the evaluator's binding stays the session's tracer (``Tracer/companion(as:)`` hands this one to the current binding's calls).
    ev.moduleProviders.insert(CurrentPromptModules(), at: 0)
    for (n, m) in [("nl", "nki.language"), ("nisa", "nki.isa"), ("nki", "nki")] {
      globals.names[n] = try ev.importModule(m, at: s.location)
    }
  }

  /// A new HBM tensor of the current dialect holding a numpy array's values.
  func hostTensor(of array: NDArray, at location: SourceLocation) throws(TraceError) -> NkiTensor {
    guard let current else {
      throw TraceError.unsupported("a numpy array as a tensor outside the current dialect", at: location)
    }
    let shape = array.shape.isEmpty ? [1] : array.shape
    let t = try current.declare(
      name: current.freshName("array"), space: .hbm, shape: shape, dtype: array.dtype.nkiDType, at: location)
    try host?.allocate([t.storage], of: kernel, names: [:])
    try host?.setValues(array.values.map { Float($0) }, of: t.storage)
    return t
  }

  /// A current-dialect tensor at the prompt: its header and values.
  func describe(_ t: NkiTensor) throws(TraceError) -> String {
    let values = try self.values(of: t)
    var h = "\(t.name): \(t.space.nkiName) \(t.dtype)\(t.shape)"
    if t.isOnChip { h += " partitions 0..\(max(0, (t.shape.first ?? 1) - 1))" }
    return h + "\n" + formatArray(values, shape: t.shape, dtype: t.dtype)
  }

  /// The values a current-dialect view addresses, row-major over its shape.
  func values(of t: NkiTensor) throws(TraceError) -> [Float] {
    guard t.runtimeOffsets.isEmpty else {
      throw TraceError.unsupported("reading a view with a runtime offset at the prompt", at: .unknown)
    }
    guard let all = host?.values(of: t.storage) else {
      throw TraceError(
        rule: .malformed("`\(t.name)` was freed: nothing at the prompt referred to it any more"), at: .unknown)
    }
    var out = [Float](repeating: 0, count: t.elementCount)
    var index = [Int](repeating: 0, count: t.shape.count)
    for i in out.indices {
      let offset = zip(index, t.strides).reduce(t.offset) { $0 + $1.0 * $1.1 }
      out[i] = offset >= 0 && offset < all.count ? all[offset] : .nan
      RowMajorIndex.advance(&index, in: t.shape)
    }
    return out
  }
}

/// The current dialect's `nki` modules at the REPL's prompt; other names (numpy, `neuronxcc`)
/// stay with the session's providers.
final class CurrentPromptModules: ModuleProvider {
  let modules = CurrentModules()

  func module(named name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    guard name == "nki" || name.hasPrefix("nki.") else { return nil }
    return try modules.module(named: name, ev, at: location)
  }
}
