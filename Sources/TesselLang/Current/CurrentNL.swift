import TesselIR
import TesselPython

/// The `nki.language` functions of the current dialect: tensor creation, index helpers, loop
/// ranges and launch queries. (The elementwise `nl.*` wrappers over `nisa` are not modelled yet;
/// their names are located errors.)
enum CurrentNL {
  /// One function: its Python signature and its body.
  struct Function: Sendable {
    let signature: String
    let body: @Sendable (BoundArguments, Evaluator, SourceLocation) throws(TraceError) -> Value
  }

  static let functions: [String: Function] = [
    "ndarray": Function(signature: "nl.ndarray(shape, dtype, buffer=nl.sbuf, name='', address=None)", body: ndarray),
    "ds": Function(signature: "nl.ds(start, size)") { a, ev, loc throws(TraceError) in
      .native(
        NkiDynamicSlice(start: try ev.intValue(a[0] ?? .none, at: loc), size: try ev.intValue(a[1] ?? .none, at: loc)))
    },
    "affine_range": Function(signature: "nl.affine_range(*args)") { a, ev, loc throws(TraceError) in
      .native(RollingRange(try range(a, ev, loc), affine: true))
    },
    "sequential_range": Function(signature: "nl.sequential_range(*args)") { a, ev, loc throws(TraceError) in
      .native(RollingRange(try range(a, ev, loc)))
    },
    "static_range": Function(signature: "nl.static_range(*args)") { a, ev, loc throws(TraceError) in
      .native(try range(a, ev, loc))
    },
    "range": Function(signature: "nl.range(*args)") { a, ev, loc throws(TraceError) in
      .native(RollingRange(try range(a, ev, loc)))
    },
    "dynamic_range": Function(signature: "nl.dynamic_range(start, stop=None, step=1)", body: dynamicRange),
    "program_id": Function(signature: "nl.program_id(axis=0)") { a, ev, loc throws(TraceError) in
      let t = try ev.binding(as: CurrentTracer.self, at: loc)
      let axis = try ev.intValue(a[0] ?? .int(0), at: loc)
      guard axis == 0 else {
        throw TraceError.python("ValueError", "nl.program_id(axis=\(axis)): a launch has one axis", at: loc)
      }
      return .int(t.programID)
    },
    "num_programs": Function(signature: "nl.num_programs(axes=0)") { a, ev, loc throws(TraceError) in
      .int(try ev.binding(as: CurrentTracer.self, at: loc).programs)
    },
    "program_ndim": Function(signature: "nl.program_ndim()") { _, ev, loc throws(TraceError) in
      .int(try ev.binding(as: CurrentTracer.self, at: loc).programRank)
    },
    "par_dim": Function(signature: "nl.par_dim(size)", body: parDim),
    "device_print": Function(signature: "nl.device_print(prefix, tensor)") { a, ev, loc throws(TraceError) in
      try ev.binding(as: CurrentTracer.self, at: loc).devicePrint(a[0], a[1], at: loc)
    },
  ]

  /// `nki.language` names of the current dialect Tessel does not model yet: calling one is a
  /// located error. (Legacy names and the convenience layer are in ``LegacySpelling``.)
  static let unmodelled: Set<String> = [
    "rand", "random_seed", "shared_constant", "shared_identity_matrix", "gather_flattened", "dropout", "fori_loop",
    "while_loop", "no_reorder",
  ]

  /// A function of the table as a Python builtin.
  static func builtin(_ name: String, _ f: Function) -> Value {
    .builtin(BuiltinFunction(f.signature, f.body))
  }

  /// The Python range of `nl.affine_range(...)` and its siblings (loop indices are integers;
  /// `affine_range` and `sequential_range` wrap it in a ``RollingRange``).
  static func range(_ a: BoundArguments, _ ev: Evaluator, _ loc: SourceLocation) throws(TraceError) -> PyRange {
    var p: [Int] = []
    for x in a.extraPositional { p.append(try ev.intValue(x, at: loc)) }
    switch p.count {
    case 1: return PyRange(0, p[0], 1)
    case 2: return PyRange(p[0], p[1], 1)
    case 3:
      guard p[2] != 0 else { throw TraceError.python("ValueError", "range() arg 3 must not be zero", at: loc) }
      return PyRange(p[0], p[1], p[2])
    default:
      throw TraceError.typeError(.message("range expected 1 to 3 integer arguments, got \(p.count)"), at: loc)
    }
  }

