import Foundation
import TesselIR
import TesselPython

/// A kernel argument given from outside: an HBM tensor's shape and dtype, or a compile-time value.
public enum KernelArgument: Sendable, Hashable {
  /// An HBM tensor (its data is supplied when the traced kernel runs).
  case tensor(shape: [Int], dtype: DType)
  /// A compile-time constant.
  case literal(PythonLiteral)
  /// A Python expression, evaluated in the kernel module's namespace once the module's code has
  /// run: `128`, `[0, 1, 2, 3]` (a list stays a list), `FlashConfig(seq_tile_size=512)`,
  /// `NormType.RMS_NORM`.
  case expression(String)
}

/// A Python literal passed to a kernel parameter (`tessel run k.py 128 eps=1e-5 mode=None`).
public indirect enum PythonLiteral: Sendable, Hashable {
  case none
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)
  case tuple([PythonLiteral])
}

/// A kernel traced to the IR, with the names of its HBM parameters in order.
public struct TracedKernel: Sendable {
  /// The verified kernel.
  public var kernel: Kernel
  /// The kernel function's name.
  public var name: String
  /// How the function's return value nests the returned tensors (nil when the front end does not
  /// say; then callers see ``Kernel/outputs`` as a flat list).
  public var returns: KernelReturn?
  /// What the kernel's Python printed while it was traced (`print(...)` runs at trace time, as
  /// in NKI), in order; empty when it printed nothing.
  public var output: String
  /// The shape of each returned value where it differs from its tensor's (a current-dialect
  /// kernel may return a reshaped view of an output); nil entries keep the tensor's shape.
  public var outputShapes: [[Int]?] = []
  /// Warnings of the trace (an argument accepted and ignored), with their locations.
  public var warnings: [Diagnostic] = []
  /// The files the trace read Python source from, sorted.
  ///
  /// That is the kernel's own file and every module the trace imported from a file: a caller
  /// that caches the trace redoes it when one of them changes.
  public var sourceFiles: [String] = []

  /// Creates a traced kernel.
  public init(kernel: Kernel, name: String, returns: KernelReturn? = nil, output: String = "") {
    self.kernel = kernel
    self.name = name
    self.returns = returns
    self.output = output
  }
}

/// The shape of a kernel's return value: which returned tensor stands where.
///
/// `return out` is `.tensor(0)`; `return (a, b)` is `.tuple([.tensor(0), .tensor(1)])`;
/// `return [o, None]` is `.list([.tensor(0), .none])`; no `return` is `.none`. Indices are
/// positions in ``Kernel/outputs``.
public indirect enum KernelReturn: Sendable, Hashable {
  case none
  case tensor(Int)
  case tuple([KernelReturn])
  case list([KernelReturn])
}

/// An NKI Python source file: parsed once, traced on demand for given argument shapes.
///
/// ```swift
/// let file = try NKIFile(source: text, file: "add.py")
/// file.kernelNames                       // ["tensor_add_kernel"]
/// let traced = try file.trace(arguments: [.tensor(shape: [256, 512], dtype: .float32),
///                                          .tensor(shape: [256, 512], dtype: .float32)])
/// print(traced.kernel.printed())
/// ```
public struct NKIFile: Sendable {
  /// The file name used in diagnostics.
  public let file: String
  /// The source text.
  public let source: String
  /// The syntax tree.
  public let module: Module

  /// Parses NKI Python source.
  public init(source: String, file: String) throws(TraceError) {
    self.file = file
    self.source = source
    do {
      module = try parseModule(source: source, file: file)
    } catch {
      throw TraceError(.syntax(error), at: error.location)
    }
  }

  /// Wraps an already parsed module.
  init(uncheckedModule module: Module, source: String, file: String) {
    self.module = module
    self.source = source
    self.file = file
  }

