import TesselIR

extension Evaluator {
  // MARK: - Imports

  /// The module `name` (dotted), imported once and cached.
  package func importModule(_ name: String, at loc: SourceLocation) throws(TraceError) -> Value {
    if let m = moduleCache[name] { return m }
    for p in moduleProviders {
      if let m = try p.module(named: name, self, at: loc) {
        moduleCache[name] = m
        return m
      }
    }
    let u = Value.native(UnavailableModule(name))
    moduleCache[name] = u
    return u
  }

  /// `from module import a, b as c` and `from module import *`.
  func importFrom(_ module: String?, _ names: [ImportAlias], level: Int, _ scope: Scope, at loc: SourceLocation)
    throws(TraceError)
  {
    let base = module ?? ""
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
      let sub = try importModule(base + "." + name, at: loc)
      if case .native(let o) = sub, o is UnavailableModule {
        throw TraceError.python("ImportError", "cannot import name '\(name)' from '\(base)'", at: loc)
      }
      return sub
    default:
      return try attribute(m, name, at: loc)
    }
  }

  /// `from m import *`: every public name of the module.
  func importStar(_ m: Value, _ scope: Scope, at loc: SourceLocation) throws(TraceError) {
    guard case .module(let mod) = m else {
      throw TraceError.unsupported("`import *` from \(m.typeName)", at: loc)
    }
    var names = Array(mod.scope.names.keys)
    if let n = mod.native { names += n.attributeNames }
    if case .list(let all)? = mod.scope.names["__all__"] {
      names = all.items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
    }
    for n in Set(names) where !n.hasPrefix("_") {
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
