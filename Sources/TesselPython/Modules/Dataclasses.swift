import TesselIR

/// `dataclasses`: `@dataclass` (generated `__init__`, `__repr__`, `__eq__`, ordering, `frozen`,
/// `__post_init__`), `field`, `fields`, `asdict`, `astuple`, `replace`, `is_dataclass`.
enum DataclassesModule {
  static func make(_ ev: Evaluator) -> TableModule {
    let m = TableModule("dataclasses")
    m.table["MISSING"] = .native(MissingValue())
    if let frozen = ev.classes["dataclasses.FrozenInstanceError"] { m.table["FrozenInstanceError"] = .type(frozen) }
    let options =
      "*, init=True, repr=True, eq=True, order=False, unsafe_hash=False, frozen=False, match_args=True, kw_only=False, slots=False"
    m.define("dataclass(cls=None, /, \(options))") { a, ev, loc throws(TraceError) in
      let settings = Array(a.slots.dropFirst())
      if let c = a[0], !c.isNone {
        return try DataclassesModule.process(c, settings, ev, at: loc)
      }
      return .builtin(
        BuiltinFunction("dataclass(cls, /)") { b, ev, loc throws(TraceError) in
          try DataclassesModule.process(b[0] ?? .none, settings, ev, at: loc)
        })
    }
    m.define(
      "field(*, default=MISSING, default_factory=MISSING, init=True, repr=True, hash=None, compare=True, metadata=None, kw_only=False)"
    ) {
      a, ev, loc throws(TraceError) in
      let spec = FieldSpec()
      spec.defaultValue = a[0].flatMap { $0.native(MissingValue.self) == nil ? $0 : nil }
      spec.defaultFactory = a[1].flatMap { $0.native(MissingValue.self) == nil ? $0 : nil }
      if spec.defaultValue != nil && spec.defaultFactory != nil {
        throw TraceError.python("ValueError", "cannot specify both default and default_factory", at: loc)
      }
      spec.inInit = try ev.truth(a[2] ?? .bool(true), at: loc)
      spec.inRepr = try ev.truth(a[3] ?? .bool(true), at: loc)
      spec.inCompare = try ev.truth(a[5] ?? .bool(true), at: loc)
      spec.keywordOnly = try ev.truth(a[7] ?? .bool(false), at: loc)
      return .native(spec)
    }
    m.define("fields(class_or_instance)") { a, ev, loc throws(TraceError) in
      let info = try DataclassesModule.info(a[0] ?? .none, "fields", ev, at: loc)
      return .tuple(info.fields.map { .native(FieldObject($0)) })
    }
    m.define("is_dataclass(obj)") { a, _, _ throws(TraceError) in
      switch a[0] ?? .none {
      case .type(let c): return .bool(c.dataclassInfo != nil)
      case .instance(let i): return .bool(i.cls.dataclassInfo != nil)
      default: return .bool(false)
      }
    }
    m.define("asdict(obj)") { a, ev, loc throws(TraceError) in
      _ = try DataclassesModule.info(a[0] ?? .none, "asdict", ev, at: loc)
      return try DataclassesModule.convert(a[0] ?? .none, asDict: true, ev, at: loc)
    }
    m.define("astuple(obj)") { a, ev, loc throws(TraceError) in
      _ = try DataclassesModule.info(a[0] ?? .none, "astuple", ev, at: loc)
      return try DataclassesModule.convert(a[0] ?? .none, asDict: false, ev, at: loc)
    }
    m.define("replace(obj, /, **changes)") { a, ev, loc throws(TraceError) in
      guard case .instance(let i)? = a[0], let info = i.cls.dataclassInfo else {
        throw TraceError.typeError(.message("replace() should be called on dataclass instances"), at: loc)
      }
      var keywords: [(String, Value)] = []
      for f in info.fields where f.inInit {
        if let c = a.extraKeywords.first(where: { $0.0 == f.name }) {
          keywords.append(c)
        } else {
          keywords.append((f.name, i.attributes[f.name] ?? .none))
        }
      }
      for (k, _) in a.extraKeywords where !info.fields.contains(where: { $0.name == k && $0.inInit }) {
        throw TraceError.typeError(
          .arguments(function: "\(i.cls.qualifiedName).__init__", problem: .unexpectedKeyword(k)), at: loc)
      }
      return try ev.instantiate(i.cls, [], keywords, at: loc)
    }
    return m
  }

  /// The dataclass fields of a class or instance, or `TypeError`.
  static func info(_ v: Value, _ function: String, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError)
    -> DataclassInfo
  {
    switch v {
    case .type(let c): if let d = c.dataclassInfo { return d }
    case .instance(let i): if let d = i.cls.dataclassInfo { return d }
    default: break
    }
    throw TraceError.typeError(.message("\(function)() should be called on dataclass instances"), at: loc)
  }

