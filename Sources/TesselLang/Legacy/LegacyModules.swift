import Foundation
import TesselIR
import TesselPython

/// The modules of the legacy NKI dialect (`neuronxcc.nki`, its `language`, `isa` and `typing`)
/// and trace-time `numpy`, provided to the evaluator by dotted name.
final class LegacyModules: ModuleProvider {
  /// Installs the provider and the legacy builtins (Python's `range` is a symbolic loop) once.
  static func install(in ev: Evaluator) {
    guard !ev.moduleProviders.contains(where: { $0 is LegacyModules }) else { return }
    ev.moduleProviders.insert(LegacyModules(), at: 0)
    ev.builtins["range"] = .builtin(
      BuiltinFunction("range(*args)") { a, ev, loc throws(TraceError) in
        try ev.binding(as: Tracer.self, at: loc).makeRange(.python, a.extraPositional, at: loc)
      })
  }

  func module(named name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    let kind: NKIModule.Kind
    switch name {
    case "neuronxcc": kind = .neuronxcc
    case "neuronxcc.nki", "nki": kind = .nki
    case "neuronxcc.nki.language", "nki.language": kind = .nl
    case "neuronxcc.nki.isa", "nki.isa": kind = .nisa
    case "neuronxcc.nki.typing", "nki.typing": kind = .typing
    case "numpy": kind = .numpy
    case "numpy.random": kind = .numpyRandom
    case "numpy.typing": return .module(PyModule(name: name, scope: Scope(parent: nil), native: InertNamespace(name)))
    case "neuronxcc.nki.isa.constants": kind = .isaConstants
    case "neuronxcc.nki.language.constants", "nki.language.constants": kind = .nlConstants
    case "neuronxcc.nki.compiler", "nki.compiler": kind = .compiler
    default:
      if name.hasPrefix("neuronxcc.") || name.hasPrefix("nki.") {
        if name.split(separator: ".").contains(where: { $0.hasPrefix("_") }) {
          throw TraceError(.unsupported(.privateModule(name)), at: location)
        }
        throw TraceError(.unsupported(.module(name)), at: location)
      }
      return nil
    }
    return NKIModule.value(kind, name: name)
  }
}

/// One module or namespace of the legacy NKI API (`nl`, `nisa`, `nl.tile_size`, `np`, ...).
final class NKIModule: KindedModule {
  enum Kind: Equatable {
    case neuronxcc, nki, nl, nisa, typing, numpy, numpyRandom, isaConstants, nlConstants, compiler
    /// `ncc.sbuf`, `ncc.psum`: the direct-allocation functions of one memory.
    case allocation(MemorySpace)
    case tileSize, ncVersion, engine
    /// `nisa.reduce_cmd`, `nisa.dge_mode`, `nisa.oob_mode`: named constants.
    case constants(String)
  }

  let kind: Kind
  let name: String

  init(_ kind: Kind, name: String) {
    self.kind = kind
    self.name = name
  }

  static let dtypeNames: [String: DType] = [
    "float32": .float32, "fp32": .float32, "float16": .float16, "bfloat16": .bfloat16, "tfloat32": .tfloat32,
    "int8": .int8, "int16": .int16, "int32": .int32, "uint8": .uint8, "uint16": .uint16, "uint32": .uint32,
    "bool_": .bool, "float8_e4m3": .float8e4m3, "float8_e5m2": .float8e5m2, "float8_e4m3fn": .float8e4m3fn,
  ]

  var attributeNames: [String] {
    switch kind {
    case .nl:
      return LegacyNKIAPI.names(in: "nl") + Array(NKIModule.dtypeNames.keys) + [
        "sbuf", "psum", "hbm", "shared_hbm", "private_hbm", "tile_size", "mgrid", "constants",
      ]
    case .nisa: return LegacyNKIAPI.names(in: "nisa")
    default: return []
    }
  }

  /// A function of the API table, lowered by the tracer by its short name.
  static func apiFunction(_ f: NKIFunction) -> Value {
    let parts = f.name.split(separator: ".", maxSplits: 1)
    let module = String(parts.first ?? "")
    let short = String(parts.last ?? "")
    let names = f.signature.parameters.map(\.name)
    return .builtin(
      BuiltinFunction(f.signature) { a, ev, loc throws(TraceError) in
        let tracer = try ev.binding(as: Tracer.self, at: loc)
        let args = CallArguments(bound: a, names: names, location: loc, function: f.name)
        return module == "nl" ? try tracer.callNL(short, args) : try tracer.callNISA(short, args)
      })
  }

