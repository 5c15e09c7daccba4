import TesselIR

extension Evaluator {
  // MARK: - Special classes

  /// Finishes a class made by a `class` statement: enumerations and named tuples get their
  /// members and fields; class keywords other than `metaclass` and `total` are refused.
  func finishClass(_ cls: PyClass, keywords: [(String, Value)], at location: SourceLocation) throws(TraceError) {
    for (k, _) in keywords where k != "metaclass" && k != "total" {
      throw TraceError.typeError(.message("\(cls.name).__init_subclass__() takes no keyword arguments"), at: location)
    }
    if cls.bases.contains(where: { $0.role == .namedTupleBase }) {
      var defaults: [String: Value] = [:]
      for f in cls.annotations { if let d = cls.dict[f] { defaults[f] = d } }
      try checkDefaultOrder(cls.annotations, defaults, cls: cls, at: location)
      cls.special = .namedTuple(NamedTupleInfo(fields: cls.annotations, defaults: defaults))
      for f in cls.annotations { cls.dict[f] = nil }
    } else if cls.isEnum && cls.role == nil {
      try makeEnumeration(cls, at: location)
    } else if cls.isRecord {
      // A record takes its fields from the class body without a decorator; `@dataclass` on it
      // reprocesses them with the decorator's settings.
      _ = try DataclassesModule.process(.type(cls), [nil, nil, .bool(false)], self, at: location)
    }
  }

  /// Fields with defaults must come after the fields without.
  func checkDefaultOrder(_ fields: [String], _ defaults: [String: Value], cls: PyClass, at location: SourceLocation)
    throws(TraceError)
  {
    var sawDefault = false
    for f in fields {
      if defaults[f] != nil {
        sawDefault = true
      } else if sawDefault {
        throw TraceError.typeError(.message("non-default argument '\(f)' follows default argument"), at: location)
      }
    }
  }

  /// Builds an `Enum` class's members from the names its body bound, in order.
  func makeEnumeration(_ cls: PyClass, at location: SourceLocation) throws(TraceError) {
    if let base = cls.bases.first(where: { ($0.enumInfo?.names.isEmpty == false) }) {
      throw TraceError.typeError(.message("\(cls.name): cannot extend \(try repr(.type(base)))"), at: location)
    }
    var info = EnumInfo(names: [], members: [:])
    var lastValue: Value = .int(0)
    let valueBase = cls.builtinBase
    for name in cls.order {
      guard !name.hasPrefix("_"), var value = cls.dict[name] else { continue }
      switch value {
      case .function, .builtin, .type: continue
      case .native(let o) where o is StaticMethod || o is ClassMethod || o is PropertyObject: continue
      default: break
      }
      if case .native(let o) = value, o is AutoValue {
        if case .int(let i) = lastValue { value = .int(i + 1) } else { value = .int(1) }
        if valueBase == .str { value = .string(name.lowercased()) }
      }
      if valueBase == .int, case .int = value {
      } else if valueBase == .int {
        value = .int(try intValue(value, at: location))
      }
      lastValue = value
      var alias: String?
      for n in info.names {
        if let m = info.members[n], let v = m.attributes["_value_"], try valuesEqual(v, value) {
          alias = n
          break
        }
      }
      if let existing = alias {
        info.members[name] = info.members[existing]
        cls.dict[name] = info.members[existing].map { .instance($0) }
        continue
      }
      let member = PyInstance(
        cls: cls, attributes: ["_value_": value, "_name_": .string(name), "value": value, "name": .string(name)])
      member.frozen = true
      info.names.append(name)
      info.members[name] = member
      cls.dict[name] = .instance(member)
    }
    cls.special = .enumeration(info)
  }

