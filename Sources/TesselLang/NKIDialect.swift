import TesselIR
import TesselPython

/// The NKI dialect a kernel file is written in.
///
/// The two dialects share names (`nl.load`, `nisa.tensor_tensor`) but not meanings: the current
/// dialect passes destinations (`nisa.tensor_tensor(dst, a, b, op)`) where the legacy one returns
/// values, so a file must never run with the other dialect's meaning.
public enum NKIDialect: String, Sendable, Hashable, CaseIterable {
  /// `neuronxcc.nki` (`import neuronxcc.nki.language as nl`): value-returning APIs, index grids
  /// and masks, loops traced once with a symbolic index.
  case legacy
  /// `nki` 0.3 and later (`import nki.language as nl`): destination passing, loops run in Python.
  case current
}

extension NKIFile {
  /// The dialect the file's imports select, with the first import that decides it; nil when the
  /// file imports neither `neuronxcc.nki` nor `nki`.
  ///
  /// The imports that decide are those of the core modules: `nki`, `nki.language` and `nki.isa`
  /// make a file current; `neuronxcc.nki`, `neuronxcc.nki.language` and `neuronxcc.nki.isa` make
  /// it legacy. Helper submodules do not decide when a core module does (current kernels import
  /// `neuronxcc.nki.typing` for annotations; legacy ones `nki.language.constants`); a file that
  /// imports both cores is current. Without core imports, any `nki` import makes a file current
  /// and any `neuronxcc` import legacy.
  public var importedDialect: (dialect: NKIDialect, location: SourceLocation)? {
    var legacyCore: SourceLocation?
    var currentCore: SourceLocation?
    var legacyOther: SourceLocation?
    var currentOther: SourceLocation?
    func note(_ module: String, _ location: SourceLocation) {
      switch module {
      case "nki", "nki.language", "nki.isa": if currentCore == nil { currentCore = location }
      case "neuronxcc.nki", "neuronxcc.nki.language", "neuronxcc.nki.isa":
        if legacyCore == nil { legacyCore = location }
      default:
        if module.hasPrefix("nki.") && currentOther == nil { currentOther = location }
        if module.hasPrefix("neuronxcc") && legacyOther == nil { legacyOther = location }
      }
    }
    Stmt.walk(module.statements) { s in
      switch s.kind {
      case .import(let aliases):
        for a in aliases { note(a.name, s.location) }
      case .importFrom(let module?, let names, let level) where level == 0:
        note(module, s.location)
        for a in names where module == "nki" || module == "neuronxcc" || module == "neuronxcc.nki" {
          note(module + "." + a.name, s.location)
        }
      default: break
      }
    }
    if let currentCore { return (.current, currentCore) }
    if let legacyCore { return (.legacy, legacyCore) }
    if let currentOther { return (.current, currentOther) }
    if let legacyOther { return (.legacy, legacyOther) }
    return nil
  }

  /// The dialect a trace uses: `override` when given, else the file's imports, else legacy.
  public func dialect(override: NKIDialect? = nil) -> NKIDialect {
    override ?? importedDialect?.dialect ?? .legacy
  }

  /// Refuses a current-dialect file where only the legacy dialect runs (the REPL's `:load`).
  func checkDialect(_ override: NKIDialect?) throws(TraceError) {
    guard dialect(override: override) == .current else { return }
    let location = importedDialect?.location ?? .unknown
    throw TraceError(
      .unsupported(
        .feature(
          "loading a current-dialect file (`import nki`) into the REPL, which runs the legacy `neuronxcc.nki` dialect; "
            + "run it with `tessel run`")), at: location)
  }
}
