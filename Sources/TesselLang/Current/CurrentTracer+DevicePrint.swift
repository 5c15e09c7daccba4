import TesselIR
import TesselPython

extension CurrentTracer {
  /// One iteration of an enclosing `nl.affine_range` / `nl.sequential_range` loop, as
  /// `nl.device_print` tags its output with it.
  struct LoopIteration {
    /// The loop variable's name (`i`).
    var name: String
    /// The variable's value in this iteration.
    var value: Int
    /// The iteration's position in its loop (0 for the first).
    var ordinal: Int
    /// The loop's trip count.
    var count: Int
  }

  /// `nl.device_print(prefix, tensor)`: copies the tensor, at run time, into an HBM log of its
  /// own, tagged with the program id and the enclosing loops' iterations; the run prints it.
  ///
  /// The current dialect runs a loop's body once per index, so each call of an iteration is an
  /// instruction of its own. As in the legacy dialect, the first 8 iterations of each loop are
  /// kept; the last kept call says how many were left out. A loop whose body prints is not
  /// rolled into one IR loop (``RollingRange``), and a print inside a loop whose extent is read
  /// at run time is refused: its one log would keep only the last iteration.
  func devicePrint(_ prefixValue: Value?, _ tensorValue: Value?, at loc: SourceLocation) throws(TraceError) -> Value {
    let prefix: String
    switch prefixValue {
    case .string(let s)?: prefix = s
    case let v?: prefix = try ev.str(v)
    case nil:
      throw TraceError.typeError(
        .message("nl.device_print() missing 1 required positional argument: 'prefix'"), at: loc)
    }
    guard case .native(let o)? = tensorValue, let x = o as? NkiTensor else {
      throw TraceError.python(
        "TypeError",
        "nl.device_print prints a tensor, not \(tensorValue?.typeName ?? "nothing"); "
          + "print(...) shows Python values at trace time",
        at: loc)
    }
    if let promptPrint {
      try promptPrint(prefix, x, loc)
      return .none
    }
    if !builder.openLoops.isEmpty {
      throw TraceError.unsupported("nl.device_print inside a loop whose extent is read at run time", at: loc)
    }
    let limit = CurrentTracer.devicePrintIterations
    guard printLoops.allSatisfy({ $0.ordinal < limit }) else { return .none }
    let src = try x.irView(at: loc)
    let shape = src.shape
    let elements = shape.reduce(1, *)
    if elements > CurrentTracer.devicePrintLogLimit {
      throw TraceError.unsupported(
        "nl.device_print of a \(shape) tensor would log \(elements) elements (limit \(CurrentTracer.devicePrintLogLimit)); print a slice of it",
        at: loc)
    }
    var axes: [DevicePrint.Axis] = []
    if programs > 1 {
      axes.append(DevicePrint.Axis(name: "program_id(0)", first: programID, direction: 1, slots: 1, count: 1))
    }
    for l in printLoops {
      axes.append(DevicePrint.Axis(name: l.name, first: l.value, direction: 1, slots: 1, count: 1))
    }
    let rank = axes.count + shape.count
    let log = builder.declareTensor(
      name: "device_print", space: .hbm, shape: Array(repeating: 1, count: axes.count) + shape, dtype: x.dtype,
      location: loc)
    let dst = View(
      tensor: log, start: Array(repeating: AffineExpr(), count: rank),
      dims: shape.indices.map { View.Dim.along(axes.count + $0, of: rank, count: shape[$0]) })
    emit(x.space.isHBM ? .dmaCopy(dst: dst, src: src) : .store(dst: dst, src: src), at: loc)
    let cut = printLoops.filter { $0.ordinal == limit - 1 && $0.count > limit }
    var entry = DevicePrint(prefix: prefix, log: log, axes: axes, tile: x.storage, location: loc)
    if !cut.isEmpty {
      entry.omitted =
        "later iterations not shown: "
        + cut.map { "the first \(limit) of \($0.count) iterations of `\($0.name)` are kept" }.joined(separator: ", ")
    }
    builder.addDevicePrint(entry)
    return .none
  }

  /// The most iterations of each enclosing loop whose prints are kept.
  static let devicePrintIterations = 8
  /// The most elements one `nl.device_print` may log (16 MiB of fp32).
  static let devicePrintLogLimit = 1 << 22
}
