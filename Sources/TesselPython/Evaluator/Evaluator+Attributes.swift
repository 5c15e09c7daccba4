import TesselIR

extension Evaluator {
  // MARK: - Attributes

  /// `v.name`.
  package func attribute(_ v: Value, _ name: String, at loc: SourceLocation) throws(TraceError) -> Value {
    switch v {
    case .module(let m):
      if let x = try moduleAttribute(m, name, at: loc) { return x }
      throw TraceError.python("AttributeError", .moduleHasNoAttribute(module: m.name, name: name), at: loc)
    case .native(let o):
      if let x = try o.attribute(name, self, at: loc) { return x }
    case .instance(let i):
      if let x = i.attributes[name] { return x }
      if let (x, _) = i.cls.lookup(name) { return try bindAttribute(x, to: v, cls: i.cls, at: loc) }
      if let x = try specialAttribute(i, name, at: loc) { return x }
      switch name {
      case "__class__": return .type(i.cls)
      case "__dict__":
        let d = PyDict()
        for (k, x) in i.attributes.sorted(by: { $0.key < $1.key }) { d.set(.string(k), .string(k), x) }
        return .dict(d)
      default: break
      }
      if let (getattr, _) = i.cls.lookup("__getattr__") {
        return try call(try bindAttribute(getattr, to: v, cls: i.cls, at: loc), [.string(name)], [], at: loc)
      }
    case .type(let c):
      if let (x, _) = c.lookup(name) {
        if case .native(let o) = x, let cm = o as? ClassMethod {
          return .method(PyMethod(receiver: v, function: cm.function))
        }
        if case .native(let o) = x, let sm = o as? StaticMethod { return sm.function }
        return x
      }
      if let n = c.namedTupleInfo {
        switch name {
        case "_fields": return .tuple(n.fields.map { .string($0) })
        case "_field_defaults":
          let d = PyDict()
          for f in n.fields { if let x = n.defaults[f] { d.set(.string(f), .string(f), x) } }
          return .dict(d)
        case "_make":
          return .builtin(
            BuiltinFunction("\(c.name)._make(iterable, /)") { a, ev, loc throws(TraceError) in
              .instance(ev.makeNamedTuple(c, try ev.iterate(a[0] ?? .none, at: loc)))
            })
        default: break
        }
      }
      if let e = c.enumInfo, name == "__members__" {
        let d = PyDict()
        for (k, m) in e.members.sorted(by: { $0.key < $1.key }) { d.set(.string(k), .string(k), .instance(m)) }
        return .dict(d)
      }
      switch name {
      case "__name__": return .string(c.name)
      case "__qualname__": return .string(c.qualifiedName)
      case "__module__": return .string(c.module)
      case "__mro__": return .tuple(c.mro.map { .type($0) })
      case "__bases__": return .tuple(c.bases.map { .type($0) })
      default: break
      }
      if let m = methods[c.name]?[name] { return .builtin(m) }
      throw TraceError.python("AttributeError", .classHasNoAttribute(class: c.name, name: name), at: loc)
    case .function(let f):
      switch name {
      case "__name__": return .string(f.name)
      case "__qualname__": return .string(f.qualifiedName)
      case "__doc__": return .none
      case "__module__": return .string(file)
      default: if let x = f.attributes[name] { return x }
      }
    case .builtin(let b):
      if name == "__name__" { return .string(String(b.signature.name.split(separator: ".").last ?? "")) }
      if name == "__qualname__" { return .string(b.signature.name) }
    case .method(let m):
      switch name {
      case "__self__": return m.receiver
      case "__func__": return m.function
      default: return try attribute(m.function, name, at: loc)
      }
    default:
      if let m = methods[v.typeName]?[name] { return .method(PyMethod(receiver: v, function: .builtin(m))) }
      switch (v, name) {
      case (.int(let i), "real"), (.int(let i), "numerator"): return .int(i)
      case (.int, "imag"): return .int(0)
      case (.int, "denominator"): return .int(1)
      case (.float(let f), "real"): return .float(f)
      case (.float, "imag"): return .float(0)
      case (.slice(let s), "start"): return s.lower
      case (.slice(let s), "stop"): return s.upper
      case (.slice(let s), "step"): return s.step
      default: break
      }
    }
    throw TraceError.python("AttributeError", .noAttribute(type: v.typeName, name: name), at: loc)
  }

  /// An attribute of a module: its globals, then its native provider, then an imported submodule.
  package func moduleAttribute(_ m: PyModule, _ name: String, at loc: SourceLocation) throws(TraceError) -> Value? {
    if let x = try m.scope.lookup(name) { return x }
    if let n = m.native, let x = try n.attribute(name, self, at: loc) {
      m.scope.names[name] = x
      return x
    }
    if let sub = moduleCache[m.name + "." + name] { return sub }
    return nil
  }

  /// `v.name = value`.
  package func setAttribute(_ v: Value, _ name: String, _ value: Value, at loc: SourceLocation) throws(TraceError) {
    switch v {
    case .instance(let i):
      if let (hook, owner) = i.cls.lookup("__setattr__"), owner.builtin == nil {
        _ = try call(try bindAttribute(hook, to: v, cls: i.cls, at: loc), [.string(name), value], [], at: loc)
        return
      }
      if let (x, _) = i.cls.lookup(name), case .native(let o) = x, let p = o as? PropertyObject {
        guard let setter = p.setter else {
          throw TraceError.python(
            "AttributeError", "property '\(name)' of '\(i.cls.name)' object has no setter", at: loc)
        }
        _ = try call(setter, [v, value], [], at: loc)
        return
      }
      if i.frozen {
        if i.cls.dataclassInfo != nil {
          throw TraceError.python("dataclasses.FrozenInstanceError", "cannot assign to field '\(name)'", at: loc)
        }
        throw TraceError.python("AttributeError", "can't set attribute", at: loc)
      }
      i.attributes[name] = value
      return
    case .type(let c) where c.builtin == nil:
      c.dict[name] = value
      return
    case .module(let m):
      m.scope.names[name] = value
      return
    case .function(let f):
      f.attributes[name] = value
      return
    case .native(let o):
      if try o.setAttribute(name, value, self, at: loc) { return }
    default: break
    }
    throw TraceError.python(
      "AttributeError", "'\(v.typeName)' object attribute '\(name)' is read-only or does not exist", at: loc)
  }
}

extension Evaluator {
  /// Attributes that named tuples and dataclasses have without defining them.
  func specialAttribute(_ i: PyInstance, _ name: String, at loc: SourceLocation) throws(TraceError) -> Value? {
    if let n = i.cls.namedTupleInfo {
      switch name {
      case "_fields": return .tuple(n.fields.map { .string($0) })
      case "_asdict":
        return .builtin(
          BuiltinFunction("\(i.cls.name)._asdict()") { _, _, _ throws(TraceError) in
            let d = PyDict()
            for f in n.fields { d.set(.string(f), .string(f), i.attributes[f] ?? .none) }
            return .dict(d)
          })
      case "_replace":
        return .builtin(
          BuiltinFunction("\(i.cls.name)._replace(**kwargs)") { a, ev, loc throws(TraceError) in
            var items: [Value] = []
            for f in n.fields { items.append(i.attributes[f] ?? .none) }
            for (k, v) in a.extraKeywords {
              guard let j = n.fields.firstIndex(of: k) else {
                throw TraceError.python("ValueError", "Got unexpected field names: ['\(k)']", at: loc)
              }
              items[j] = v
            }
            return .instance(ev.makeNamedTuple(i.cls, items))
          })
      default: break
      }
    }
    return nil
  }
}