  func attribute(_ name: String, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    switch kind {
    case .neuronxcc:
      return name == "nki" ? NKIModule.value(.nki, name: "neuronxcc.nki") : nil
    case .nki:
      switch name {
      case "language": return NKIModule.value(.nl, name: self.name + ".language")
      case "isa": return NKIModule.value(.nisa, name: self.name + ".isa")
      case "compiler": return NKIModule.value(.compiler, name: self.name + ".compiler")
      case "typing": return NKIModule.value(.typing, name: self.name + ".typing")
      case "simulate_kernel":
        // `nki.simulate_kernel(kernel, *args)`: run the kernel on host arrays.
        return .builtin(
          BuiltinFunction("nki.simulate_kernel(kernel, /, *args, **kwargs)") { a, ev, loc throws(TraceError) in
            try ev.call(a[0] ?? .none, a.extraPositional, a.extraKeywords, at: loc)
          })
      default:
        // Decorators used as calls (`nki.jit(kernel)`, `nki.jit(mode="simulation")`) return the function.
        return .native(PassthroughDecorator("nki." + name))
      }
    case .nl:
      if name == "fp32" || name == "bfp16" {
        let d: DType = name == "fp32" ? .float32 : .bfloat16
        return .native(
          AttributeBag(["min": .float(Double(-Tracer.dtypeMax(d))), "max": .float(Double(Tracer.dtypeMax(d)))]))
      }
      if let d = NKIModule.dtypeNames[name] { return .dtype(d) }
      switch name {
      case "sbuf": return .memorySpace(.sbuf)
      case "psum": return .memorySpace(.psum)
      case "hbm": return .memorySpace(.hbm)
      case "shared_hbm": return .memorySpace(.sharedHBM)
      case "private_hbm": return .memorySpace(.privateHBM)
      case "tile_size": return NKIModule.value(.tileSize, name: "nl.tile_size")
      case "constants": return NKIModule.value(.nlConstants, name: "nl.constants")
      case "mgrid": return .native(MGridObject())
      default:
        if let f = LegacyNKIAPI.function(named: "nl." + name) { return NKIModule.apiFunction(f) }
        return .native(UnsupportedAPI("nl." + name, isPrivate: name.hasPrefix("_")))
      }
    case .tileSize:
      let target = try ev.binding(as: Tracer.self, at: loc).target
      switch name {
      case "pmax": return .int(target.pmax)
      case "psum_fmax", "psum_bank_fmax": return .int(target.psumFmax)
      case "psum_bank_fmax_bytes": return .int(target.psumBankBytes)
      case "psum_num_banks": return .int(target.psumBanks)
      case "gemm_stationary_fmax": return .int(target.gemmStationaryFmax)
      case "gemm_moving_fmax": return .int(target.gemmMovingTileFmax)
      case "bn_stats_fmax": return .int(target.bnStatsFmax)
      case "psum_min_align": return .int(4)
      case "sbuf_min_align": return .int(1)
      case "total_available_sbuf_size", "sbuf_fmax_bytes": return .int(target.sbufBytesPerPartition)
      case "sbuf_fmax": return .int(target.sbufBytesPerPartition / 4)
      case "sbuf_size_bytes": return .int(target.sbufBytesPerPartition * 128)
      default: throw TraceError(.unsupported(.api("nl.tile_size.\(name)")), at: loc)
      }
    case .nisa:
      switch name {
      case "nc_version": return NKIModule.value(.ncVersion, name: "nisa.nc_version")
      case "tensor_engine", "vector_engine", "scalar_engine", "gpsimd_engine", "unknown_engine":
        return .string("engine:" + name.replacingOccurrences(of: "_engine", with: ""))
      case "engine": return NKIModule.value(.engine, name: "nisa.engine")
      case "reduce_cmd", "dge_mode", "oob_mode":
        return NKIModule.value(.constants("nisa." + name), name: "nisa." + name)
      case "neuron_isa": return .native(UnsupportedAPI("nisa.neuron_isa", isPrivate: true))
      default:
        if let f = LegacyNKIAPI.function(named: "nisa." + name) { return NKIModule.apiFunction(f) }
        return .native(UnsupportedAPI("nisa." + name, isPrivate: name.hasPrefix("_")))
      }
    case .ncVersion:
      switch name {
      case "gen2": return .int(2)
      case "gen3": return .int(3)
      case "gen4": return .int(4)
      default: throw TraceError(.unsupported(.api("nisa.nc_version.\(name)")), at: loc)
      }
    case .engine:
      return .string("engine:\(name)")
    case .compiler:
      switch name {
      case "sbuf": return NKIModule.value(.allocation(.sbuf), name: "ncc.sbuf")
      case "psum": return NKIModule.value(.allocation(.psum), name: "ncc.psum")
      case "skip_middle_end_transformations", "enable_stack_allocator", "force_auto_alloc":
        // Kernel decorators that steer AWS's compiler; they do not change what the kernel computes.
        return .native(PassthroughDecorator("ncc." + name))
      case "multi_buffer":
        // A loop directive (`directives=ncc.multi_buffer(n)`): how many buffers AWS's allocator
        // gives the loop's tiles, which does not change what the loop computes.
        guard let f = LegacyNKIAPI.function(named: "ncc.multi_buffer") else { return nil }
        return .builtin(
          BuiltinFunction(f.signature) { a, ev, loc throws(TraceError) in
            let factor = try ev.binding(as: Tracer.self, at: loc).intValue(a[0] ?? .int(2), at: loc)
            guard factor >= 1 else {
              throw TraceError.python(
                "ValueError", "ncc.multi_buffer(factor=\(factor)): factor must be at least 1", at: loc)
            }
            return .native(InertAnnotation("ncc.multi_buffer(\(factor))"))
          })
      default: return .native(UnsupportedAPI("ncc." + name))
      }
    case .allocation(let space):
      // Direct allocation places a tensor's tiles at the kernel's addresses; Tessel allocates the
      // tensor itself in the same memory (docs/legacy-nki.md says what that does not check).
      let prefix = space == .psum ? "ncc.psum." : "ncc.sbuf."
      guard let f = LegacyNKIAPI.function(named: prefix + name) else { return .native(UnsupportedAPI(prefix + name)) }
      return .builtin(BuiltinFunction(f.signature) { _, _, _ throws(TraceError) in .memorySpace(space) })
    case .nlConstants:
      switch name {
      case "sizeinbytes":
        // `sizeinbytes(dtype)`: the bytes of one element of an NKI or numpy dtype.
        return .builtin(
          BuiltinFunction("nl.constants.sizeinbytes(dtype)") { a, ev, loc throws(TraceError) in
            guard let d = try ev.binding(as: Tracer.self, at: loc).dtypeArgument(a[0], at: loc) else {
              throw TraceError.python("TypeError", "sizeinbytes() expects a dtype, got None", at: loc)
            }
            return .int(d.byteSize)
          })
      default: return .native(UnsupportedAPI("nl.constants." + name))
      }
    case .isaConstants:
      switch name {
      case "engine": return NKIModule.value(.engine, name: "nisa.engine")
      case "reduce_cmd", "dge_mode", "oob_mode":
        return NKIModule.value(.constants("nisa." + name), name: "nisa." + name)
      default: return nil
      }
    case .constants(let prefix):
      return .string("\(prefix).\(name)")
    case .typing:
      // `nt.scalar(tile)` reads a loop bound from a tile at run time (a dynamic loop): not modelled.
      if name == "scalar" {
        return .native(
          UnsupportedAPI(
            "nki.typing.scalar (a loop bound read from a tile at run time: a loop the hardware runs). The legacy "
              + "neuronxcc.nki.typing.scalar has no public documentation; NKI documents run-time loop bounds only "
              + "in the current dialect (nl.dynamic_range, which Tessel models, and nl.fori_loop), so the legacy "
              + "form is not modelled"))
      }
      // `nt.tensor[...]`, `nt.mutable_tensor`: annotations, inert at trace time.
      return .native(InertAnnotation("nki.typing." + name))
    case .numpy:
      if name == "random" { return NKIModule.value(.numpyRandom, name: "numpy.random") }
      // An interactive session's host arrays come first; in a kernel, numpy's trace-time values.
      let interactive = try ev.binding(as: Tracer.self, at: loc).interactive != nil
      if let v = NumpyModule.attribute(named: name, ev), !interactive || !NKIModule.hostNumpyNames.contains(name) {
        return v
      }
      return NKIModule.numpyFunction("np." + name)
    case .numpyRandom:
      return NKIModule.numpyFunction("np.random." + name)
    }
  }

