import TesselIR

/// `abc`, `os`, `os.path`, `sys`, `warnings` and `types`: the parts kernels touch at trace time.
enum SmallModules {
  /// `abc`: `ABC` as a plain base, `abstractmethod` marking methods that subclasses must define.
  static func abc(_ ev: Evaluator) -> TableModule {
    let m = TableModule("abc")
    let abc = PyClass(builtin: "ABC", base: ev.builtinClass("object"), kind: .object)
    abc.module = "abc"
    m.table["ABC"] = .type(abc)
    m.table["ABCMeta"] = .type(ev.builtinClass("type"))
    m.define("abstractmethod(funcobj, /)") { a, _, _ throws(TraceError) in
      if case .function(let f)? = a[0] { f.attributes["__isabstractmethod__"] = .bool(true) }
      return a[0] ?? .none
    }
    return m
  }

  /// `os`: an empty `environ` (a trace does not depend on the host's environment).
  static func os() -> TableModule {
    let m = TableModule("os")
    m.table["environ"] = .dict(PyDict())
    m.table["sep"] = .string("/")
    m.define("getenv(key, default=None)") { a, _, _ throws(TraceError) in a[1] ?? .none }
    m.table["path"] = osPath().value
    return m
  }

  /// `os.path`: string operations on paths.
  static func osPath() -> TableModule {
    let m = TableModule("os.path")
    m.define("join(a, /, *p)") { a, ev, _ throws(TraceError) in
      var out = try ev.str(a[0] ?? .none)
      for x in a.extraPositional {
        let s = try ev.str(x)
        if s.hasPrefix("/") { out = s } else { out += (out.isEmpty || out.hasSuffix("/") ? "" : "/") + s }
      }
      return .string(out)
    }
    m.define("basename(p, /)") { a, ev, _ throws(TraceError) in
      .string(String(try ev.str(a[0] ?? .none).split(separator: "/", omittingEmptySubsequences: false).last ?? ""))
    }
    m.define("dirname(p, /)") { a, ev, _ throws(TraceError) in
      let s = try ev.str(a[0] ?? .none)
      guard let i = s.lastIndex(of: "/") else { return .string("") }
      return .string(i == s.startIndex ? "/" : String(s[..<i]))
    }
    m.define("splitext(p, /)") { a, ev, _ throws(TraceError) in
      let s = try ev.str(a[0] ?? .none)
      let base = s.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
      guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return .tuple([.string(s), .string("")]) }
      let ext = String(base[dot...])
      return .tuple([.string(String(s.dropLast(ext.count))), .string(ext)])
    }
    return m
  }

  /// `sys`: constants.
  static func sys() -> TableModule {
    let m = TableModule("sys")
    m.table["maxsize"] = .int(Int.max)
    m.table["version_info"] = .tuple([.int(3), .int(11), .int(0)])
    m.table["platform"] = .string("linux")
    m.table["byteorder"] = .string("little")
    m.table["path"] = .list(PyList([]))
    m.table["argv"] = .list(PyList([.string("tessel")]))
    m.table["modules"] = .dict(PyDict())
    return m
  }

  /// `warnings.warn` prints `Category: message` where `print` output goes.
  static func warnings() -> TableModule {
    let m = TableModule("warnings")
    m.define("warn(message, category=None, stacklevel=1, source=None)") { a, ev, _ throws(TraceError) in
      var category = "UserWarning"
      if case .type(let c)? = a[1] { category = c.name }
      ev.printSink?.print("\(category): \(try ev.str(a[0] ?? .none))\n")
      return .none
    }
    m.define("filterwarnings(*args, **kwargs)") { _, _, _ throws(TraceError) in .none }
    m.define("simplefilter(*args, **kwargs)") { _, _, _ throws(TraceError) in .none }
    return m
  }

  /// `types`: `SimpleNamespace`.
  static func types() -> TableModule {
    let m = TableModule("types")
    m.define("SimpleNamespace(**kwargs)") { a, _, _ throws(TraceError) in
      .native(SimpleNamespace(Dictionary(a.extraKeywords, uniquingKeysWith: { _, b in b })))
    }
    return m
  }
}

/// `types.SimpleNamespace`.
final class SimpleNamespace: NativeObject {
  var attributes: [String: Value]
  init(_ attributes: [String: Value]) { self.attributes = attributes }
  var typeName: String { "types.SimpleNamespace" }
  func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    attributes[name]
  }
  func setAttribute(_ name: String, _ value: Value, _ ev: Evaluator, at location: SourceLocation) throws(TraceError)
    -> Bool
  {
    attributes[name] = value
    return true
  }
  func repr(_ ev: Evaluator) throws(TraceError) -> String {
    var parts: [String] = []
    for (k, v) in attributes.sorted(by: { $0.key < $1.key }) { parts.append("\(k)=\(try ev.repr(v))") }
    return "namespace(\(parts.joined(separator: ", ")))"
  }
}
