import Foundation
import TesselIR

/// Finds modules as Python source files on an import path, as Python's `sys.path` does: the
/// directory of the file being traced, the root of its package, and `--path` directories.
///
/// `a.b.c` is `<root>/a/b/c.py` or the package `<root>/a/b/c/__init__.py`. A module's code runs
/// once per trace, in its own globals (with `__name__`, `__package__` and `__file__`), the first
/// time it is imported; it is cached before it runs, so circular imports see the partly
/// initialised module, as in Python. A module that does not parse is a located `SyntaxError` in
/// that module. A statement of a module that fails binds its names to its error, which is raised
/// where they are used (so that host-side code a kernel does not need cannot stop it).
package final class SourceModules: ModuleProvider {
  /// The directories searched, in order.
  package var roots: [String]

  package init(roots: [String]) { self.roots = roots }

  package func module(named name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    let parts = name.split(separator: ".").map(String.init)
    for root in roots {
      let base = ([root] + parts).joined(separator: "/")
      for (path, isPackage) in [(base + ".py", false), (base + "/__init__.py", true)]
      where FileManager.default.fileExists(atPath: path) {
        return try load(name, path: path, isPackage: isPackage, ev, at: location)
      }
    }
    // A directory without `__init__.py`: an implicit namespace package.
    for root in roots {
      var isDirectory: ObjCBool = false
      let path = ([root] + parts).joined(separator: "/")
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
        return .module(PyModule(name: name, scope: ev.moduleScope(name: name, package: name, file: path)))
      }
    }
    return nil
  }

  /// Parses and runs a module file.
  func load(_ name: String, path: String, isPackage: Bool, _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value
  {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
      throw TraceError.python("ImportError", "cannot read module '\(name)' from \(path)", at: location)
    }
    let module: Module
    do {
      module = try parseModule(source: text, file: path)
    } catch {
      throw TraceError(.syntax(error), at: error.location)
    }
    ev.sources[path] = text
    let package = isPackage ? name : String(name[..<(name.lastIndex(of: ".") ?? name.startIndex)])
    let scope = ev.moduleScope(name: name, package: package, file: path)
    let value = Value.module(PyModule(name: name, scope: scope))
    ev.moduleCache[name] = value
    if let dot = name.lastIndex(of: "."), case .module(let parent)? = ev.moduleCache[String(name[..<dot])] {
      parent.scope.names[String(name[name.index(after: dot)...])] = value
    }
    try ev.execModule(module, in: scope, deferFailures: true)
    return value
  }
}

extension Evaluator {
  /// A module's globals: a root scope (in the evaluator's arena) with `__name__`, `__package__`
  /// and `__file__`.
  package func moduleScope(name: String, package: String, file: String) -> Scope {
    let scope = arena.map { Scope(root: $0) } ?? Scope(parent: nil)
    scope.names["__name__"] = .string(name)
    scope.names["__package__"] = .string(package)
    scope.names["__file__"] = .string(file)
    return scope
  }

  /// Adds directories to the import path (before the others).
  package func addImportRoots(_ roots: [String]) {
    if let p = moduleProviders.compactMap({ $0 as? SourceModules }).first {
      p.roots = roots + p.roots.filter { !roots.contains($0) }
    } else {
      moduleProviders.append(SourceModules(roots: roots))
    }
  }
}
