import TesselIR
import TesselPython

/// The modules of the current NKI dialect — `nki`, `nki.language`, `nki.isa` (with
/// `nki.isa.constants`), `nki.typing` (also as `neuronxcc.nki.typing`, whose annotations current
/// kernels import) — provided to the evaluator by dotted name.
final class CurrentModules: ModuleProvider {
  /// Installs the provider once, and the names NKI's front end resolves in every kernel module.
  ///
  /// NKI's front end looks a name up in the module's globals and then in its own environment,
  /// which binds the modules `math` and `numpy`: kernel code may call `math.ceil` without
  /// importing `math`. They are builtins here, so a module's own binding of the name wins.
  static func install(in ev: Evaluator) {
    guard !ev.moduleProviders.contains(where: { $0 is CurrentModules }) else { return }
    ev.moduleProviders.insert(CurrentModules(), at: 0)
    for name in ["math", "numpy"] where ev.builtins[name] == nil {
      if let module = try? ev.importModule(name, at: .unknown) { ev.builtins[name] = module }
    }
  }

  func module(named name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    switch name {
    case "nki": return CurrentModule.value(.nki, name: name)
    case "nki.language": return CurrentModule.value(.language, name: name)
    case "nki.isa": return CurrentModule.value(.isa, name: name)
    case "nki.isa.constants": return CurrentModule.value(.constants, name: name)
    case "nki.typing", "neuronxcc.nki.typing": return CurrentModule.value(.typing, name: name)
    case "neuronxcc", "neuronxcc.nki": return CurrentModule.value(.neuronxcc, name: name)
    case "nki.tensor": return CurrentModule.value(.tensor, name: name)
    case "numpy": return CurrentModule.value(.numpy, name: name)
    default: return nil
    }
  }
}

/// One module of the current dialect.
final class CurrentModule: KindedModule {
  enum Kind { case nki, language, isa, constants, typing, neuronxcc, tensor, tileSize, numpy }
  let kind: Kind
  let name: String

  init(_ kind: Kind, name: String) {
    self.kind = kind
    self.name = name
  }

  /// A function NKI has and Tessel does not model: it takes any arguments, and calling it raises
  /// the error `explain` gives for the call's location, or else "`name` is not supported".
  static func unmodelled(
    _ name: String, explain: @escaping (SourceLocation) -> TraceError? = { _ in nil }
  ) -> Value {
    .builtin(
      BuiltinFunction("\(name)(*args, **kwargs)") { _, _, loc throws(TraceError) in
        throw explain(loc) ?? TraceError.unsupported(name, at: loc)
      })
  }

  var attributeNames: [String] {
    switch kind {
    case .language:
      return Array(NkiDType.byName.keys) + Array(NkiOp.names) + CurrentNL.functions.keys.map { $0 }
        + ["sbuf", "psum", "hbm", "shared_hbm", "private_hbm", "tile_size", "NKIObject", "ndarray"]
    case .isa: return Array(CurrentISA.functions.keys) + Array(NkiEnumMember.enums.keys)
    default: return []
    }
  }

