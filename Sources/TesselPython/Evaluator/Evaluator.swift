import Dispatch
import TesselIR

/// Evaluates Python: modules, statements and expressions, with Python's object model.
///
/// The evaluator knows nothing of NKI. A binding (``Binding``) gives it native modules
/// (``ModuleProvider``), native objects (``NativeObject``) and native functions
/// (``NativeFunction``), and watches assignments and calls through a few hooks. Everything else,
/// from integer arithmetic to classes and exceptions, is Python's, with CPython's messages.
///
/// ```swift
/// let ev = Evaluator(file: "k.py")
/// let globals = Scope(root: ScopeArena())
/// try ev.execModule(parseModule(source: "x = [i * i for i in range(4)]\n", file: "k.py"), in: globals)
/// ```
package final class Evaluator {
  /// The file whose code runs (for locations of synthesized errors).
  package let file: String
  /// The bounds of this evaluation.
  package var limits: TraceLimits
  /// When the evaluation must stop (`DispatchTime` nanoseconds).
  package var deadline: UInt64
  /// Statements executed so far.
  package var steps = 0
  /// Nesting depth of Python calls, to turn runaway recursion into an error.
  package var depth = 0
  /// The binding the evaluator runs for.
  package weak var binding: (any Binding)?
  /// The `builtins` namespace: functions, types and constants every module sees.
  package var builtins: [String: Value] = [:]
  /// The built-in classes by name (`int`, `ValueError`, ...).
  package var classes: [String: PyClass] = [:]
  /// What calling a built-in type does (`int("3")`), by type name.
  package var constructors: [String: any NativeFunction] = [:]
  /// Methods of built-in types (`str.join`, `list.append`), by type name then method name.
  package var methods: [String: [String: any NativeFunction]] = [:]
  /// Where `import` finds modules, in order.
  package var moduleProviders: [any ModuleProvider] = []
  /// Modules imported so far, by dotted name.
  package var moduleCache: [String: Value] = [:]
  /// Trace-time numpy's functions (``NumpyModule``), built on first use.
  package var numpyTable: TableModule?
  /// The variable a plain `name = <expr>` statement is assigning while its value is evaluated.
  package var assignmentTarget: String?
  /// Where `print` writes; nil discards its output.
  package weak var printSink: (any PrintSink)?
  /// Where the last `return` statement that ran is.
  package var lastReturnLocation: SourceLocation?
  /// The exceptions being handled by the `except` clauses running now (for a bare `raise`).
  package var handling: [TraceError] = []
  /// The scopes of the Python calls running now, innermost last (for zero-argument `super()`).
  package var frames: [Scope] = []
  /// The generators running now, innermost last (`yield` belongs to the last).
  package var generators: [GeneratorCore] = []
  /// The arena that owns the scopes of imported modules (emptied when the trace ends).
  package var arena: ScopeArena?
  /// The text of every source file the evaluator has loaded, by path (for rendering diagnostics).
  package var sources: [String: String] = [:]

  /// Creates an evaluator with Python's builtins.
  package init(file: String, limits: TraceLimits = TraceLimits(), deadline: UInt64? = nil) {
    self.file = file
    self.limits = limits
    self.deadline = deadline ?? limits.deadline
    installBuiltinClasses()
    installBuiltins()
    moduleProviders = [StandardLibrary()]
  }

  /// Starts a fresh budget of steps and time (the REPL does, for every input).
  package func restartBudget() {
    steps = 0
    deadline = limits.deadline
  }

  /// A built-in class by name; the evaluator installs every one it refers to.
  package func builtinClass(_ name: String) -> PyClass {
    if let c = classes[name] { return c }
    let c = PyClass(builtin: name, base: classes["object"], kind: .object)
    classes[name] = c
    return c
  }

  /// Registers a built-in class.
  package func registerClass(_ c: PyClass) {
    classes[c.name] = c
    builtins[c.name] = .type(c)
  }

  /// Counts one unit of work, failing past the step or time limit.
  @inline(__always)
  package func countStep(at location: SourceLocation) throws(TraceError) {
    steps += 1
    if steps > limits.maxSteps {
      throw TraceError(.resourceLimit(what: "trace steps", limit: limits.maxSteps), at: location)
    }
    if steps & 1023 == 0 && DispatchTime.now().uptimeNanoseconds > deadline {
      throw TraceError(
        .resourceLimit(
          what: "trace wall time of \(limits.maxSeconds) seconds",
          limit: Int(exactly: limits.maxSeconds.rounded(.down)) ?? 0),
        at: location)
    }
  }

  /// Runs a module's statements in `scope`.
  ///
  /// A failing statement stops the module unless
  /// `deferFailures` is set, in which case the names it binds raise its error when used (a
  /// kernel file's host-side code that needs modules Tessel does not provide).
  package func execModule(_ module: Module, in scope: Scope, deferFailures: Bool = false) throws(TraceError) {
    for s in module.statements {
      do {
        _ = try exec(s, scope)
      } catch {
        guard deferFailures else { throw error }
        Evaluator.bindFailure(s, error, scope)
      }
    }
  }

  /// Binds the names a failed statement would have bound to its error.
  package static func bindFailure(_ s: Stmt, _ error: TraceError, _ scope: Scope) {
    func names(_ e: Expr) -> [String] {
      switch e.kind {
      case .name(let n): return [n]
      case .tuple(let xs), .list(let xs): return xs.flatMap(names)
      case .starred(let x): return names(x)
      default: return []
      }
    }
    switch s.kind {
    case .assign(let targets, _): for t in targets { for n in names(t) { scope.bindFailure(n, error) } }
    case .annotatedAssign(let t, _, _): for n in names(t) { scope.bindFailure(n, error) }
    case .augmentedAssign(let t, _, _): for n in names(t) { scope.bindFailure(n, error) }
    case .functionDef(let f): scope.bindFailure(f.name, error)
    case .classDef(let c): scope.bindFailure(c.name, error)
    case .import(let aliases):
      for a in aliases { scope.bindFailure(a.asName ?? String(a.name.split(separator: ".").first ?? ""), error) }
    case .importFrom(_, let aliases, _):
      for a in aliases where a.name != "*" { scope.bindFailure(a.asName ?? a.name, error) }
    default: break
    }
  }

  /// The dotted name of a decorator or attribute expression (`nki.jit`, `nki.jit(...)` → `nki.jit`).
  package static func dottedName(_ e: Expr) -> String {
    switch e.kind {
    case .name(let n): return n
    case .attribute(let b, let n): return dottedName(b) + "." + n
    case .call(let f, _): return dottedName(f)
    default: return ""
    }
  }
}