  /// `asdict` / `astuple`: dataclasses, lists, tuples and dicts, recursively.
  static func convert(_ v: Value, asDict: Bool, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value {
    switch v {
    case .instance(let i) where i.cls.dataclassInfo != nil:
      let fields = i.cls.dataclassInfo?.fields ?? []
      if asDict {
        let d = PyDict()
        for f in fields {
          d.set(.string(f.name), .string(f.name), try convert(i.attributes[f.name] ?? .none, asDict: true, ev, at: loc))
        }
        return .dict(d)
      }
      var out: [Value] = []
      for f in fields { out.append(try convert(i.attributes[f.name] ?? .none, asDict: false, ev, at: loc)) }
      return .tuple(out)
    case .list(let l):
      var out: [Value] = []
      for x in l.items { out.append(try convert(x, asDict: asDict, ev, at: loc)) }
      return .list(PyList(out))
    case .tuple(let xs):
      var out: [Value] = []
      for x in xs { out.append(try convert(x, asDict: asDict, ev, at: loc)) }
      return .tuple(out)
    case .dict(let d):
      let out = PyDict()
      for i in 0..<d.count {
        out.set(d.keys[i], d.hashKey(at: i), try convert(d.values[i], asDict: asDict, ev, at: loc))
      }
      return .dict(out)
    default: return v
    }
  }

  /// Makes `cls` a dataclass with the decorator's settings
  /// (init, repr, eq, order, unsafe_hash, frozen, match_args, kw_only, slots).
  static func process(_ v: Value, _ settings: [Value?], _ ev: Evaluator, at loc: SourceLocation) throws(TraceError)
    -> Value
  {
    guard case .type(let cls) = v else {
      throw TraceError.typeError(.message("dataclass() should be applied to a class"), at: loc)
    }
    func flag(_ i: Int, _ dflt: Bool) throws(TraceError) -> Bool {
      guard i < settings.count, let x = settings[i] else { return dflt }
      return try ev.truth(x, at: loc)
    }
    let repr = try flag(1, true)
    let eq = try flag(2, true)
    let order = try flag(3, false)
    let frozen = try flag(5, false)
    let kwOnly = try flag(7, false)
    if order && !eq { throw TraceError.python("ValueError", "eq must be true if order is true", at: loc) }
    var fields: [DataclassInfo.Field] = []
    for base in cls.mro.dropFirst().reversed() {
      for f in base.dataclassInfo?.fields ?? [] {
        if let j = fields.firstIndex(where: { $0.name == f.name }) { fields[j] = f } else { fields.append(f) }
      }
    }
    for name in cls.fieldNames {
      var f = DataclassInfo.Field(name: name)
      if cls.isRecord { f.defaultValue = Value.none }
      f.keywordOnly = kwOnly
      if let d = cls.dict[name] {
        if let spec = d.native(FieldSpec.self) {
          f.defaultValue = spec.defaultValue
          f.defaultFactory = spec.defaultFactory
          f.inInit = spec.inInit
          f.inRepr = spec.inRepr
          f.inCompare = spec.inCompare
          f.keywordOnly = spec.keywordOnly || kwOnly
          cls.dict[name] = spec.defaultValue
        } else {
          switch d {
          case .list, .dict, .set:
            // NKI's records share a mutable class-level value; CPython's dataclasses refuse it.
            guard cls.isRecord else {
              throw TraceError.python(
                "ValueError",
                "mutable default <class '\(d.typeName)'> for field \(name) is not allowed: use default_factory", at: loc
              )
            }
            f.defaultValue = d
          default: f.defaultValue = d
          }
        }
      }
      if let j = fields.firstIndex(where: { $0.name == name }) { fields[j] = f } else { fields.append(f) }
    }
    var sawDefault = false
    for f in fields where f.inInit && !f.keywordOnly {
      if f.defaultValue != nil || f.defaultFactory != nil {
        sawDefault = true
      } else if sawDefault {
        throw TraceError.typeError(.message("non-default argument '\(f.name)' follows default argument"), at: loc)
      }
    }
    cls.special = .dataclass(DataclassInfo(fields: fields, frozen: frozen, eq: eq, order: order, repr: repr))
    return v
  }
}

/// `dataclasses.MISSING`.
final class MissingValue: NativeObject {
  var typeName: String { "_MISSING_TYPE" }
  func repr(_ ev: Evaluator) throws(TraceError) -> String { "<dataclasses._MISSING_TYPE object>" }
}

/// What `dataclasses.field(...)` returns, read when `@dataclass` processes the class.
final class FieldSpec: NativeObject {
  var defaultValue: Value?
  var defaultFactory: Value?
  var inInit = true
  var inRepr = true
  var inCompare = true
  var keywordOnly = false
  var typeName: String { "Field" }
}

/// An element of `dataclasses.fields(...)`.
final class FieldObject: NativeObject {
  let field: DataclassInfo.Field
  init(_ field: DataclassInfo.Field) { self.field = field }
  var typeName: String { "Field" }
  func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    switch name {
    case "name": return .string(field.name)
    case "default": return field.defaultValue ?? .native(MissingValue())
    case "default_factory": return field.defaultFactory ?? .native(MissingValue())
    case "init": return .bool(field.inInit)
    case "repr": return .bool(field.inRepr)
    case "compare": return .bool(field.inCompare)
    case "kw_only": return .bool(field.keywordOnly)
    case "type": return .none
    default: return nil
    }
  }
  func repr(_ ev: Evaluator) throws(TraceError) -> String { "Field(name='\(field.name)')" }
}
