import TesselIR

extension Evaluator {
  // MARK: - Calls

  /// Calls a callable value with evaluated arguments.
  package func call(_ f: Value, _ positional: [Value], _ keywords: [(String, Value)], at loc: SourceLocation)
    throws(TraceError) -> Value
  {
    switch f {
    case .function(let fn):
      if let b = binding, let v = try b.interceptCall(fn, positional, keywords, self, at: loc) { return v }
      return try callFunction(fn, positional, keywords, at: loc)
    case .builtin(let b):
      let bound = try b.parameterList.bind(
        function: b.signature.name, positional: positional, keywords: keywords, at: loc)
      return try b.call(bound, self, at: loc)
    case .method(let m):
      return try call(m.function, [m.receiver] + positional, keywords, at: loc)
    case .type(let c):
      return try instantiate(c, positional, keywords, at: loc)
    case .native(let o):
      if let v = try o.call(positional, keywords, self, at: loc) { return v }
    case .instance(let i):
      if let m = try lookupSpecial(i, "__call__") { return try call(m, positional, keywords, at: loc) }
    default: break
    }
    throw TraceError.typeError(.notCallable(type: f.typeName), at: loc)
  }

  /// Runs a Python function (inlined: its instructions land where it is called).
  package func callFunction(
    _ fn: PyFunction, _ positional: [Value], _ keywords: [(String, Value)], at loc: SourceLocation
  )
    throws(TraceError) -> Value
  {
    depth += 1
    defer { depth -= 1 }
    if depth > 200 {
      throw TraceError.python("RecursionError", "maximum recursion depth exceeded in \(fn.name)", at: loc)
    }
    let bound = try fn.parameterList.bind(
      function: fn.qualifiedName, positional: positional, keywords: keywords, at: loc)
    let scope = Scope(parent: fn.closure)
    scope.function = fn
    scope.qualifiedPrefix = fn.qualifiedName + ".<locals>"
    let b = binding
    for (i, spec) in fn.specs.enumerated() {
      if let v = bound.slots[i] {
        if i < positional.count && spec.kind != .keywordOnly { b?.didPassArgument(v) }
        scope.names[spec.name] = v
      } else if let d = fn.defaults[spec.name] {
        scope.names[spec.name] = d
      }
    }
    if let v = fn.parameters.variadic { scope.names[v.name] = .tuple(bound.extraPositional) }
    if let kv = fn.parameters.keywordVariadic {
      let d = PyDict()
      for (k, v) in bound.extraKeywords { d.set(.string(k), .string(k), v) }
      scope.names[kv.name] = .dict(d)
    }
    if fn.isGenerator { return .native(PyGenerator(function: fn, scope: scope, evaluator: self)) }
    frames.append(scope)
    defer { frames.removeLast() }
    switch fn.body {
    case .expression(let e):
      return try eval(e, scope)
    case .statements(let body):
      if case .returned(let v) = try exec(body, scope) { return v }
      return .none
    }
  }

  /// Calls a class: a built-in type converts, an exception class makes an exception, a Python
  /// class makes an instance and runs its `__init__`.
  package func instantiate(_ cls: PyClass, _ positional: [Value], _ keywords: [(String, Value)], at loc: SourceLocation)
    throws(TraceError) -> Value
  {
    if let special = cls.special {
      if let v = try instantiateSpecial(cls, special, positional, keywords, at: loc) { return v }
    }
    if cls.role == .namedTupleBase {
      // `NamedTuple("P", [("x", int), ("y", int)])`.
      guard let nameValue = positional.first, case .string(let name) = nameValue else {
        throw TraceError.typeError(.message("NamedTuple() needs a type name and its fields"), at: loc)
      }
      var fields: [String] = []
      for f in try iterate(positional.count > 1 ? positional[1] : .list(PyList([])), at: loc) {
        fields.append(try str(try iterate(f, at: loc).first ?? .none))
      }
      fields += keywords.map(\.0)
      return .type(makeNamedTupleClass(name, fields, [:], at: loc))
    }
    let abstract = cls.mro.flatMap { c in
      c.dict.compactMap { (k, v) -> String? in
        guard case .function(let f) = v, f.attributes["__isabstractmethod__"] != nil,
          let (resolved, _) = cls.lookup(k), case .function(let r) = resolved, r === f
        else { return nil }
        return k
      }
    }
    if !abstract.isEmpty {
      let names = Array(Set(abstract)).sorted()
      throw TraceError.typeError(
        .message(
          "Can't instantiate abstract class \(cls.name) with abstract method\(names.count == 1 ? "" : "s") \(names.joined(separator: ", "))"
        ),
        at: loc)
    }
    if let b = cls.builtin, b != .exception {
      guard let ctor = constructors[cls.name] else {
        throw TraceError.typeError(.message("cannot create '\(cls.name)' instances"), at: loc)
      }
      return try call(.builtin(ctor), positional, keywords, at: loc)
    }
    let instance = PyInstance(cls: cls)
    if cls.isException { instance.attributes["args"] = .tuple(positional) }
    if let (initializer, owner) = cls.lookup("__init__"), owner.builtin == nil {
      let r = try call(
        try bindAttribute(initializer, to: .instance(instance), cls: cls, at: loc), positional, keywords, at: loc)
      guard case .none = r else {
        throw TraceError.typeError(.message("__init__() should return None, not '\(r.typeName)'"), at: loc)
      }
    } else if !cls.isException && (!positional.isEmpty || !keywords.isEmpty) {
      throw TraceError.typeError(.message("\(cls.name)() takes no arguments"), at: loc)
    } else if cls.isException && !keywords.isEmpty {
      throw TraceError.typeError(.arguments(function: cls.name, problem: .noKeywords), at: loc)
    }
    if let d = cls.dataclassInfo, d.frozen { instance.frozen = true }
    return .instance(instance)
  }

