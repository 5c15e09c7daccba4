import TesselIR
import TesselPython

/// What an interactive session's host (the REPL) provides to the tracer: the data of host
/// tensors, their allocation on a simulated core, eager execution of traced instructions,
/// whole-kernel runs, `.npy` files, and where printed output goes.
public protocol InteractiveHost: AnyObject {
  /// Allocates tensors of `kernel` (the whole session so far) that were never allocated, in
  /// order; an on-chip tile that does not fit is a capacity error. `names` name temporaries
  /// after what holds them (`ps[3]`).
  func allocate(_ tensors: [TensorID], of kernel: Kernel, names: [TensorID: String]) throws(TraceError)
  /// Renames allocated tiles after the paths that hold them now (`tiles[2]`), for the messages
  /// that list them; tensors not allocated are left alone.
  func rename(_ paths: [TensorID: String])
  /// Frees every on-chip tile not in `live`: nothing at the prompt refers to it any more.
  func release(keeping live: Set<TensorID>)
  /// Runs instructions `range` of `kernel` (the whole session so far) eagerly.
  func execute(_ kernel: Kernel, _ range: Range<Int>) throws(TraceError)
  /// The current contents of a tensor (row-major over its declared shape); nil once freed.
  func values(of tensor: TensorID) -> [Float]?
  /// Sets the contents of a (new) tensor.
  func setValues(_ values: [Float], of tensor: TensorID) throws(TraceError)
  /// Runs a traced kernel on parameter data; returns the outputs' and the parameters' final values.
  func runKernel(_ kernel: Kernel, _ data: [[Float]]) throws(TraceError) -> (outputs: [[Float]], parameters: [[Float]])
  /// Reads a `.npy` file: shape, numpy dtype name (`float64`, `bfloat16`), values.
  func loadNPY(_ path: String) throws(TraceError) -> (shape: [Int], dtype: String, values: [Double])
  /// Writes a `.npy` file of a numpy dtype (`float64`, `int64` or an NKI dtype's name).
  func saveNPY(_ path: String, shape: [Int], dtype: String, values: [Double]) throws(TraceError)
  /// Shows text that `print(...)` wrote.
  func print(_ text: String)
}

/// An interactive NKI session's front end: statements typed at a prompt are traced as they come,
/// and tile operations at top level are handed to the host at once (eager mode).
///
/// The host (the REPL, in `TesselRepl`) owns the data: it runs each flushed range of
/// instructions against its simulated core and answers ``InteractiveHost/values(of:)`` queries.
/// Host arrays made with `np.zeros`, `np.random.normal`, `np.load`, ... are HBM tensors with
/// data; kernels defined at the prompt or loaded from a file are traced and run on them when
/// called.
public final class InteractiveTracer: PrintSink {
  let ev: Evaluator
  let tracer: Tracer
  let globals: Scope
  /// The arena of the session's scopes: it closes a generator dropped at the prompt (its thread
  /// ends) and, when the session ends, breaks the cycles between scopes, functions and classes.
  let arena = ScopeArena()
  /// The statement typed at the prompt that runs now (it names the tile it makes).
  var statement: Stmt?
  /// The first instruction not yet handed to the host.
  public private(set) var flushedCount = 0
  /// The simulated generation.
  public let target: Target
  /// The session's host.
  public weak var host: (any InteractiveHost)?
  /// The seeded generator of `np.random`.
  var rngState: UInt64 = 0x5EED
  /// The current dialect's binding, once an `import nki...` at the prompt chose that dialect
  /// (``InteractiveTracer/selectDialect(for:)``); nil while the session speaks the legacy one.
  var current: CurrentTracer?

  /// Starts a session with `nl`, `nisa`, `nki`, `np`, `math` and `help` bound.
  public init(target: Target = .trn2) {
    self.target = target
    ev = Evaluator(file: "<repl>")
    ev.arena = arena
    globals = Scope(root: arena)
    tracer = Tracer(kernelName: "repl", file: "<repl>", target: target, grid: [], evaluator: ev)
    tracer.interactive = self
    tracer.ev.activate(tracer)
    ev.printSink = self
    for (n, m) in [
      ("nl", "neuronxcc.nki.language"), ("nisa", "neuronxcc.nki.isa"), ("nki", "neuronxcc.nki"), ("np", "numpy"),
      ("math", "math"),
    ] {
      if let v = try? ev.importModule(m, at: .unknown) { globals.names[n] = v }
    }
    globals.names["help"] = helpFunction()
  }