/// What a binding adds to the evaluator: hooks on assignments and calls.
///
/// Every hook has a default that does nothing, so a binding implements only what it needs.
package protocol Binding: AnyObject {
  /// `name = value` bound a name.
  func didAssign(_ value: Value, to name: String)
  /// A positional argument was bound to a parameter of a Python function.
  func didPassArgument(_ value: Value)
  /// A call of a Python function: a non-nil result replaces running it.
  func interceptCall(
    _ function: PyFunction, _ positional: [Value], _ keywords: [(String, Value)], _ ev: Evaluator,
    at location: SourceLocation
  ) throws(TraceError) -> Value?
  /// `function[key]` (an SPMD launch, `kernel[2, 2]`); nil when not subscriptable.
  func subscriptFunction(_ function: PyFunction, _ key: Value, _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  /// Adds what the binding provides to an evaluator (its module provider, builtins it replaces);
  /// ``Evaluator/activate(_:)`` calls it.
  func install(in ev: Evaluator)
  /// What the binding's functions are, for the error of one called while another binding (or
  /// none) runs: "NKI operations".
  static var operationsDescription: String { get }
  /// Another binding that serves alongside this one, as a `B` (the REPL's current-dialect
  /// binding next to its session's own); nil by default.
  func companion<B: Binding>(as type: B.Type) -> B?
}

extension Evaluator {
  /// Makes `binding` the binding the evaluator runs for, with its modules installed.
  package func activate(_ binding: some Binding) {
    binding.install(in: self)
    self.binding = binding
  }

  /// The binding the evaluator runs for, as a `B`; a located error when the evaluator runs for
  /// another binding or none (`nl.load` called outside a legacy kernel trace).
  package func binding<B: Binding>(as type: B.Type, at location: SourceLocation) throws(TraceError) -> B {
    guard let b = binding as? B ?? binding?.companion(as: B.self) else {
      throw TraceError.unsupported("\(B.operationsDescription) outside a kernel trace", at: location)
    }
    return b
  }
}

extension Binding {
  package func install(in ev: Evaluator) {}
  package func didAssign(_ value: Value, to name: String) {}
  package func didPassArgument(_ value: Value) {}
  package func companion<B: Binding>(as type: B.Type) -> B? { nil }
  package func interceptCall(
    _ function: PyFunction, _ positional: [Value], _ keywords: [(String, Value)], _ ev: Evaluator,
    at location: SourceLocation
  ) throws(TraceError) -> Value? { nil }
  package func subscriptFunction(_ function: PyFunction, _ key: Value, _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  { nil }
}
