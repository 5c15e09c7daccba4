import TesselIR
import TesselPython

extension Tracer {
  /// The most iterations of each enclosing loop whose values a `nl.device_print` keeps.
  static let devicePrintIterations = 8
  /// The most elements one `nl.device_print`'s log may hold (16 MiB of fp32).
  static let devicePrintLogLimit = 1 << 22

  /// `nl.device_print(prefix, x, mask=None)`: copies the tile, at each execution, into a slice of
  /// an HBM log tensor indexed by the program ids and the enclosing loops' variables
  /// (``DevicePrint``); the run prints the slices written.
  ///
  /// At the prompt, outside any kernel and
  /// loop, it prints at once.
  func devicePrint(_ a: CallArguments) throws(TraceError) -> Value {
    let loc = a.location
    let prefixValue = try a.require(0, "prefix")
    let prefix: String
    if case .string(let s) = prefixValue { prefix = s } else { prefix = try str(prefixValue) }
    let xValue = try a.require(1, "x")
    guard let x = xValue.tensor else {
      throw TraceError.python(
        "TypeError",
        "nl.device_print prints a tile or tensor, not \(xValue.typeName); print(...) shows Python values at trace time",
        at: loc)
    }
    let shape = x.view.shape
    let userMask = try maskConditions(a.get(-1, "mask"), rank: shape.count, shape: shape, at: loc)
    if let session = interactive, symbolicLoops.isEmpty {
      guard userMask.isEmpty else { throw TraceError.unsupported("nl.device_print(mask=...) at the prompt", at: loc) }
      try session.flush()
      let values = try gatherValues(x)
      session.print("\(prefix) \(formatArray(values, shape: shape, dtype: decl(x).dtype))\n")
      return .none
    }
    if interactive != nil {
      throw TraceError.unsupported("nl.device_print inside a loop typed at the prompt; call it in a kernel", at: loc)
    }

    // The leading axes: program ids, then the enclosing loops, outermost first.
    var axes: [DevicePrint.Axis] = []
    var indices: [AffineExpr] = []
    for (axis, size) in grid.enumerated() where size > 1 {
      axes.append(DevicePrint.Axis(name: "program_id(\(axis))", first: 0, direction: 1, slots: size, count: size))
      let program = concreteProgram.map { AffineExpr(constant: axis < $0.count ? $0[axis] : 0) }
      indices.append(program ?? AffineExpr(builder.programID(axis: axis)))
    }
    var loops: [Loop] = []
    for begin in builder.openLoops {
      guard case .loopBegin(let l) = builder.kernel.instructions[begin].operation else { continue }
      if l.dynamic != nil {
        throw TraceError.unsupported("nl.device_print inside a loop whose extent is read at run time", at: loc)
      }
      loops.append(l)
    }
    // Keep the first iterations of each loop: as many as fit the log's limit, at most 8.
    let tileElements = max(1, shape.reduce(1, *))
    let gridSlots = axes.map(\.slots).reduce(1, *)
    func slots(_ l: Loop, keeping n: Int) -> Int { min(abs(l.stop - l.start), n * abs(l.step)) }
    var keep = Tracer.devicePrintIterations
    while keep > 1
      && loops.map({ max(1, slots($0, keeping: keep)) }).reduce(gridSlots * tileElements, *)
        > Tracer.devicePrintLogLimit
    {
      keep -= 1
    }
    let logElements = loops.map { max(1, slots($0, keeping: keep)) }.reduce(gridSlots * tileElements, *)
    if logElements > Tracer.devicePrintLogLimit {
      throw TraceError.unsupported(
        "nl.device_print of a \(shape) tile here would log \(logElements) elements (limit \(Tracer.devicePrintLogLimit)); print a slice of it",
        at: loc)
    }
    var mask = userMask
    for l in loops {
      let direction = l.step > 0 ? 1 : -1
      let kept = max(1, slots(l, keeping: keep))
      let trips =
        l.step > 0
        ? max(0, (l.stop - l.start + l.step - 1) / l.step) : max(0, (l.start - l.stop - l.step - 1) / -l.step)
      axes.append(
        DevicePrint.Axis(
          name: indexName(l.variable), first: l.start, direction: direction, stride: abs(l.step), slots: kept,
          count: trips))
      let slot = (AffineExpr(l.variable) - l.start) * direction
      indices.append(slot)
      if kept < abs(l.stop - l.start) {
        mask.append(
          AffineCondition(coefficients: Array(repeating: 0, count: shape.count), offset: slot - kept, comparison: .less)
        )
      }
    }
    let log = try newTensor(axes.map(\.slots) + shape, decl(x).dtype, .hbm, name: "device_print", at: loc)
    let slice = try subscriptTensor(log, indices.map { IndexEntry.scalar($0) }, at: loc)
    let op: Operation =
      decl(x).space.isHBM ? .dmaCopy(dst: slice.view, src: x.view) : .store(dst: slice.view, src: x.view)
    try emit(op, mask: mask, at: loc)
    builder.addDevicePrint(DevicePrint(prefix: prefix, log: log.id, axes: axes, tile: x.id, location: loc))
    return .none
  }
}