  /// Calls a class with special behaviour (dataclass, enum, named tuple); nil to instantiate it
  /// as a plain class.
  func instantiateSpecial(
    _ cls: PyClass, _ special: PyClass.Special, _ positional: [Value], _ keywords: [(String, Value)],
    at loc: SourceLocation
  ) throws(TraceError) -> Value? {
    switch special {
    case .enumeration(let info):
      guard positional.count == 1, keywords.isEmpty else {
        throw TraceError.typeError(
          .message("\(cls.name)() takes exactly one argument (the value of a member)"), at: loc)
      }
      let v = positional[0]
      if case .instance(let i) = v, i.cls === cls { return v }
      for n in info.names {
        if let m = info.members[n], let mv = m.attributes["_value_"], try valuesEqual(mv, v) { return .instance(m) }
      }
      throw TraceError.python("ValueError", "\(try repr(v)) is not a valid \(cls.qualifiedName)", at: loc)
    case .namedTuple(let info):
      let specs =
        [ParameterSpec(name: "_cls", kind: .positionalOnly, hasDefault: false)]
        + info.fields.map { ParameterSpec(name: $0, kind: .positionalOrKeyword, hasDefault: info.defaults[$0] != nil) }
      let bound = try ParameterList(named: specs, variadicPositional: false, variadicKeyword: false)
        .bind(function: "\(cls.name).__new__", positional: [.type(cls)] + positional, keywords: keywords, at: loc)
      var items: [Value] = []
      for (i, f) in info.fields.enumerated() { items.append(bound[i + 1] ?? info.defaults[f] ?? .none) }
      return .instance(makeNamedTuple(cls, items))
    case .dataclass(let info):
      // An __init__ defined in the class, or in a base before the nearest dataclass, is kept.
      for c in cls.mro {
        if c.dict["__init__"] != nil {
          if c.builtin == nil { return nil }
          break
        }
        if c.dataclassInfo != nil { break }
      }
      let fields = info.fields.filter(\.inInit)
      let specs = fields.map {
        ParameterSpec(
          name: $0.name, kind: $0.keywordOnly ? .keywordOnly : .positionalOrKeyword,
          hasDefault: $0.defaultValue != nil || $0.defaultFactory != nil)
      }
      let ordered =
        [ParameterSpec(name: "self", kind: .positionalOnly, hasDefault: false)]
        + specs.filter { $0.kind == .positionalOrKeyword } + specs.filter { $0.kind == .keywordOnly }
      let instance = PyInstance(cls: cls)
      let bound = try ParameterList(named: ordered, variadicPositional: false, variadicKeyword: false)
        .bind(
          function: "\(cls.qualifiedName).__init__", positional: [.instance(instance)] + positional, keywords: keywords,
          at: loc)
      for (i, spec) in ordered.enumerated() where i > 0 {
        guard let f = fields.first(where: { $0.name == spec.name }) else { continue }
        if let v = bound[i] {
          instance.attributes[f.name] = v
        } else if let factory = f.defaultFactory {
          instance.attributes[f.name] = try call(factory, [], [], at: loc)
        } else if let d = f.defaultValue {
          instance.attributes[f.name] = d
        }
      }
      for f in info.fields where !f.inInit {
        if let factory = f.defaultFactory {
          instance.attributes[f.name] = try call(factory, [], [], at: loc)
        } else if let d = f.defaultValue {
          instance.attributes[f.name] = d
        }
      }
      instance.frozen = info.frozen
      if let post = try lookupSpecial(instance, "__post_init__") { _ = try call(post, [], [], at: loc) }
      return .instance(instance)
    }
  }

  /// A named tuple instance of `cls` holding `items`.
  package func makeNamedTuple(_ cls: PyClass, _ items: [Value]) -> PyInstance {
    var attributes: [String: Value] = ["_items_": .tuple(items)]
    for (f, v) in zip(cls.namedTupleInfo?.fields ?? [], items) { attributes[f] = v }
    let i = PyInstance(cls: cls, attributes: attributes)
    i.frozen = true
    return i
  }

  /// `repr()` of an instance: its `__repr__`, a dataclass's or named tuple's fields, an enum
  /// member, or `<module.Class object>`.
  func instanceRepr(_ i: PyInstance) throws(TraceError) -> String {
    if let m = try lookupSpecial(i, "__repr__") {
      guard case .string(let s) = try call(m, [], [], at: .unknown) else {
        throw TraceError.typeError(.message("__repr__ returned non-string"), at: .unknown)
      }
      return s
    }
    if i.cls.isException {
      guard case .tuple(let args)? = i.attributes["args"] else { return "\(i.cls.name)()" }
      let inner = try args.map { (x) throws(TraceError) in try repr(x) }.joined(separator: ", ")
      return "\(i.cls.name)(\(inner))"
    }
    if let d = i.cls.dataclassInfo, d.repr {
      var parts: [String] = []
      for f in d.fields where f.inRepr { parts.append("\(f.name)=\(try repr(i.attributes[f.name] ?? .none))") }
      return "\(i.cls.qualifiedName)(\(parts.joined(separator: ", ")))"
    }
    if let n = i.cls.namedTupleInfo {
      var parts: [String] = []
      for f in n.fields { parts.append("\(f)=\(try repr(i.attributes[f] ?? .none))") }
      return "\(i.cls.name)(\(parts.joined(separator: ", ")))"
    }
    if i.cls.enumInfo != nil, case .string(let name)? = i.attributes["_name_"] {
      return "<\(i.cls.name).\(name): \(try repr(i.attributes["_value_"] ?? .none))>"
    }
    return "<\(i.cls.module).\(i.cls.qualifiedName) object>"
  }

  /// `str()` of an enum member: `Color.RED`, or the value for `IntEnum` and `StrEnum`.
  func enumString(_ i: PyInstance) throws(TraceError) -> String? {
    guard i.cls.enumInfo != nil, case .string(let name)? = i.attributes["_name_"] else { return nil }
    switch i.cls.builtinBase {
    case .int, .str: return try str(i.attributes["_value_"] ?? .none)
    default: return "\(i.cls.name).\(name)"
    }
  }

  /// The value an `IntEnum` member (or another int-based instance) stands for in arithmetic.
  func intLike(_ v: Value) -> Value? {
    if case .instance(let i) = v, i.cls.builtinBase == .int, case .int(let x)? = i.attributes["_value_"] {
      return .int(x)
    }
    return nil
  }
}

/// `enum.auto()`: the next member value.
package final class AutoValue: NativeObject {
  package var typeName: String { "auto" }
}
