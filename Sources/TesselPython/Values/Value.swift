import TesselIR

/// A Python value at trace time.
///
/// Immutable scalars and tuples are stored inline; mutable and identity-bearing objects (lists,
/// dicts, functions, classes, instances, modules) are classes, so that aliasing behaves as in
/// Python. Everything a binding adds (NKI tiles, index grids, masks, dtypes, ...) is a
/// ``NativeObject``, reached through the hooks of that protocol.
package enum Value {
  case none
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)
  case tuple([Value])
  case list(PyList)
  case dict(PyDict)
  case set(PySet)
  case slice(PySlice)
  case ellipsis
  /// A function defined in Python (`def`, `lambda`).
  case function(PyFunction)
  /// A function implemented in Swift, with a Python signature.
  case builtin(any NativeFunction)
  /// A function bound to the object it was looked up on (`obj.method`).
  case method(PyMethod)
  /// A class: a built-in type (`int`, `ValueError`) or a `class` statement's result.
  case type(PyClass)
  /// An instance of a class defined in Python (exceptions included).
  case instance(PyInstance)
  /// A module: Python source, or provided natively by the evaluator or a binding.
  case module(PyModule)
  /// An object provided by the evaluator or a binding (`range`, NKI tiles, dtypes, ...).
  case native(any NativeObject)

  /// The Python type name, for error messages (`int`, `list`, `tile`, a class's name).
  package var typeName: String {
    switch self {
    case .none: "NoneType"
    case .bool: "bool"
    case .int: "int"
    case .float: "float"
    case .string: "str"
    case .tuple: "tuple"
    case .list: "list"
    case .dict: "dict"
    case .set(let s): s.frozen ? "frozenset" : "set"
    case .slice: "slice"
    case .ellipsis: "ellipsis"
    case .function: "function"
    case .builtin: "builtin_function_or_method"
    case .method: "method"
    case .type: "type"
    case .instance(let i): i.cls.name
    case .module: "module"
    case .native(let o): o.typeName
    }
  }

  /// Whether this is `None`.
  package var isNone: Bool {
    if case .none = self { return true }
    return false
  }

  /// The native object of a given type, if this is one.
  package func native<T: NativeObject>(_ type: T.Type) -> T? {
    if case .native(let o) = self { return o as? T }
    return nil
  }
}

/// A mutable Python list.
package final class PyList {
  package var items: [Value]
  package init(_ items: [Value]) { self.items = items }
}

/// A Python slice object `start:stop:step` (any part may be `None`).
package final class PySlice {
  package let lower: Value
  package let upper: Value
  package let step: Value
  package init(lower: Value, upper: Value, step: Value) {
    self.lower = lower
    self.upper = upper
    self.step = step
  }
}

/// A function bound to the object it was looked up on: calling it passes the object first.
package final class PyMethod {
  /// The object (`self`), or the class for a class method.
  package let receiver: Value
  /// The function.
  package let function: Value
  package init(receiver: Value, function: Value) {
    self.receiver = receiver
    self.function = function
  }
}

/// A function defined in Python: its syntax, the scope it closes over and its evaluated defaults.
package final class PyFunction {
  package enum Body {
    case statements([Stmt])
    case expression(Expr)
  }

  package var name: String
  /// The qualified name CPython prints in messages (`C.method`, `outer.<locals>.inner`).
  package var qualifiedName: String
  package let parameters: Parameters
  /// The parameters as the argument binder sees them.
  package let specs: [ParameterSpec]
  package let body: Body
  package let closure: Scope
  /// Default values by parameter name, evaluated when the `def` ran.
  package var defaults: [String: Value]
  /// The dotted names of the decorators (`nki.jit`), outermost first.
  package let decorators: [String]
  package let location: SourceLocation
  /// Whether the body contains `yield` (calling it makes a generator).
  package let isGenerator: Bool
  /// Attributes set on the function object (`f.__wrapped__ = ...`, `f.attr = 1`).
  package var attributes: [String: Value] = [:]
  /// The class whose body defined the function (for zero-argument `super()`).
  package weak var owner: PyClass?
  /// The parameters, prepared for argument binding.
  package var parameterList: ParameterList {
    ParameterList(
      named: specs, variadicPositional: parameters.variadic != nil, variadicKeyword: parameters.keywordVariadic != nil)
  }

  package init(
    name: String, qualifiedName: String, parameters: Parameters, body: Body, closure: Scope,
    defaults: [String: Value], decorators: [String], location: SourceLocation, isGenerator: Bool = false
  ) {
    self.name = name
    self.qualifiedName = qualifiedName
    self.parameters = parameters
    specs = ParameterSpec.from(parameters)
    self.body = body
    self.closure = closure
    self.defaults = defaults
    self.decorators = decorators
    self.location = location
    self.isGenerator = isGenerator
  }
}

/// A module object: the globals of a Python file, or attributes provided natively.
package final class PyModule {
  /// The dotted name (`numpy`, `neuronxcc.nki.language`, `mypkg.util`).
  package let name: String
  /// The module's globals (Python modules), or attributes cached from ``native``.
  package let scope: Scope
  /// The provider of the module's attributes, for native modules.
  package let native: (any NativeModule)?

  package init(name: String, scope: Scope, native: (any NativeModule)? = nil) {
    self.name = name
    self.scope = scope
    self.native = native
  }
}