  func attribute(_ attr: String, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    switch kind {
    case .nki:
      switch attr {
      case "language": return CurrentModule.value(.language, name: "nki.language")
      case "isa": return CurrentModule.value(.isa, name: "nki.isa")
      case "typing": return CurrentModule.value(.typing, name: "nki.typing")
      case "tensor": return CurrentModule.value(.tensor, name: "nki.tensor")
      case "jit": return .native(JitDecorator())
      default: return nil
      }
    case .neuronxcc:
      if attr == "nki" { return CurrentModule.value(.neuronxcc, name: "neuronxcc.nki") }
      if attr == "typing" { return CurrentModule.value(.typing, name: "neuronxcc.nki.typing") }
      if attr.hasPrefix("__") { return nil }
      // A file that imports both dialects is traced as the current one; its legacy names are
      // not an AttributeError of some module but a mix of dialects.
      throw TraceError.unsupported(
        "`\(name).\(attr)` of the legacy NKI dialect in a file traced as the current dialect (it imports `nki`); "
          + "a kernel file uses one dialect: the current one's `nki`, `nki.language`, `nki.isa`, "
          + "or `--dialect legacy` with only `neuronxcc.nki` imports",
        at: loc)
    case .typing, .tensor:
      return .native(InertAnnotation(name + "." + attr))
    case .language:
      if let d = NkiDType.value(attr) { return d }
      switch attr {
      case "sbuf": return .native(NkiBuffer(.sbuf))
      case "psum": return .native(NkiBuffer(.psum))
      case "hbm": return .native(NkiBuffer(.hbm))
      case "shared_hbm": return .native(NkiBuffer(.sharedHBM))
      case "private_hbm": return .native(NkiBuffer(.privateHBM))
      case "tile_size": return CurrentModule.value(.tileSize, name: "nki.language.tile_size")
      case "NKIObject": return .type(CurrentModule.nkiObjectClass(ev))
      case "ndarray", "NkiTensor":
        if let f = CurrentNL.functions["ndarray"] { return CurrentNL.builtin("ndarray", f) }
        return nil
      default:
        if let f = CurrentNL.functions[attr] { return CurrentNL.builtin(attr, f) }
        if NkiOp.names.contains(attr) { return .native(NkiOp(attr)) }
        if LegacySpelling.removed[attr] != nil, let e = LegacySpelling.error(forLanguage: attr, at: loc) { throw e }
        if LegacySpelling.unmodelled[attr] != nil {
          return CurrentModule.unmodelled("nl.\(attr)") { LegacySpelling.error(forLanguage: attr, at: $0) }
        }
        return CurrentNL.unmodelled.contains(attr) ? CurrentModule.unmodelled("nl.\(attr)") : nil
      }
    case .isa:
      if NkiEnumMember.enums[attr] != nil { return NkiEnum.value(attr) }
      switch attr {
      case "vector_engine": return NkiEnumMember.member("engine", "vector")
      case "scalar_engine": return NkiEnumMember.member("engine", "scalar")
      case "gpsimd_engine": return NkiEnumMember.member("engine", "gpsimd")
      case "tensor_engine": return NkiEnumMember.member("engine", "tensor")
      case "unknown_engine": return NkiEnumMember.member("engine", "unknown")
      case "constants": return CurrentModule.value(.constants, name: "nki.isa.constants")
      default: break
      }
      if let f = CurrentISA.functions[attr] { return CurrentISA.builtin(attr, f) }
      return CurrentISA.unmodelled.contains(attr) ? CurrentModule.unmodelled("nisa.\(attr)") : nil
    case .constants:
      return NkiEnumMember.enums[attr] != nil ? NkiEnum.value(attr) : nil
    case .tileSize:
      let t = try ev.binding(as: CurrentTracer.self, at: loc).target
      switch attr {
      case "pmax": return .int(t.pmax)
      case "psum_fmax": return .int(t.psumFmax)
      case "gemm_stationary_fmax": return .int(t.gemmStationaryFmax)
      case "gemm_moving_fmax": return .int(t.gemmMovingTileFmax)
      case "psum_partition_bytes", "total_available_psum_size": return .int(t.psumBytesPerPartition)
      case "sbuf_partition_bytes", "total_available_sbuf_size": return .int(t.sbufBytesPerPartition)
      case "bn_stats_fmax": return .int(t.bnStatsFmax)
      default: return nil
      }
    case .numpy:
      if let e = NkiDType.byName[attr], let d = e.dtype, e.packing == 1 { return NkiDType.value(d) }
      return nil
    }
  }

  /// `nl.NKIObject`: the base class of kernel configuration objects.
  ///
  /// NKI's front end builds a constructor for each subclass from the class body: every data
  /// attribute, annotated or not, is a parameter (in order, positional or keyword) whose default is
  /// its class-level value or `None`, set on the instance before `__post_init__` runs — with or
  /// without `@dataclass`. A subclass that defines `__init__` keeps it.
  static func nkiObjectClass(_ ev: Evaluator) -> PyClass {
    if let c = ev.classes["NKIObject"] { return c }
    let object = ev.builtinClass("object")
    let c = (try? PyClass(name: "NKIObject", bases: [object])) ?? object
    c.role = .recordBase
    ev.classes["NKIObject"] = c
    return c
  }
}

extension CurrentISA {
  /// A `nisa.*` function of the table as a Python builtin.
  ///
  /// The builtin takes any arguments and binds them to the function's signature itself, so that a
  /// legacy call shape names the current spelling (``LegacySpelling/bindISA(_:_:_:_:at:)``).
  static func builtin(_ name: String, _ f: Function) -> Value {
    guard let signature = try? Signature.cached(parsing: f.signature) else {
      // Every signature text parses (a test checks the table); should one not, calls are errors.
      return .builtin(
        BuiltinFunction(f.signature) { _, _, loc throws(TraceError) in
          throw TraceError.unsupported("nisa.\(name) (its signature text does not parse)", at: loc)
        })
    }
    let names = signature.parameters.map(\.name)
    let list = signature.parameterList
    let any = Signature(
      signature.name,
      [Signature.Parameter("args", kind: .variadicPositional), Signature.Parameter("kwargs", kind: .variadicKeyword)])
    return .builtin(
      BuiltinFunction(any) { given, ev, loc throws(TraceError) in
        let bound = try LegacySpelling.bindISA(name, list, given.extraPositional, given.extraKeywords, at: loc)
        let tracer = try ev.binding(as: CurrentTracer.self, at: loc)
        return try f.lower(
          CurrentArguments(bound: bound, names: names, function: name, location: loc, ev: ev, tracer: tracer))
      })
  }
}