  /// Reads and parses a file.
  public static func load(path: String) throws(TraceError) -> NKIFile {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw TraceError(.usage("cannot read kernel file '\(path)': \(unreadableReason(path))"), at: .unknown)
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw TraceError(.usage("kernel file '\(path)' is not UTF-8 text"), at: .unknown)
    }
    return try NKIFile(source: text, file: path)
  }

  /// Why a file could not be read: missing, a directory, or not readable.
  static func unreadableReason(_ path: String) -> String {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      return "no such file or directory"
    }
    if isDirectory.boolValue { return "it is a directory" }
    if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
    return "read failed"
  }

  /// Decorators that mark a kernel entry point.
  static let kernelDecorators: Set<String> = [
    "nki.jit", "jit", "nki.baremetal", "baremetal", "nki.benchmark", "benchmark", "nki.profile", "profile",
    "nki.compiler.skip_middle_end_transformations", "nki.simulate_kernel",
  ]

  /// The top-level functions decorated as NKI kernels, in file order.
  public var kernelNames: [String] {
    module.statements.compactMap { s in
      guard case .functionDef(let f) = s.kind else { return nil }
      let decorated = f.decorators.contains { d in
        let n = Evaluator.dottedName(d)
        return NKIFile.kernelDecorators.contains(n) || n.hasSuffix(".jit") || n.hasSuffix(".baremetal")
      }
      return decorated ? f.name : nil
    }
  }

  /// Every top-level function name.
  public var functionNames: [String] {
    module.statements.compactMap { s in
      if case .functionDef(let f) = s.kind { return f.name }
      return nil
    }
  }

  /// Traces a kernel of the file for the given arguments into a verified IR kernel.
  ///
  /// - Parameters:
  ///   - kernel: the function to trace; nil picks the file's only decorated kernel.
  ///   - arguments: positional arguments in order.
  ///   - keywords: keyword arguments by parameter name.
  ///   - grid: the SPMD launch grid (`kernel[g0, g1]`); empty for one instance.
  ///   - target: the Trainium generation whose rules and constants apply.
  ///   - limits: the most Python-level work the trace may do.
  ///   - dialect: the NKI dialect to read the file as; nil detects it from the imports
  ///     (``importedDialect``); a current-dialect kernel is traced by ``traceCurrent(kernel:arguments:keywords:grid:target:limits:importPaths:identity:)``.
  ///   - importPaths: more directories to import modules from (`--path`), searched after the
  ///     file's own directory and its package root.
  ///   - moduleName: the file's dotted module name when the caller knows it (Python's
  ///     `__name__`, e.g. `pkg.reference.attention`); nil works it out from the `__init__.py`
  ///     files around the file (``moduleIdentity``).
  public func trace(
    kernel: String? = nil, arguments: [KernelArgument], keywords: [String: KernelArgument] = [:],
    grid: [Int] = [], target: Target = .trn2, limits: TraceLimits = TraceLimits(), dialect: NKIDialect? = nil,
    importPaths: [String] = [], moduleName: String? = nil
  ) throws(TraceError) -> TracedKernel {
    let identity = try moduleName.map { (n) throws(TraceError) in try moduleIdentity(named: n) } ?? moduleIdentity
    let current = self.dialect(override: dialect) == .current
    // Tracing recurses over the syntax tree and through inlined calls: run it on a large stack.
    let result = LargeStack.run {
      Result { () throws(TraceError) -> TracedKernel in
        let trace = current ? self.traceCurrent : self.traceOnThisThread
        return try trace(kernel, arguments, keywords, grid, target, limits, importPaths, identity)
      }
    }
    return try result.get()
  }

  /// The file as a module of its package: its dotted name, its package, and the import roots it
  /// implies (its own directory, for flat sibling imports, and the directory above its package).
  ///
  /// The package is the run of enclosing directories that hold `__init__.py` files; a file whose
  /// relative imports reach further up (`from ..util import x` in a directory without
  /// `__init__.py`, a namespace package inside a package) takes the directories they need.
  public var moduleIdentity: (name: String, package: String, roots: [String]) {
    let url = URL(fileURLWithPath: file).standardizedFileURL
    let stem = url.deletingPathExtension().lastPathComponent
    guard FileManager.default.fileExists(atPath: url.path) else { return (stem, "", []) }
    let directory = url.deletingLastPathComponent()
    var needed = 0
    Stmt.walk(module.statements) { s in
      if case .importFrom(_, _, let level) = s.kind { needed = Swift.max(needed, level) }
    }
    var parts = [stem]
    var dir = directory
    func isPackage(_ d: URL) -> Bool {
      FileManager.default.fileExists(atPath: d.appendingPathComponent("__init__.py").path)
    }
    // A directory is part of the package when it has `__init__.py`, or when the relative imports
    // need it and it sits in a package (a namespace package nested in a regular one).
    while dir.path != "/", isPackage(dir) || (parts.count <= needed && isPackage(dir.deletingLastPathComponent())) {
      parts.insert(dir.lastPathComponent, at: 0)
      dir = dir.deletingLastPathComponent()
    }
    var roots = [directory.path]
    if dir.path != directory.path { roots.append(dir.path) }
    return (parts.joined(separator: "."), parts.dropLast().joined(separator: "."), roots)
  }

  /// The file as the module `name` (`pkg.sub.mod`): its package is `pkg.sub`, and the import
  /// roots are the file's own directory and the directory as many levels above it as the
  /// package has components.
  public func moduleIdentity(named name: String) throws(TraceError) -> (name: String, package: String, roots: [String])
  {
    let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } })
    else {
      throw TraceError(.usage("'\(name)' is not a dotted module name"), at: .unknown)
    }
    let directory = URL(fileURLWithPath: file).standardizedFileURL.deletingLastPathComponent()
    var root = directory
    for _ in 0..<(parts.count - 1) { root = root.deletingLastPathComponent() }
    let roots = root.path == directory.path ? [directory.path] : [directory.path, root.path]
    return (name, parts.dropLast().joined(separator: "."), roots)
  }

  /// An evaluator for tracing the file as the module `identity` of its package, with the scope
  /// arena the trace owns (the caller empties it when the trace ends, to break the cycles between
  /// scopes and the functions defined in them) and the module's globals.
  func moduleEvaluator(
    limits: TraceLimits, importPaths: [String], identity: (name: String, package: String, roots: [String])
  ) -> (Evaluator, ScopeArena, Scope) {
    let ev = Evaluator(file: file, limits: limits)
    let arena = ScopeArena()
    ev.arena = arena
    ev.addImportRoots(identity.roots + importPaths)
    let globals = ev.moduleScope(name: identity.name, package: identity.package, file: file)
    ev.moduleCache[identity.name] = .module(PyModule(name: identity.name, scope: globals))
    ev.sources[file] = source
    return (ev, arena, globals)
  }

  /// Runs the module's code on `ev`, its prints (and the trace's after them) collected in
  /// `printed`, and returns the kernel function `name` it defines.
  ///
  /// Module level: a failing statement binds its names to its error (host-side code that needs
  /// modules Tessel does not provide fails only if the kernel uses it).
  func runModule(_ ev: Evaluator, _ globals: Scope, kernel name: String, printingTo printed: PrintBuffer)
    throws(TraceError) -> PyFunction
  {
    ev.printSink = printed
    try ev.execModule(module, in: globals, deferFailures: true)
    guard case .function(let fn)? = try globals.lookup(name) else {
      throw TraceError(.usage("kernel '\(name)' is not a function in \(file)"), at: .unknown)
    }
    return fn
  }

  func traceOnThisThread(
    kernel: String?, arguments: [KernelArgument], keywords: [String: KernelArgument],
    grid: [Int], target: Target, limits: TraceLimits, importPaths: [String],
    identity: (name: String, package: String, roots: [String])
  ) throws(TraceError) -> TracedKernel {
    let name = try chooseKernel(kernel)
    let (ev, arena, globals) = moduleEvaluator(limits: limits, importPaths: importPaths, identity: identity)
    defer { arena.clear() }
    let tracer = Tracer(kernelName: name, file: file, target: target, grid: grid, evaluator: ev)
    ev.activate(tracer)
    let printed = PrintBuffer()
    return try printed.collecting { () throws(TraceError) -> TracedKernel in
      let fn = try runModule(ev, globals, kernel: name, printingTo: printed)
      var traced = try NKIFile.trace(
        fn, name: name, tracer: tracer, arguments: arguments, keywords: keywords, grid: grid, target: target)
      traced.output = printed.text
      traced.sourceFiles = ev.sources.keys.sorted()
      return traced
    }
  }

  /// Traces one kernel function for the given arguments with a fresh tracer on `ev`.
  static func traceFunction(
    _ fn: PyFunction, name: String, file: String, evaluator ev: Evaluator, arguments: [KernelArgument],
    keywords: [String: KernelArgument], grid: [Int], target: Target
  ) throws(TraceError) -> TracedKernel {
    let tracer = Tracer(kernelName: name, file: file, target: target, grid: grid, evaluator: ev)
    tracer.ev.activate(tracer)
    return try trace(
      fn, name: name, tracer: tracer, arguments: arguments, keywords: keywords, grid: grid, target: target)
  }

  /// Traces one kernel function for the given arguments.
  static func trace(
    _ fn: PyFunction, name: String, tracer: Tracer, arguments: [KernelArgument],
    keywords: [String: KernelArgument], grid: [Int], target: Target
  ) throws(TraceError) -> TracedKernel {
    let ev = tracer.ev
    let (positional, kw) = try bindParameters(fn, name: name, tracer: tracer, arguments: arguments, keywords: keywords)
    ev.lastReturnLocation = nil
    let printed = (ev.printSink as? PrintBuffer)?.utf8Count
    let result: Value
    do {
      result = try ev.callFunction(fn, positional, kw, at: fn.location)
    } catch {
      // Python control flow on nl.program_id: trace the launch once per program instead.
      guard grid.reduce(1, *) > 1, tracer.refusedProgramID(error) else { throw error }
      if let printed { (ev.printSink as? PrintBuffer)?.truncate(toUTF8Count: printed) }
      return try traceEachProgram(
        fn, name: name, tracer: tracer, arguments: arguments, keywords: keywords, grid: grid, target: target,
        refusal: error)
    }
    if let collective = tracer.firstCollective {
      // nl.all_reduce across programs: the programs meet, so trace them one by one.
      if let printed { (ev.printSink as? PrintBuffer)?.truncate(toUTF8Count: printed) }
      return try traceEachProgram(
        fn, name: name, tracer: tracer, arguments: arguments, keywords: keywords, grid: grid, target: target,
        refusal: TraceError.unsupported("nl.all_reduce across programs", at: collective))
    }
    return try finishTrace(
      result, returnLocation: ev.lastReturnLocation ?? fn.location, name: name, tracer: tracer, grid: grid,
      target: target)
  }

  /// Binds a kernel's arguments, adding each array argument to the tracer's kernel as a parameter.
  static func bindParameters(
    _ fn: PyFunction, name: String, tracer: Tracer, arguments: [KernelArgument], keywords: [String: KernelArgument]
  ) throws(TraceError) -> (positional: [Value], keywords: [(String, Value)]) {
    try bindArguments(fn, name: name, arguments: arguments, keywords: keywords, tracer.ev) {
      param, loc, shape, dtype in
      let id = tracer.builder.addParameter(name: param, shape: shape, dtype: dtype, location: loc)
      return .tensor(TensorRef(id: id, view: .whole(id, shape: shape)))
    }
  }

  /// Collects a traced kernel's returned HBM tensors and finishes its IR (verified and
  /// dependence-checked).
  static func finishTrace(
    _ result: Value, returnLocation: SourceLocation, name: String, tracer: Tracer, grid: [Int], target: Target
  ) throws(TraceError) -> TracedKernel {
    var outputs: [TensorID] = []
    func addOutput(_ v: Value) throws(TraceError) -> KernelReturn {
      if let t = v.tensor {
        let d = tracer.builder.tensor(t.id)
        guard d.space.isHBM else {
          throw TraceError(
            rule: .wrongMemorySpace(operand: "return value", expected: "hbm", actual: d.space), operation: "return",
            at: returnLocation)
        }
        guard let id = tracer.returnedTensor(t) else {
          throw TraceError.unsupported(
            "returning a slice of a tensor, or a reshaped kernel argument (return the whole nl.ndarray)",
            at: returnLocation)
        }
        outputs.append(id)
        return .tensor(outputs.count - 1)
      }
      switch v {
      case .none: return .none
      case .tuple(let xs):
        var parts: [KernelReturn] = []
        for x in xs { parts.append(try addOutput(x)) }
        return .tuple(parts)
      case .list(let b):
        var parts: [KernelReturn] = []
        for x in b.items { parts.append(try addOutput(x)) }
        return .list(parts)
      default:
        throw TraceError.python(
          "TypeError", "a kernel returns HBM tensors (or nothing), not \(v.typeName)", at: returnLocation)
      }
    }
    let returns = try addOutput(result)
    tracer.builder.setOutputs(outputs)
    tracer.builder.setGrid(grid)
    do {
      let k = try tracer.builder.finish(target: target, checkDependences: true, foldCopies: true)
      return TracedKernel(kernel: k, name: name, returns: returns)
    } catch {
      throw TraceError(.kernel(error), at: error.location)
    }
  }

  /// A kernel argument given as Python text, evaluated in the kernel module's globals.
  static func evaluateArgument(_ text: String, for param: String, in fn: PyFunction, _ ev: Evaluator)
    throws(TraceError) -> Value
  {
    let expr: Expr
    do {
      expr = try parseExpression(source: text, file: "<argument \(param)>")
    } catch {
      throw TraceError(.syntax(error), at: error.location)
    }
    do {
      return try ev.eval(expr, fn.closure.globals)
    } catch {
      if case .exception(let e) = error.kind, e.type == "NameError", case .name = expr.kind {
        // A bare word that names nothing: most likely a string meant to be quoted.
        throw TraceError.python(
          "NameError", "\(e.message) (a string argument needs quotes: \(param)=\"'\(text)'\")", at: error.location)
      }
      throw error
    }
  }

  func chooseKernel(_ requested: String?) throws(TraceError) -> String {
    if let requested {
      guard functionNames.contains(requested) else {
        throw TraceError(
          .usage("no function named '\(requested)' in \(file) (kernels: \(kernelNames.joined(separator: ", ")))"),
          at: .unknown)
      }
      return requested
    }
    let ks = kernelNames
    if ks.count == 1, let k = ks.first { return k }
    if ks.isEmpty {
      throw TraceError(
        .usage("no function decorated with @nki.jit (or @nki.baremetal, ...) in \(file); pass --kernel NAME"),
        at: .unknown)
    }
    throw TraceError(
      .usage("\(file) defines several kernels (\(ks.joined(separator: ", "))); pass --kernel NAME"), at: .unknown)
  }

  static func value(_ l: PythonLiteral) -> Value {
    switch l {
    case .none: return .none
    case .bool(let b): return .bool(b)
    case .int(let i): return .int(i)
    case .float(let f): return .float(f)
    case .string(let s): return .string(s)
    case .tuple(let xs): return .tuple(xs.map(value))
    }
  }
}