  /// The special method `name` of an instance's class, bound to the instance; nil when absent.
  package func lookupSpecial(_ i: PyInstance, _ name: String) throws(TraceError) -> Value? {
    guard let (v, _) = i.cls.lookup(name) else { return nil }
    return try bindAttribute(v, to: .instance(i), cls: i.cls, at: .unknown)
  }

  /// A class attribute as seen through an instance: functions bind to it, static and class
  /// methods unwrap, properties run their getter.
  package func bindAttribute(_ v: Value, to receiver: Value, cls: PyClass, at loc: SourceLocation) throws(TraceError)
    -> Value
  {
    switch v {
    case .function, .builtin: return .method(PyMethod(receiver: receiver, function: v))
    case .native(let o):
      if let s = o as? StaticMethod { return s.function }
      if let c = o as? ClassMethod { return .method(PyMethod(receiver: .type(cls), function: c.function)) }
      if let p = o as? PropertyObject {
        guard let getter = p.getter else {
          throw TraceError.python(
            "AttributeError", "property '\(p.name)' of '\(cls.name)' object has no getter", at: loc)
        }
        let v = try call(getter, [receiver], [], at: loc)
        if p.cached, case .instance(let i) = receiver { i.attributes[p.name] = v }
        return v
      }
      return v
    default: return v
    }
  }
}

/// `@staticmethod`: a function stored in a class that does not bind to instances.
package final class StaticMethod: NativeObject {
  package let function: Value
  package init(_ function: Value) { self.function = function }
  package var typeName: String { "staticmethod" }
  package func call(_ positional: [Value], _ keywords: [(String, Value)], _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  { try ev.call(function, positional, keywords, at: location) }
}

/// `@classmethod`: a function stored in a class that binds to the class.
package final class ClassMethod: NativeObject {
  package let function: Value
  package init(_ function: Value) { self.function = function }
  package var typeName: String { "classmethod" }
}

/// `@property`: a computed attribute, with an optional setter (`functools.cached_property`
/// stores the first result in the instance).
package final class PropertyObject: NativeObject {
  package let name: String
  package let getter: Value?
  package let setter: Value?
  package let cached: Bool
  package init(name: String, getter: Value?, setter: Value?, cached: Bool = false) {
    self.name = name
    self.getter = getter
    self.setter = setter
    self.cached = cached
  }
  package var typeName: String { "property" }
  package func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    switch name {
    case "setter":
      return .builtin(
        BuiltinFunction("setter(fset, /)") { [self] a, _, _ throws(TraceError) in
          .native(PropertyObject(name: self.name, getter: self.getter, setter: a[0]))
        })
    case "getter":
      return .builtin(
        BuiltinFunction("getter(fget, /)") { [self] a, _, _ throws(TraceError) in
          .native(PropertyObject(name: self.name, getter: a[0], setter: self.setter))
        })
    case "fget": return getter ?? Value.none
    case "fset": return setter ?? Value.none
    default: return nil
    }
  }
}
