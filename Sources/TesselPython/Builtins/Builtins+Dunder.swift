import TesselIR

extension Evaluator {
  /// The special methods of the built-in types and of `object`, called by name.
  ///
  /// Kernels call them explicitly: `sorted(range(n), key=seq.__getitem__)`,
  /// `object.__setattr__(self, 'x', v)` in a frozen dataclass's `__post_init__`,
  /// `int.__add__(a, b)`. Each one is the evaluator's own operation (subscript, `len`, `in`, the
  /// operators), so the explicit spelling and the syntax agree. As in CPython, a method of one
  /// type refuses a receiver of another (`list.__getitem__(t, 0)` with a tuple is a TypeError),
  /// and a number's operator method given an operand of another type returns `NotImplemented`.
  func installDunderMethods() {
    installObjectDunders()
    let containers = ["str", "tuple", "list", "dict", "set", "frozenset"]
    for t in containers {
      dunder(t, "__len__(self, /)") { s, _, ev, loc throws(TraceError) in .int(try ev.length(s, at: loc)) }
      dunder(t, "__contains__(self, key, /)") { s, a, ev, loc throws(TraceError) in
        .bool(try ev.contains(s, a[1] ?? .none, at: loc))
      }
      dunder(t, "__iter__(self, /)") { s, _, ev, loc throws(TraceError) in
        try ev.call(ev.builtins["iter"] ?? .none, [s], [], at: loc)
      }
    }
    for t in ["str", "tuple", "list", "dict"] {
      dunder(t, "__getitem__(self, key, /)") { s, a, ev, loc throws(TraceError) in
        try ev.getItem(s, a[1] ?? .none, at: loc)
      }
    }
    for t in ["list", "dict"] {
      dunder(t, "__setitem__(self, key, value, /)") { s, a, ev, loc throws(TraceError) in
        try ev.setItem(s, a[1] ?? .none, a[2] ?? .none, at: loc)
        return .none
      }
      dunder(t, "__delitem__(self, key, /)") { s, a, ev, loc throws(TraceError) in
        try ev.deleteItem(s, a[1] ?? .none, at: loc)
        return .none
      }
    }
    for t in ["int", "float", "bool"] {
      dunder(t, "__bool__(self, /)") { s, _, ev, loc throws(TraceError) in .bool(try ev.truth(s, at: loc)) }
    }
    for t in containers + ["int", "float", "bool"] {
      dunder(t, "__repr__(self, /)") { s, _, ev, _ throws(TraceError) in .string(try ev.repr(s)) }
      dunder(t, "__str__(self, /)") { s, _, ev, _ throws(TraceError) in .string(try ev.str(s)) }
      for (op, (name, _)) in Evaluator.comparisonDunder {
        dunder(t, "\(name)(self, value, /)") { s, a, ev, loc throws(TraceError) in
          let other = a[1] ?? .none
          guard ev.sameOperandFamily(s, other) else { return ev.builtins["NotImplemented"] ?? .none }
          return try ev.compare(op, s, other, at: loc)
        }
      }
    }
    for t in ["str", "tuple", "int", "float", "bool", "frozenset"] {
      dunder(t, "__hash__(self, /)") { s, _, ev, loc throws(TraceError) in
        try ev.call(ev.builtins["hash"] ?? .none, [s], [], at: loc)
      }
    }
    for (op, (name, reflected)) in Evaluator.dunder {
      for t in ["int", "float", "bool"] {
        dunder(t, "\(name)(self, value, /)") { s, a, ev, loc throws(TraceError) in
          let other = a[1] ?? .none
          guard ev.sameOperandFamily(s, other) else { return ev.builtins["NotImplemented"] ?? .none }
          return try ev.binary(op, s, other, at: loc)
        }
        dunder(t, "\(reflected)(self, value, /)") { s, a, ev, loc throws(TraceError) in
          let other = a[1] ?? .none
          guard ev.sameOperandFamily(s, other) else { return ev.builtins["NotImplemented"] ?? .none }
          return try ev.binary(op, other, s, at: loc)
        }
      }
    }
    for t in ["str", "tuple", "list"] {
      dunder(t, "__add__(self, value, /)") { s, a, ev, loc throws(TraceError) in
        try ev.binary(.add, s, a[1] ?? .none, at: loc)
      }
      dunder(t, "__mul__(self, value, /)") { s, a, ev, loc throws(TraceError) in
        try ev.binary(.multiply, s, a[1] ?? .none, at: loc)
      }
    }
    for (t, unaries) in [
      ("int", ["__neg__", "__pos__", "__invert__", "__abs__"]), ("float", ["__neg__", "__pos__", "__abs__"]),
    ] {
      for name in unaries {
        dunder(t, "\(name)(self, /)") { s, _, ev, loc throws(TraceError) in
          switch name {
          case "__neg__": return try ev.unary(.negate, s, at: loc)
          case "__pos__": return try ev.unary(.plus, s, at: loc)
          case "__invert__": return try ev.unary(.invert, s, at: loc)
          default: return try ev.call(ev.builtins["abs"] ?? .none, [s], [], at: loc)
          }
        }
      }
      dunder(t, "__int__(self, /)") { s, _, ev, loc throws(TraceError) in
        try ev.call(.type(ev.builtinClass("int")), [s], [], at: loc)
      }
      dunder(t, "__float__(self, /)") { s, _, ev, loc throws(TraceError) in
        .float(try ev.floatValue(s, at: loc))
      }
    }
    dunder("int", "__index__(self, /)") { s, _, ev, loc throws(TraceError) in .int(try ev.intValue(s, at: loc)) }
  }

