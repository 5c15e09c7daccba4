import TesselIR
import TesselPython

/// `help()` at the prompt: the signature and one-line description of an NKI function from the
/// API table, the functions of `nl` / `nisa`, or a Python function's signature and docstring.
extension InteractiveTracer {
  /// The `help` builtin bound in the session.
  func helpFunction() -> Value {
    .builtin(
      BuiltinFunction("help(request=None)") { [weak self] a, _, _ throws(TraceError) in
        guard let self else { return .none }
        self.print(self.help(a.slots.first.flatMap { $0 } ?? .none))
        return .none
      })
  }

  /// The text `help(value)` prints.
  func help(_ value: Value) -> String {
    switch value {
    case .none:
      return "help(nl.exp), help(nisa.activation), help(nl) or help(\"nl.load\") describe the NKI API;\n"
        + ":help lists the REPL's commands.\n"
    case .string(let name):
      if LegacyNKIAPI.function(named: name) != nil { return functionHelp(name) }
      if name == "nl" || name == "nisa" { return moduleHelp(name) }
      return "No NKI function named '\(name)' (help(nl) lists them).\n"
    case .builtin(let f):
      let name = f.signature.name
      if LegacyNKIAPI.function(named: name) != nil { return functionHelp(name) }
      return "\(f.signature)\n    A built-in function.\n"
    case .module(let m):
      if m.name == "neuronxcc.nki.language" { return moduleHelp("nl") }
      if m.name == "neuronxcc.nki.isa" { return moduleHelp("nisa") }
      let names = InteractiveTracer.apiNames[m.name == "numpy" ? "np" : m.name] ?? []
      return "module \(m.name)" + (names.isEmpty ? "\n" : ": " + names.joined(separator: ", ") + "\n")
    case .function(let f):
      var text = "\(f.name)(\(parameterText(f.parameters)))\n"
      if case .statements(let body) = f.body, case .expression(let e)? = body.first?.kind,
        case .string(let doc) = e.kind
      {
        text +=
          doc.split(separator: "\n", omittingEmptySubsequences: false)
          .map { "    " + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n") + "\n"
      }
      return text
    default:
      if let u = value.native(UnsupportedAPI.self) {
        return "\(u.name): not simulated by Tessel (calling it is an error).\n"
      }
      if let t = value.tensor {
        let d = tracer.builder.tensor(t.id)
        return "\(d.name): \(d.space.nkiName) tile of \(d.dtype)\(t.view.shape)\n"
      }
      return "\(value.typeName) value\n"
    }
  }

  func functionHelp(_ name: String) -> String {
    guard let f = LegacyNKIAPI.function(named: name) else { return "" }
    return "\(f.signature)\n    \(LegacyNKIAPI.summary(of: name) ?? "")\n"
  }

  func moduleHelp(_ module: String) -> String {
    let names = LegacyNKIAPI.names(in: module).sorted()
    let width = (names.map(\.count).max() ?? 0) + 2
    var text = "\(module): \(names.count) functions Tessel simulates (help(\(module).NAME) for a signature)\n"
    for n in names {
      text +=
        "  " + n + String(repeating: " ", count: max(1, width - n.count))
        + (LegacyNKIAPI.summary(of: "\(module).\(n)") ?? "") + "\n"
    }
    return text
  }

  /// A Python function's parameters as its `def` line spells them (defaults shown as `...`).
  func parameterText(_ p: Parameters) -> String {
    func one(_ q: Parameter) -> String { q.defaultValue == nil ? q.name : q.name + "=..." }
    var parts = p.positionalOnly.map(one)
    if !p.positionalOnly.isEmpty { parts.append("/") }
    parts += p.positional.map(one)
    if let v = p.variadic { parts.append("*" + v.name) } else if !p.keywordOnly.isEmpty { parts.append("*") }
    parts += p.keywordOnly.map(one)
    if let k = p.keywordVariadic { parts.append("**" + k.name) }
    return parts.joined(separator: ", ")
  }
}
