extension Evaluator {
  /// Installs the built-in types and the exception hierarchy.
  func installBuiltinClasses() {
    let object = PyClass(builtin: "object", base: nil, kind: .object)
    registerClass(object)
    func add(_ name: String, _ kind: PyClass.Builtin, base: PyClass? = nil) -> PyClass {
      let c = PyClass(builtin: name, base: base ?? object, kind: kind)
      registerClass(c)
      return c
    }
    _ = add("type", .type)
    let int = add("int", .int)
    _ = add("bool", .bool, base: int)
    for (n, k) in [
      ("float", PyClass.Builtin.float), ("str", .str), ("tuple", .tuple), ("list", .list), ("dict", .dict),
      ("set", .set),
      ("frozenset", .frozenset), ("range", .range), ("slice", .slice),
    ] {
      _ = add(n, k)
    }
    for (n, k) in [("NoneType", PyClass.Builtin.none), ("function", .function), ("module", .module)] {
      classes[n] = PyClass(builtin: n, base: object, kind: k)
    }
    let base = add("BaseException", .exception)
    let exception = add("Exception", .exception, base: base)
    for n in ["SystemExit", "KeyboardInterrupt", "GeneratorExit"] { _ = add(n, .exception, base: base) }
    let hierarchy: [(String, [String])] = [
      ("ArithmeticError", ["ZeroDivisionError", "OverflowError", "FloatingPointError"]),
      ("LookupError", ["IndexError", "KeyError"]),
      ("ValueError", ["UnicodeError"]),
      ("NameError", ["UnboundLocalError"]),
      ("RuntimeError", ["NotImplementedError", "RecursionError"]),
      ("ImportError", ["ModuleNotFoundError"]),
      ("AttributeError", []), ("TypeError", []), ("AssertionError", []), ("StopIteration", []),
      ("MemoryError", []), ("SyntaxError", ["IndentationError"]), ("OSError", ["FileNotFoundError"]),
      ("EOFError", []),
      ("Warning", ["UserWarning", "DeprecationWarning", "RuntimeWarning", "FutureWarning", "SyntaxWarning"]),
    ]
    for (parent, children) in hierarchy {
      let p = add(parent, .exception, base: exception)
      for c in children { _ = add(c, .exception, base: p) }
    }
    if let attributeError = classes["AttributeError"] {
      let frozen = PyClass(builtin: "FrozenInstanceError", base: attributeError, kind: .exception)
      frozen.module = "dataclasses"
      classes["dataclasses.FrozenInstanceError"] = frozen
    }
    object.dict["__init__"] = .builtin(
      BuiltinFunction("object.__init__(self, /)") { _, _, _ throws(TraceError) in .none })
    base.dict["__init__"] = .builtin(
      BuiltinFunction("BaseException.__init__(self, /, *args)") { a, _, _ throws(TraceError) in
        if case .instance(let i)? = a[0] { i.attributes["args"] = .tuple(a.extraPositional) }
        return .none
      })
    builtins["EnvironmentError"] = classes["OSError"].map { .type($0) }
    builtins["IOError"] = classes["OSError"].map { .type($0) }
  }

  /// The class of any value (`type(v)`): an instance's class, else the built-in class named by
  /// the value's type name.
  package func classOf(_ v: Value) -> PyClass {
    if case .instance(let i) = v { return i.cls }
    return builtinClass(v.typeName)
  }

  /// `isinstance(v, cls)`.
  package func isInstance(_ v: Value, of cls: PyClass) -> Bool {
    if case .native(let o) = v, !(o is PyRange) {
      return o.isInstance(of: cls, self) || classOf(v) === cls
    }
    return classOf(v).isSubclass(of: cls)
  }
}