  deinit { arena.clear() }

  /// Writes `print` output to the host.
  public func print(_ text: String) { host?.print(text) }

  /// The session's kernel so far: every tensor and instruction traced at the prompt.
  public var kernel: Kernel { current?.builder.kernel ?? tracer.builder.kernel }

  /// Hands every instruction traced since the last flush to the host.
  public func flush() throws(TraceError) {
    guard tracer.builder.openLoops.isEmpty else {
      throw TraceError.unsupported("reading data inside an open loop at the prompt", at: .unknown)
    }
    let end = instructionCount
    let start = flushedCount
    try allocateLive(start..<end)
    guard end > start else { return }
    flushedCount = end
    try host?.execute(kernel, start..<end)
  }

  /// The outcome of executing one input.
  public enum Outcome {
    /// Nothing to show.
    case none
    /// An expression's value, already formatted.
    case value(String)
  }

  /// Parses and executes one complete input (a statement, a block, or an expression).
  ///
  /// On error, the instructions traced by the failing statement are dropped; everything defined
  /// before stays.
  public func run(_ source: String, file: String = "<repl>") throws(TraceError) -> Outcome {
    let module: Module
    do { module = try parseModule(source: source, file: file) } catch {
      throw TraceError(.syntax(error), at: error.location)
    }
    var last: Outcome = .none
    ev.restartBudget()
    // A generator the input dropped is closed before the next prompt, not at the next statement.
    defer { arena.closeAbandonedGenerators() }
    for (i, s) in module.statements.enumerated() {
      let mark = instructionCount
      let bound = globals.names
      statement = s
      defer {
        statement = nil
        releaseUnreachable()
      }
      do {
        try selectDialect(for: s)
        if case .expression(let e) = s.kind, i == module.statements.count - 1 {
          let v = try ev.eval(e, globals)
          try flush()
          if case .none = v { last = .none } else { last = .value(try describe(v)) }
        } else {
          _ = try ev.exec(s, globals)
          try flush()
          last = .none
        }
      } catch {
        // A failed statement binds nothing: the names are as they were before it.
        globals.names = bound
        truncateInstructions(to: max(mark, flushedCount))
        flushedCount = min(flushedCount, instructionCount)
        throw error
      }
    }
    return last
  }

  /// Executes a file's top-level statements (its imports, helpers and kernels) in the session.
  public func load(source: String, file: String) throws(TraceError) {
    let module: Module
    do { module = try parseModule(source: source, file: file) } catch {
      throw TraceError(.syntax(error), at: error.location)
    }
    try NKIFile(uncheckedModule: module, source: source, file: file).checkDialect(nil)
    for s in module.statements {
      if case .if = s.kind { continue }  // `if __name__ == "__main__":` drivers stay out
      do {
        _ = try ev.exec(s, globals)
        try flush()
      } catch {
        Evaluator.bindFailure(s, error, globals)
      }
      releaseUnreachable()
    }
  }

  /// Names defined at the prompt, for completion.
  public var names: [String] { Array(globals.names.keys).sorted() }

  /// The attributes of `nl` / `nisa` / `np` that completion offers: the API table's functions
  /// and the constants.
  public static let apiNames: [String: [String]] = [
    "nl":
      (LegacyNKIAPI.names(in: "nl") + [
        "mgrid", "tile_size", "sbuf", "psum", "hbm", "shared_hbm", "float32", "bfloat16", "float16", "int32",
        "float8_e4m3",
        "float8_e5m2",
      ]).sorted(),
    "nisa": LegacyNKIAPI.names(in: "nisa").sorted(),
    "np": [
      "zeros", "ones", "full", "arange", "array", "asarray", "random", "load", "save", "allclose", "float32",
      "float16", "float64", "int32", "int64", "max", "min", "sum", "mean", "exp", "log", "sqrt", "tanh", "abs",
      "maximum", "minimum", "transpose", "reshape", "identity", "eye", "zeros_like", "ones_like", "full_like",
    ].sorted(),
    "np.random": ["seed", "normal", "uniform", "rand", "randn", "random"].sorted(),
  ]

  /// The value bound to `name`, formatted as the prompt shows it.
  public func describe(name: String) throws(TraceError) -> String {
    guard let v = try globals.lookup(name) else {
      throw TraceError.python("NameError", "name '\(name)' is not defined", at: .unknown)
    }
    return try describe(v)
  }