  /// The numpy functions an interactive session answers before numpy's own (``NumpyModule``):
  /// files, and the ones that also take device tensors.
  static let hostNumpyNames: Set<String> = [
    "array", "asarray", "load", "save", "allclose", "max", "min", "sum", "mean",
  ]

  /// A numpy function: host arrays in an interactive session, then numpy's trace-time values
  /// (``NumpyModule``), then the refusal of numpy inside a kernel.
  static func numpyFunction(_ name: String) -> Value {
    .builtin(
      BuiltinFunction(name + "(*args, **kwargs)") { a, ev, loc throws(TraceError) in
        let tracer = try ev.binding(as: Tracer.self, at: loc)
        let args = CallArguments(bound: a, names: ["args", "kwargs"], location: loc, function: name)
        if tracer.interactive != nil, let v = try tracer.callHostNumpy(name, args) { return v }
        if name.hasPrefix("np."), let f = NumpyModule.attribute(named: String(name.dropFirst(3)), ev) {
          return try ev.call(f, a.extraPositional, a.extraKeywords, at: loc)
        }
        return try tracer.callMath(name, args)
      })
  }
}

/// Arguments of a call bound to an API signature, read by NKI's parameter names.
struct CallArguments {
  var bound: BoundArguments
  /// The signature's parameter names, in order.
  var names: [String]
  var location: SourceLocation
  var function: String