  /// `nl.ndarray(shape, dtype, buffer, name, address)`.
  static func ndarray(_ a: BoundArguments, _ ev: Evaluator, _ loc: SourceLocation) throws(TraceError) -> Value {
    let t = try ev.binding(as: CurrentTracer.self, at: loc)
    var shape: [Int] = []
    for x in try ev.iterate(a[0] ?? .none, at: loc) { shape.append(try ev.intValue(x, at: loc)) }
    guard case .native(let o)? = a[1], let d = o as? NkiDType else {
      throw TraceError.typeError(
        .message(
          "nl.ndarray() argument 'dtype' must be an NKI dtype such as nl.float32, not \(a[1]?.typeName ?? "None")"),
        at: loc)
    }
    let dtype = try d.storedType(at: loc)
    var space = MemorySpace.sbuf
    if let b = a[2], !b.isNone {
      guard case .native(let bo) = b, let buffer = bo as? NkiBuffer else {
        throw TraceError.typeError(
          .message(
            "nl.ndarray() argument 'buffer' must be nl.sbuf, nl.psum or an HBM buffer (a string is not accepted since NKI 0.3), not \(b.typeName)"
          ), at: loc)
      }
      space = buffer.space
    }
    guard shape.allSatisfy({ $0 >= 1 }), !shape.isEmpty else {
      throw TraceError(rule: .invalidShape(tensor: "nl.ndarray", shape: shape), operation: "ndarray", at: loc)
    }
    var name = ""
    if case .string(let s)? = a[3] { name = s }
    if name.isEmpty { name = ev.assignmentTarget ?? t.freshName("t") }
    return .native(try t.declare(name: name, space: space, shape: shape, dtype: dtype, packing: d.packing, at: loc))
  }

  /// `nl.par_dim(size)`: deprecated in the current dialect, it returns its argument unchanged,
  /// with a warning (NKI's own front end does the same).
  ///
  /// The first dimension of an on-chip tensor is its partition dimension, so `(nl.par_dim(128),
  /// 512)` is `(128, 512)`. NKI removed block dimensions: a `par_dim` after the first dimension
  /// marks nothing, and `(4, nl.par_dim(128), 512)` is a tensor of 4 partitions; the warning
  /// says so.
  static func parDim(_ a: BoundArguments, _ ev: Evaluator, _ loc: SourceLocation) throws(TraceError) -> Value {
    let t = try ev.binding(as: CurrentTracer.self, at: loc)
    let text =
      "nl.par_dim is deprecated and returns its argument unchanged: the first dimension of an on-chip tensor is "
      + "its partition dimension, and NKI removed the block dimensions that could stand before it "
      + "((4, nl.par_dim(128), 512) is a tensor of 4 partitions; write (128, 4, 512) or a list of tiles)"
    if !t.warnings.contains(where: { $0.0 == text && $0.1 == loc }) { t.warn(text, at: loc) }
    return a[0] ?? .none
  }

  /// `nl.dynamic_range(start, stop, step)`: a loop the hardware runs, its stop a register.
  static func dynamicRange(_ a: BoundArguments, _ ev: Evaluator, _ loc: SourceLocation) throws(TraceError) -> Value {
    var start = 0
    var stopValue = a[0] ?? .none
    if let s = a[1], !s.isNone {
      start = try ev.intValue(stopValue, at: loc)
      stopValue = s
    }
    var step = 1
    if let s = a[2] { step = try ev.intValue(s, at: loc) }
    guard step > 0 else {
      throw TraceError.python("AssertionError", "nl.dynamic_range needs a positive constant step", at: loc)
    }
    guard case .native(let o) = stopValue, let reg = o as? NkiTensor else {
      // A Python integer stop: an ordinary loop.
      return .native(RollingRange(PyRange(start, try ev.intValue(stopValue, at: loc), step)))
    }
    return .native(DynamicRange(start: start, stop: reg, step: step))
  }
}

/// `nl.dynamic_range(start, register, step)`: its `for` loop becomes one IR loop the hardware runs,
/// the body traced once; the loop index is usable only as a runtime offset.
final class DynamicRange: NativeObject {
  let start: Int
  let stop: NkiTensor
  let step: Int
  init(start: Int, stop: NkiTensor, step: Int) {
    self.start = start
    self.stop = stop
    self.step = step
  }
  var typeName: String { "dynamic_range" }

  func driveLoop(_ loop: ForLoop, _ ev: Evaluator) throws(TraceError) -> Flow? {
    let t = try ev.binding(as: CurrentTracer.self, at: loop.location)
    let bound = try stop.irView(at: loop.location)
    let v = t.builder.beginDynamicLoop(
      name: loop.targetName ?? "i", start: start, step: step, bound: .stop(bound), location: loop.location)
    try loop.bind(.native(RuntimeIndex(v)), ev)
    let flow = try loop.runBody(ev)
    do { try t.builder.endLoop(location: loop.location) } catch { throw TraceError(.kernel(error), at: loop.location) }
    switch flow {
    case .normal: return try loop.runElse(ev)
    default:
      throw TraceError.unsupported(
        "break, continue or return inside nl.dynamic_range (the hardware runs the loop)", at: loop.location)
    }
  }
}

/// The index of a loop the hardware runs: it has no Python value.
final class RuntimeIndex: NativeObject {
  let variable: IndexVar
  init(_ variable: IndexVar) { self.variable = variable }
  var typeName: String { "dynamic loop index" }
  func truth(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Bool {
    throw TraceError(
      .symbolicValue("the index of nl.dynamic_range has no value at trace time (the hardware runs the loop)"),
      at: location)
  }
  func asInteger(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Int? {
    throw TraceError(
      .symbolicValue("the index of nl.dynamic_range has no value at trace time (the hardware runs the loop)"),
      at: location)
  }
}
