import TesselIR

extension Evaluator {
  // MARK: - Imports

  /// The module `name` (dotted), imported once and cached: a parent package is imported first
  /// and the module becomes its attribute, as in Python.
  package func importModule(_ name: String, at loc: SourceLocation) throws(TraceError) -> Value {
    if let m = moduleCache[name] { return m }
    if let dot = name.lastIndex(of: ".") {
      // `import a.b.c` imports `a` and `a.b` first; their code may import `a.b.c` itself.
      do {
        _ = try importModule(String(name[..<dot]), at: loc)
      } catch {
        // A module Tessel refuses is named in full, not by the first parent refused.
        switch error.kind {
        case .unsupported(.privateModule): throw TraceError(.unsupported(.privateModule(name)), at: error.location)
        case .unsupported(.module): throw TraceError(.unsupported(.module(name)), at: error.location)
        default: throw error
        }
      }
      if let m = moduleCache[name] { return m }
    }
    for p in moduleProviders {
      if let m = try p.module(named: name, self, at: loc) {
        moduleCache[name] = m
        return m
      }
    }
    throw TraceError.python(
      "ModuleNotFoundError",
      "No module named '\(name)' (Tessel provides NKI, trace-time numpy and Python's standard modules; "
        + "add the directories of your own modules with --path)", at: loc)
  }

  /// The absolute name of `from <dots><module> import ...` in the module whose globals are `scope`'s.
  func resolveRelative(_ module: String?, level: Int, _ scope: Scope, at loc: SourceLocation) throws(TraceError)
    -> String
  {
    guard level > 0 else { return module ?? "" }
    guard case .string(let package)? = scope.globals.names["__package__"], !package.isEmpty else {
      throw TraceError.python("ImportError", "attempted relative import with no known parent package", at: loc)
    }
    var parts = package.split(separator: ".").map(String.init)
    guard level - 1 < parts.count else {
      throw TraceError.python("ImportError", "attempted relative import beyond top-level package", at: loc)
    }
    parts.removeLast(level - 1)
    if let module, !module.isEmpty { parts.append(module) }
    return parts.joined(separator: ".")
  }

  /// `from module import a, b as c`, `from . import x` and `from module import *`.
  func importFrom(_ module: String?, _ names: [ImportAlias], level: Int, _ scope: Scope, at loc: SourceLocation)
    throws(TraceError)
  {
    let base = try resolveRelative(module, level: level, scope, at: loc)
    if base.isEmpty {
      for a in names where a.name != "*" {
        scope.bind(a.asName ?? a.name, try importModule(a.name, at: a.location))
      }
      return
    }
    let m = try importModule(base, at: loc)
    for a in names {
      if a.name == "*" {
        try importStar(m, scope, at: a.location)
        continue
      }
      scope.bind(a.asName ?? a.name, try importName(a.name, from: m, base: base, at: a.location))
    }
  }

  /// `from base import name`: an attribute of the module, or its submodule `base.name`.
  func importName(_ name: String, from m: Value, base: String, at loc: SourceLocation) throws(TraceError) -> Value {
    switch m {
    case .module(let mod):
      if let v = try moduleAttribute(mod, name, at: loc) { return v }
      do throws(TraceError) {
        return try importModule(base + "." + name, at: loc)
      } catch {
        guard error.exception?.type == "ModuleNotFoundError" else { throw error }
        throw TraceError.python("ImportError", "cannot import name '\(name)' from '\(base)'", at: loc)
      }
    default:
      return try attribute(m, name, at: loc)
    }
  }

  /// `from m import *`: every public name of the module (or its `__all__`).
  func importStar(_ m: Value, _ scope: Scope, at loc: SourceLocation) throws(TraceError) {
    guard case .module(let mod) = m else {
      throw TraceError.unsupported("`import *` from \(m.typeName)", at: loc)
    }
    var names = Array(mod.scope.names.keys)
    if let n = mod.native { names += n.attributeNames }
    if case .list(let all)? = mod.scope.names["__all__"] {
      names = all.items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
    } else {
      names = names.filter { !$0.hasPrefix("_") }
    }
    for n in Set(names) {
      if let v = try moduleAttribute(mod, n, at: loc) { scope.bind(n, v) }
    }
  }
}

/// A module Tessel does not provide: usable as a name, an error when its contents are used.
package final class UnavailableModule: NativeObject {
  package let name: String
  package init(_ name: String) { self.name = name }
  package var typeName: String { "module" }

  package func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    .native(UnavailableModule(self.name + "." + name))
  }

  package func call(_ positional: [Value], _ keywords: [(String, Value)], _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  {
    throw TraceError(.unsupported(.module(name)), at: location)
  }

  package func repr(_ ev: Evaluator) throws(TraceError) -> String { "<module '\(name)' (not available)>" }
}