  /// `object.__setattr__`, `__getattribute__` and `__delattr__`: attribute access that skips the
  /// class's own hooks (a frozen dataclass's `__setattr__` refusal included), as in CPython.
  private func installObjectDunders() {
    let object = builtinClass("object")
    object.dict["__setattr__"] = .builtin(
      BuiltinFunction("object.__setattr__(self, name, value, /)") { a, ev, loc throws(TraceError) in
        let receiver = a[0] ?? .none
        let name = try ev.attributeName(a[1] ?? .none, at: loc)
        if case .instance(let i) = receiver {
          if let (x, _) = i.cls.lookup(name), case .native(let o) = x, o is PropertyObject {
            try ev.setAttribute(receiver, name, a[2] ?? .none, at: loc)
          } else {
            i.attributes[name] = a[2] ?? Value.none
          }
          return .none
        }
        try ev.setAttribute(receiver, name, a[2] ?? .none, at: loc)
        return .none
      })
    object.dict["__getattribute__"] = .builtin(
      BuiltinFunction("object.__getattribute__(self, name, /)") { a, ev, loc throws(TraceError) in
        try ev.attribute(a[0] ?? .none, try ev.attributeName(a[1] ?? .none, at: loc), at: loc)
      })
    object.dict["__delattr__"] = .builtin(
      BuiltinFunction("object.__delattr__(self, name, /)") { a, ev, loc throws(TraceError) in
        let receiver = a[0] ?? .none
        let name = try ev.attributeName(a[1] ?? .none, at: loc)
        guard case .instance(let i) = receiver, i.attributes.removeValue(forKey: name) != nil else {
          throw TraceError.python("AttributeError", .noAttribute(type: receiver.typeName, name: name), at: loc)
        }
        return .none
      })
  }

  /// The attribute name argument of `setattr`-like functions: a string, else CPython's TypeError.
  func attributeName(_ v: Value, at loc: SourceLocation) throws(TraceError) -> String {
    guard case .string(let s) = v else {
      throw TraceError.typeError(.message("attribute name must be string, not '\(v.typeName)'"), at: loc)
    }
    return s
  }

  /// Whether an operator method of `receiver`'s type handles `other` rather than returning
  /// `NotImplemented`: `int` takes integers, `float` takes numbers, the others their own type.
  func sameOperandFamily(_ receiver: Value, _ other: Value) -> Bool {
    switch (receiver, other) {
    case (.int, .int), (.int, .bool), (.bool, .int), (.bool, .bool): return true
    case (.float, .int), (.float, .bool), (.float, .float): return true
    case (.int, _), (.bool, _), (.float, _): return false
    case (.set, .set): return true
    default: return receiver.typeName == other.typeName
    }
  }

  /// Registers the special method `signature` of built-in type `type`, checking its receiver.
  private func dunder(
    _ type: String, _ signature: String,
    _ body: @escaping (Value, BoundArguments, Evaluator, SourceLocation) throws(TraceError) -> Value
  ) {
    method(type, signature) { a, ev, loc throws(TraceError) in
      let receiver = a[0] ?? .none
      guard ev.isInstance(receiver, of: ev.builtinClass(type)) else {
        let name = String(signature.prefix { $0 != "(" })
        let methodDescriptors: Set = [
          "list.__getitem__", "dict.__getitem__", "dict.__contains__", "set.__contains__",
          "frozenset.__contains__",
        ]
        throw TraceError.typeError(
          .message(
            methodDescriptors.contains(type + "." + name)
              ? "descriptor '\(name)' for '\(type)' objects doesn't apply to a '\(receiver.typeName)' object"
              : "descriptor '\(name)' requires a '\(type)' object but received a '\(receiver.typeName)'"),
          at: loc)
      }
      return try body(receiver, a, ev, loc)
    }
  }
}
