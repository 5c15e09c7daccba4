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

/// `logging`: loggers whose warnings and errors are printed (as Python's last-resort handler
/// prints them, the message alone) and whose debug and info messages are dropped.
enum LoggingModule {
  static func make() -> TableModule {
    let m = TableModule("logging")
    let levels = [
      "CRITICAL": 50, "FATAL": 50, "ERROR": 40, "WARNING": 30, "WARN": 30, "INFO": 20, "DEBUG": 10, "NOTSET": 0,
    ]
    for (k, v) in levels { m.table[k] = .int(v) }
    let root = Logger(name: "root")
    m.define("getLogger(name=None)") { a, ev, _ throws(TraceError) in
      guard let n = a[0], !n.isNone else { return .native(root) }
      return .native(Logger(name: try ev.str(n)))
    }
    m.define("basicConfig(**kwargs)") { _, _, _ throws(TraceError) in .none }
    m.define("disable(level=50)") { _, _, _ throws(TraceError) in .none }
    for name in ["debug", "info", "warning", "warn", "error", "critical", "exception"] {
      m.define("\(name)(msg, *args, **kwargs)") { a, ev, loc throws(TraceError) in
        try root.emit(name, a[0] ?? .none, a.extraPositional, ev, at: loc)
        return .none
      }
    }
    m.table["Logger"] = .type(PyClass(builtin: "Logger", base: nil, kind: .object))
    for handler in ["StreamHandler", "NullHandler", "FileHandler", "Formatter", "Handler"] {
      m.define("\(handler)(*args, **kwargs)") { _, _, _ throws(TraceError) in .native(SimpleNamespace([:])) }
    }
    return m
  }
}

/// A logger of the `logging` module.
final class Logger: NativeObject {
  let name: String
  var level = 30
  init(name: String) { self.name = name }
  var typeName: String { "Logger" }

  func emit(_ method: String, _ message: Value, _ args: [Value], _ ev: Evaluator, at loc: SourceLocation)
    throws(TraceError)
  {
    let severity =
      ["debug": 10, "info": 20, "warning": 30, "warn": 30, "error": 40, "exception": 40, "critical": 50][method] ?? 30
    guard severity >= Swift.max(level, 30) else { return }
    var text = try ev.str(message)
    if !args.isEmpty { text = try ev.percentFormat(text, args.count == 1 ? args[0] : .tuple(args), at: loc) }
    ev.printSink?.print(text + "\n")
  }

  func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    switch name {
    case "debug", "info", "warning", "warn", "error", "critical", "exception":
      return .builtin(
        BuiltinFunction("Logger.\(name)(msg, *args, **kwargs)") { a, ev, loc throws(TraceError) in
          try self.emit(name, a[0] ?? .none, a.extraPositional, ev, at: loc)
          return .none
        })
    case "setLevel":
      return .builtin(
        BuiltinFunction("Logger.setLevel(level)") { a, ev, loc throws(TraceError) in
          if case .int(let l)? = a[0] { self.level = l }
          return .none
        })
    case "isEnabledFor":
      return .builtin(
        BuiltinFunction("Logger.isEnabledFor(level)") { a, ev, loc throws(TraceError) in
          .bool(try ev.intValue(a[0] ?? .int(0), at: loc) >= Swift.max(self.level, 30))
        })
    case "addHandler", "removeHandler", "setFormatter", "propagate":
      return .builtin(BuiltinFunction("Logger.\(name)(*args)") { _, _, _ throws(TraceError) in .none })
    case "name": return .string(self.name)
    case "level": return .int(level)
    case "handlers": return .list(PyList([]))
    default: return nil
    }
  }

  func setAttribute(_ name: String, _ value: Value, _ ev: Evaluator, at location: SourceLocation) throws(TraceError)
    -> Bool
  {
    name == "propagate" || name == "disabled"
  }
}
