import TesselIR

/// A native module whose attributes are a table built once per evaluator.
package final class TableModule: NativeModule {
  package let name: String
  package var table: [String: Value]

  package init(_ name: String, _ table: [String: Value] = [:]) {
    self.name = name
    self.table = table
  }

  package func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    table[name]
  }

  package var attributeNames: [String] { Array(table.keys) }

  /// Adds a function with a Python signature; the signature's last dotted component is its name.
  package func define(_ signature: String, _ body: @escaping BuiltinFunction.Body) {
    let f = BuiltinFunction(name + "." + signature, body)
    table[String(f.signature.name.dropFirst(name.count + 1))] = .builtin(f)
  }

  /// The module as a value.
  package var value: Value { .module(PyModule(name: name, scope: Scope(parent: nil), native: self)) }
}

/// The parts of Python's standard library that kernels use at trace time, implemented in Swift.
package final class StandardLibrary: ModuleProvider {
  package init() {}

  package func module(named name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    switch name {
    case "math": return MathModule.make().value
    case "numpy": return NumpyModule.table(ev).value
    case "typing", "typing_extensions": return TypingModule.make(name, ev).value
    case "dataclasses": return DataclassesModule.make(ev).value
    case "enum": return EnumModule.make(ev).value
    case "collections": return CollectionsModule.make(ev).value
    case "collections.abc": return TypingModule.make(name, ev).value
    case "functools": return FunctoolsModule.make(ev).value
    case "itertools": return ItertoolsModule.make().value
    case "operator": return OperatorModule.make().value
    case "copy": return CopyModule.make().value
    case "abc": return SmallModules.abc(ev).value
    case "os": return SmallModules.os().value
    case "os.path": return SmallModules.osPath().value
    case "sys": return SmallModules.sys().value
    case "warnings": return SmallModules.warnings().value
    case "types": return SmallModules.types().value
    case "logging": return LoggingModule.make().value
    case "gc":
      let m = TableModule("gc")
      m.define("collect(generation=2)") { _, _, _ throws(TraceError) in .int(0) }
      return m.value
    default: return nil
    }
  }
}

/// `typing`: annotations are inert at trace time.
enum TypingModule {
  static func make(_ name: String, _ ev: Evaluator) -> TableModule {
    let m = TableModule(name)
    let namedTuple = PyClass(builtin: "NamedTuple", base: ev.builtinClass("tuple"), kind: .tuple)
    namedTuple.role = .namedTupleBase
    namedTuple.module = name
    for n in [
      "Any", "Optional", "Union", "List", "Tuple", "Dict", "Set", "FrozenSet", "Callable", "Sequence", "Iterable",
      "Iterator", "Mapping", "MutableMapping", "Type", "Generic", "Protocol", "Literal", "Final", "ClassVar",
      "Annotated",
      "Generator", "Hashable", "Sized", "Collection", "AbstractSet", "MutableSequence", "Deque", "DefaultDict",
      "OrderedDict", "Counter", "NoReturn", "Never", "Self", "TypeAlias", "ParamSpec", "Concatenate",
    ] {
      m.table[n] = .native(InertAnnotation(n))
    }
    m.table["TYPE_CHECKING"] = .bool(false)
    m.table["NamedTuple"] = .type(namedTuple)
    m.define("TypeVar(name, *constraints, **kwargs)") { a, _, _ throws(TraceError) in
      if case .string(let n)? = a[0] { return .native(InertAnnotation(n)) }
      return .native(InertAnnotation("TypeVar"))
    }
    m.define("NewType(name, tp, /)") { a, _, _ throws(TraceError) in
      .builtin(BuiltinFunction("NewType(x, /)") { b, _, _ throws(TraceError) in b[0] ?? .none })
    }
    m.define("cast(typ, val, /)") { a, _, _ throws(TraceError) in a[1] ?? .none }
    m.define("overload(func, /)") { a, _, _ throws(TraceError) in a[0] ?? .none }
    m.define("final(f, /)") { a, _, _ throws(TraceError) in a[0] ?? .none }
    m.define("no_type_check(f, /)") { a, _, _ throws(TraceError) in a[0] ?? .none }
    m.define("runtime_checkable(cls, /)") { a, _, _ throws(TraceError) in a[0] ?? .none }
    m.define("get_type_hints(obj, /)") { _, _, _ throws(TraceError) in .dict(PyDict()) }
    return m
  }
}

/// A typing construct (`Optional[int]`, `List`): subscripting and `|` give it back; it is only
/// ever an annotation.
package final class InertAnnotation: NativeObject {
  let name: String
  package init(_ name: String) { self.name = name }
  package var typeName: String { "typing.\(name)" }
  package func getItem(_ key: Value, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    .native(self)
  }
  package func binary(
    _ op: BinaryOperator, _ other: Value, reflected: Bool, _ ev: Evaluator, at location: SourceLocation
  ) throws(TraceError) -> Value? {
    op == .bitwiseOr ? .native(self) : nil
  }
  package func repr(_ ev: Evaluator) throws(TraceError) -> String { "typing.\(name)" }
  package func isInstance(of cls: PyClass, _ ev: Evaluator) -> Bool { false }
}