  /// Min, max, mean and NaN count of a tensor or numpy array bound to `name`.
  public func stats(name: String) throws(TraceError) -> String {
    let bound = try globals.lookup(name)
    if let array = bound?.native(NDArray.self) {
      return "\(name): array \(array.dtype)\(array.shape): " + statistics(array.values.map { Float($0) })
    }
    guard let t = bound?.tensor else {
      throw TraceError.python("TypeError", "'\(name)' is not an array, a tensor or a tile", at: .unknown)
    }
    return "\(header(t)): " + statistics(try tracer.gatherValues(t))
  }

  /// Min, max, mean and NaN count of values.
  func statistics(_ v: [Float]) -> String {
    let finite = v.filter { !$0.isNaN }
    let nan = v.count - finite.count
    let mean = finite.isEmpty ? Double.nan : finite.reduce(0.0) { $0 + Double($1) } / Double(finite.count)
    return
      "min \(formatNumber(finite.min() ?? .nan)) max \(formatNumber(finite.max() ?? .nan)) mean \(formatNumber(Float(mean))) NaN \(nan) of \(v.count)"
  }

  /// The on-chip tiles the session's names reach now (what `:mem` lists), each under the first
  /// path that reaches it (`t`, `ps[3]`, `cfg.acc`).
  public func liveTiles() -> [(name: String, decl: TensorDecl)] {
    let k = kernel
    return reachableTensors().filter { k[$0.id].space.isOnChip }.map { ($0.path, k[$0.id]) }
  }

  /// The host array (a numpy array, or a whole HBM tensor) bound to `name` at the prompt, as
  /// device data: shape, dtype, values.
  public func sessionArray(_ name: String) throws(TraceError) -> (shape: [Int], dtype: DType, values: [Float]) {
    let bound = try? globals.lookup(name)
    if let array = bound?.native(NDArray.self) {
      return (array.shape, array.dtype.nkiDType, array.values.map { Float($0) })
    }
    guard let t = bound?.tensor, tracer.builder.tensor(t.id).space.isHBM,
      t.view.isWhole(of: tracer.builder.tensor(t.id).shape), let values = host?.values(of: t.id)
    else {
      throw TraceError.python("NameError", "'\(name)' is not a host array", at: .unknown)
    }
    let d = tracer.builder.tensor(t.id)
    return (d.shape, d.dtype, values)
  }

  /// Traces a kernel defined in the session for `:ir` and `:run`.
  public func traceKernel(_ name: String, arguments: [KernelArgument], keywords: [String: KernelArgument], grid: [Int])
    throws(TraceError) -> TracedKernel
  {
    guard case .function(let fn)? = try globals.lookup(name) else {
      throw TraceError(.usage("no kernel named '\(name)' in the session (define it or :load a file)"), at: .unknown)
    }
    let previous = ev.binding
    defer { ev.binding = previous }
    ev.restartBudget()
    return try NKIFile.traceFunction(
      fn, name: name, file: "<repl>", evaluator: ev, arguments: arguments, keywords: keywords, grid: grid,
      target: target)
  }

  func header(_ t: TensorRef) -> String {
    let d = tracer.builder.tensor(t.id)
    var h = "\(d.name): \(d.space.nkiName) \(d.dtype)\(t.view.shape)"
    if d.space.isOnChip { h += " partitions 0..\(max(0, t.view.partitionCount - 1))" }
    return h
  }

  func describe(_ v: Value) throws(TraceError) -> String {
    // A big numpy array prints elided, as numpy prints one past 1000 elements.
    if let array = v.native(NDArray.self), array.count > 1000 {
      return "array \(array.dtype)\(array.shape)\n"
        + formatArray(array.values.map { Float($0) }, shape: array.shape, dtype: array.dtype.nkiDType)
    }
    if let t = v.native(NkiTensor.self) { return try describe(t) }
    if let t = v.tensor {
      let values = try tracer.gatherValues(t)
      return header(t) + "\n" + formatArray(values, shape: t.view.shape, dtype: tracer.builder.tensor(t.id).dtype)
    }
    if let g = v.index { return g.shape.isEmpty ? try ev.str(v) : "index grid \(g.shape)" }
    return try ev.repr(v)
  }
}