  /// Positional arguments beyond the named parameters (`*args`).
  var positional: [Value] { bound.extraPositional }
  /// Keywords beyond the named parameters (`**kwargs`).
  var keywords: [(String, Value)] { bound.extraKeywords }

  /// The argument for parameter `name`, if given; for functions taking `*args, **kwargs`, the
  /// keyword `name` or else the positional argument at `index`.
  func get(_ index: Int, _ name: String) -> Value? {
    if let i = names.firstIndex(of: name) { return bound[i] }
    if let k = keywords.first(where: { $0.0 == name }) { return k.1 }
    return index >= 0 && index < positional.count ? positional[index] : nil
  }

  /// The keyword `name` of a call taking `*args, **kwargs` whose only keyword is `name`
  /// (`t.reshape(shape=...)`); a `TypeError` naming any other keyword.
  func onlyKeyword(_ name: String) throws(TraceError) -> Value? {
    if let k = keywords.first(where: { $0.0 != name }) {
      throw TraceError.typeError(.arguments(function: function, problem: .unexpectedKeyword(k.0)), at: location)
    }
    return keywords.first(where: { $0.0 == name })?.1
  }

  /// The one argument of a tensor method taking `*args, **kwargs`, by position or keyword.
  ///
  /// For `t.view(dtype)` or `t.astype(dtype=...)`: the argument `name`, nil when it is not
  /// given; a `TypeError` for another keyword, a second positional argument, or both forms.
  func onlyArgument(_ name: String) throws(TraceError) -> Value? {
    let keyword = try onlyKeyword(name)
    if positional.count + (keyword == nil ? 0 : 1) > 1 {
      throw TraceError.typeError(
        .arguments(
          function: function,
          problem: keyword == nil
            ? .tooManyPositional(minimum: 1, maximum: 1, given: positional.count, keywordOnlyGiven: 0)
            : .multipleValues(name)),
        at: location)
    }
    return positional.first ?? keyword
  }

  /// A required argument (the evaluator has checked that it was given).
  func require(_ index: Int, _ name: String) throws(TraceError) -> Value {
    guard let v = get(index, name) else {
      throw TraceError.typeError(
        .arguments(function: function, problem: .missing([name], keywordOnly: false)), at: location)
    }
    return v
  }
}

/// A module whose every attribute is an inert annotation (`numpy.typing`).
final class InertNamespace: NativeModule {
  let name: String
  init(_ name: String) { self.name = name }
  func attribute(_ attribute: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    .native(InertAnnotation(name + "." + attribute))
  }
  var attributeNames: [String] { [] }
}
