import TesselIR
import TesselNumerics

/// Where a run reads one parameter from.
public enum ParameterSource {
  /// fp32 elements in caller memory (row-major). For an fp32 parameter the kernel reads them
  /// where they are and its writes to the parameter land there; for another dtype they are
  /// copied in, rounded to the dtype, and copied back when the kernel writes the parameter.
  case inPlace(UnsafeMutableBufferPointer<Float>)
  /// fp32 elements the kernel only reads: used where they are when the parameter is fp32 and
  /// the kernel never writes it, copied in otherwise. Never written.
  case readOnly(UnsafeBufferPointer<Float>)
  /// The closure writes the parameter's elements (row-major) into simulated memory; `rounded`
  /// says whether they are already values of the parameter's dtype (else they are rounded). With
  /// ``RunOptions/parallel``, the closures of different parameters may run concurrently.
  case filled(rounded: Bool, (UnsafeMutableBufferPointer<Float>) -> Void)
  /// The elements encoded in the parameter's dtype (little-endian, row-major: the bytes of a
  /// `.npy` of that dtype), valid for the whole run. They are decoded into simulated memory; a
  /// bitcast view of a parameter the kernel never writes reads these bytes themselves, so it sees
  /// patterns the decoded values cannot hold (a uint32 above 2^24 viewed as packed fp8).
  case encoded(UnsafeRawBufferPointer)
  /// Caller memory that receives the parameter's final contents, and `fill(range, memory)`, which
  /// writes the parameter's initial elements `range` (row-major, values of its dtype) there.
  ///
  /// When the kernel provably never reads the parameter (it only writes it, through views whose
  /// written elements the run records exactly: ``Interpreter/fillsOnlyUnwritten(_:)``), the run
  /// lends `memory` without filling it and afterwards fills only the elements no instruction
  /// wrote; otherwise it fills all of `memory` first and runs as ``inPlace(_:)``.
  case inPlaceFilling(UnsafeMutableBufferPointer<Float>, fill: (Range<Int>, UnsafeMutableBufferPointer<Float>) -> Void)
}

/// Where a run hands back one tensor's final contents (never-written elements as NaN).
public enum ResultSink {
  /// Caller memory for the elements (row-major): an fp32 output is stored there directly by the
  /// kernel's own writes; other tensors are copied there after the run.
  case inPlace(UnsafeMutableBufferPointer<Float>)
  /// The closure reads the elements after the run, from simulated memory.
  case read((UnsafeBufferPointer<Float>) -> Void)
}

extension Interpreter {
  /// Runs the kernel with each parameter read from `parameters` (signature order) and each
  /// returned tensor handed to `outputs` (return order).
  ///
  /// `finalParameters`, when given, has an
  /// optional sink per parameter that receives its final contents, unless the parameter ran in
  /// place (then they are in the caller's memory already). Every other entry point is built on
  /// this one.
  ///
  /// fp32 data runs in place: no copy in or out, and no fresh memory (the simulated memory of
  /// finished runs is kept for the next ones, ``releaseCachedMemory()``). This is the entry point
  /// for callers that own their buffers and run one kernel many times: trace and build the
  /// interpreter once, then call this (or ``run(parameters:outputs:)``) per call.
  public func run(
    sources parameters: [ParameterSource], results outputs: [ResultSink], finalParameters: [ResultSink?] = []
  ) throws(KernelError) -> RunReport {
    guard parameters.count == kernel.parameters.count else {
      throw KernelError(
        .argumentMismatch(
          parameter: kernel.name, expected: "\(kernel.parameters.count) parameters", actual: "\(parameters.count)"))
    }
    guard outputs.count == kernel.outputs.count else {
      throw KernelError(
        .argumentMismatch(
          parameter: kernel.name, expected: "\(kernel.outputs.count) outputs", actual: "\(outputs.count)"))
    }
    func checkCount(_ t: TensorID, _ name: String, _ count: Int) throws(KernelError) {
      guard count == kernel[t].elementCount else {
        throw KernelError(
          .argumentMismatch(
            parameter: name, expected: "\(kernel[t].elementCount) elements (shape \(kernel[t].shape))",
            actual: "\(count) elements"))
      }
    }
    // The origin shadow mirrors the arena, so a tracked run copies instead of lending.
    let mayLend = !options.trackUninitializedOrigins
    // A parameter filled only where the kernel leaves it unwritten is lent unfilled; every other
    // one is filled now and runs in place.
    let given = parameters
    var fillAfter: [Int] = []
    var parameters = parameters
    for (i, p) in kernel.parameters.enumerated() {
      guard case .inPlaceFilling(let memory, let fill) = parameters[i] else { continue }
      try checkCount(p.tensor, p.name, memory.count)
      if mayLend && fillsOnlyUnwritten(p.tensor) {
        fillAfter.append(i)
      } else {
        fill(0..<memory.count, memory)
      }
      parameters[i] = .inPlace(memory)
    }
    var lent: [(tensor: Int, memory: UnsafeMutablePointer<Float>)] = []
    var filled: [Int] = []
    for (i, (p, source)) in zip(kernel.parameters, parameters).enumerated() {
      let t = p.tensor.index
      let lendable = mayLend && bindSlots[t] >= 0
      switch source {
      case .inPlace(let b), .inPlaceFilling(let b, _):
        try checkCount(p.tensor, p.name, b.count)
        if lendable, let base = b.baseAddress { lent.append((t, base)) } else { filled.append(i) }
      case .readOnly(let b):
        try checkCount(p.tensor, p.name, b.count)
        // Safe to lend: the kernel never writes the parameter.
        if lendable && !isWritten[t], let base = b.baseAddress {
          lent.append((t, UnsafeMutablePointer(mutating: base)))
        } else {
          filled.append(i)
        }
      case .filled:
        filled.append(i)
      case .encoded(let b):
        try checkCount(p.tensor, p.name, b.count / Swift.max(1, kernel[p.tensor].dtype.byteSize))
        try checkExactIntegers(p, encoded: b)
        filled.append(i)
      }
    }
    for (o, sink) in zip(kernel.outputs, outputs) {
      guard case .inPlace(let b) = sink else { continue }
      try checkCount(o, kernel[o].name, b.count)
      // A returned parameter lives where its parameter does; its output buffer gets a copy.
      if mayLend && bindSlots[o.index] >= 0 && kernel[o].role != .parameter, let base = b.baseAddress {
        lent.append((o.index, base))
      }
    }
    let state = ExecutionState(interpreter: self, lent: lent)
    defer { state.release() }
    if options.trackUninitializedOrigins { state.originTracker = OriginTracker(interpreter: self) }
    for (p, source) in zip(kernel.parameters, parameters) {
      if case .encoded(let b) = source, !isWritten[p.tensor.index] { state.parameterBytes[p.tensor.index] = b }
    }
    fillParameters(filled, of: state) { i, region in
      switch parameters[i] {
      case .inPlace(let b), .inPlaceFilling(let b, _):
        if let s = b.baseAddress, let d = region.baseAddress { d.update(from: s, count: region.count) }
      case .readOnly(let b):
        if let s = b.baseAddress, let d = region.baseAddress { d.update(from: s, count: region.count) }
      case .filled(_, let fill): fill(region)
      case .encoded(let b):
        if let s = b.baseAddress { self.kernel[self.kernel.parameters[i].tensor].dtype.decode(s, into: region) }
      }
    } rounded: { i in
      switch parameters[i] {
      case .filled(let rounded, _): return rounded
      case .encoded: return true
      default: return false
      }
    }
    try state.runAllInstances()
    var report = finishedReport(state)
    for (o, sink) in zip(kernel.outputs, outputs) {
      switch sink {
      case .inPlace(let b): finishOutput(o, state, into: b, report: &report)
      case .read(let body):
        // The values are made final where they are, then read there.
        let region = state.region(of: o.index)
        finishOutput(o, state, into: region, report: &report)
        body(UnsafeBufferPointer(region))
      }
    }
    if let tracker = state.originTracker { report.addOrigins(tracker.origins()) }
    checkParameterCoverage(state, report: &report)
    for i in fillAfter {
      if case .inPlaceFilling(let memory, let fill) = given[i] {
        state.fillUnwritten(kernel.parameters[i].tensor.index, memory, fill)
      }
    }
    noteSharedWrites(report: &report)
    // A lent parameter's final contents are already in the caller's memory.
    for i in filled {
      let t = kernel.parameters[i].tensor.index
      let region = UnsafeBufferPointer(state.region(of: t))
      if case .inPlace(let b) = parameters[i], isWritten[t], let d = b.baseAddress, let s = region.baseAddress {
        d.update(from: s, count: b.count)
      }
      if i < finalParameters.count, let sink = finalParameters[i] { Self.hand(region, to: sink) }
    }
    if options.strict {
      let warnings = report.warnings.filter { $0.severity == .warning }
      if !warnings.isEmpty { throw KernelError(.warningsAsErrors(warnings), at: warnings[0].location ?? .unknown) }
    }
    return report
  }

  /// Warns about the tensors several SPMD program instances write in the same elements
  /// (``Kernel/sharedWrites``), after a run that checked they wrote equal values.
  func noteSharedWrites(report: inout RunReport) {
    guard kernel.instanceCount > 1 else { return }
    for shared in kernel.sharedWrites {
      let e = shared.overlap
      report.warnings.append(
        Diagnostic(
          .warning,
          "SPMD program instances write the same elements: \(e.accessSummary) of the SPMD grid \(kernel.grid); "
            + "this run checked that they write equal values to every element they share, so the result does "
            + "not depend on the order the instances run in",
          at: e.location.isKnown ? e.location : nil))
    }
  }

  /// Warns about output parameters (written, never read) that some of their elements were
  /// written by no instruction of any program instance: they keep the values passed in, which a
  /// wrong `--grid` or a missed tile would leave unnoticed.
  func checkParameterCoverage(_ state: ExecutionState, report: inout RunReport) {
    for p in kernel.parameters where recordsWrites[p.tensor.index] {
      let n = kernel[p.tensor].elementCount
      let missing = state.unwrittenCount(of: p.tensor.index)
      guard missing > 0 else { continue }
      let by =
        kernel.instanceCount > 1
        ? "written by no program instance of the grid \(kernel.grid)" : "never written by the kernel"
      report.warnings.append(
        Diagnostic(
          .warning, "parameter `\(p.name)`: \(missing) of \(n) elements were \(by); they keep the values passed in",
          at: kernel[p.tensor].location.isKnown ? kernel[p.tensor].location : nil))
    }
  }

  /// Copies `values` into a sink.
  static func hand(_ values: UnsafeBufferPointer<Float>, to sink: ResultSink) {
    switch sink {
    case .inPlace(let b):
      if let d = b.baseAddress, let s = values.baseAddress {
        d.update(from: s, count: Swift.min(b.count, values.count))
      }
    case .read(let body): body(values)
    }
  }

  /// Runs the kernel on memory the caller owns, without copying fp32 data in or out.
  ///
  /// `parameters` holds each parameter's elements (row-major, signature order) and `outputs`
  /// receives each returned tensor's (return order); elements the kernel never writes come back
  /// as NaN, with a warning. fp32 tensors are used in place: the kernel reads the caller's
  /// parameter memory directly, its writes to a parameter land there, and it stores its results
  /// straight into `outputs`. Tensors of other dtypes are copied in (rounded to the dtype) and
  /// out (a parameter only when the kernel writes it). The buffers must not overlap.
  ///
  /// ```swift
  /// var c = [Float](repeating: 0, count: a.count)
  /// let report = try a.withUnsafeMutableBufferPointer { a in
  ///   try b.withUnsafeMutableBufferPointer { b in
  ///     try c.withUnsafeMutableBufferPointer { c in try interpreter.run(parameters: [a, b], outputs: [c]) }
  ///   }
  /// }
  /// ```
  public func run(
    parameters: [UnsafeMutableBufferPointer<Float>], outputs: [UnsafeMutableBufferPointer<Float>]
  ) throws(KernelError) -> RunReport {
    try run(sources: parameters.map { .inPlace($0) }, results: outputs.map { .inPlace($0) })
  }

  /// Runs the kernel on parameter values given in signature order.
  ///
  /// Each array holds a parameter's elements in row-major order; values are rounded to the
  /// parameter's dtype on the way in.
  public func run(_ arguments: [[Float]]) throws(KernelError) -> RunResult {
    guard arguments.count == kernel.parameters.count else {
      throw KernelError(
        .argumentMismatch(
          parameter: kernel.name, expected: "\(kernel.parameters.count) arguments", actual: "\(arguments.count)"))
    }
    for (p, a) in zip(kernel.parameters, arguments) where a.count != kernel[p.tensor].elementCount {
      let t = kernel[p.tensor]
      throw KernelError(
        .argumentMismatch(
          parameter: p.name, expected: "\(t.elementCount) elements (shape \(t.shape))", actual: "\(a.count) elements"))
    }
    return try run(filling: { index, buffer in
      arguments[index].withUnsafeBufferPointer { src in
        if let s = src.baseAddress, let d = buffer.baseAddress { d.update(from: s, count: buffer.count) }
      }
    })
  }

  /// Runs the kernel with each parameter's elements written straight into simulated HBM by
  /// `fill(parameterIndex, buffer)` (row-major, before rounding to the parameter's dtype), which
  /// saves a copy of every argument.
  ///
  /// With ``RunOptions/parallel`` the calls for different
  /// parameters may run concurrently.
  public func run(filling fill: (Int, UnsafeMutableBufferPointer<Float>) -> Void) throws(KernelError) -> RunResult {
    try withoutActuallyEscaping(fill) { (fill) throws(KernelError) -> RunResult in
      let sources = kernel.parameters.indices.map { i in ParameterSource.filled(rounded: false) { fill(i, $0) } }
      var report = RunReport()
      var failure: KernelError?
      let collect = options.collectParameters
      var parameters: [[Float]] = []
      // The returned arrays are the outputs' own memory for the run: fp32 results land there.
      let outputs = makeArrays(of: Float.self, counts: kernel.outputs.map { kernel[$0].elementCount }) { buffers in
        parameters = makeArrays(
          of: Float.self, counts: collect ? kernel.parameters.map { kernel[$0.tensor].elementCount } : []
        ) { finals in
          do throws(KernelError) {
            report = try run(
              sources: sources, results: buffers.map { .inPlace($0) }, finalParameters: finals.map { .inPlace($0) })
          } catch { failure = error }
        }
      }
      if let failure { throw failure }
      return RunResult(outputs: outputs, parameters: parameters, report: report)
    }
  }

  /// Writes the parameters at `indices` into a fresh state's HBM by `fill(parameterIndex,
  /// region)`, then rounds them to their dtypes unless `rounded(parameterIndex)`; different
  /// parameters concurrently when the run has several workers.
  func fillParameters(
    _ indices: [Int], of state: ExecutionState, _ fill: (Int, UnsafeMutableBufferPointer<Float>) -> Void,
    rounded: (Int) -> Bool = { _ in false }
  ) {
    func fillOne(_ i: Int) {
      let t = kernel.parameters[i].tensor
      let region = state.region(of: t.index)
      fill(i, region)
      if kernel[t].dtype != .float32 && !rounded(i) { kernel[t].dtype.quantize(region) }
    }
    if workerCount > 1 {
      concurrently(indices.count) { fillOne(indices[$0]) }
    } else {
      for i in indices { fillOne(i) }
    }
  }

  /// The report of a finished run, with the allocation's high-water marks.
  func finishedReport(_ state: ExecutionState) -> RunReport {
    var report = state.report()
    report.readsNeverWrittenMemory = !state.warnings.isEmpty
    report.sbufHighWaterBytes = allocation.sbufHighWater
    report.psumHighWaterBytes = allocation.psumHighWater
    report.sbufCapacityBytes = options.target.sbufBytesPerPartition
    report.psumCapacityBytes = options.target.psumBytesPerPartition
    if !kernel.devicePrints.isEmpty { report.devicePrints = devicePrintOutputs(state) }
    return report
  }

  /// Hands one output back into `buffer` (NaN where never written) and warns when elements were
  /// never written (counted exactly from the origin shadow when tracking).
  func finishOutput(
    _ o: TensorID, _ state: ExecutionState, into buffer: UnsafeMutableBufferPointer<Float>, report: inout RunReport
  ) {
    let unwritten = state.finishOutput(o, into: buffer)
    let n = state.originTracker?.unwrittenCount(of: o.index) ?? unwritten
    if n > 0 {
      report.readsNeverWrittenMemory = true
      report.warnings.append(
        Diagnostic(
          .warning, "output `\(kernel[o].name)` has \(n) of \(buffer.count) elements that the kernel never wrote",
          at: kernel[o].location.isKnown ? kernel[o].location : nil))
    }
  }
}

/// Arrays of `counts[i]` elements each, initialized by `body` through their own memory (every
/// element of every buffer must be written; on return each array holds what was written).
///
/// The arrays exist at once, so that a run can store its results straight into the arrays it
/// returns instead of copying them there.
public func makeArrays<Element>(
  of: Element.Type, counts: [Int], _ body: ([UnsafeMutableBufferPointer<Element>]) -> Void
) -> [[Element]] {
  var result: [[Element]] = []
  func build(_ i: Int, _ buffers: [UnsafeMutableBufferPointer<Element>]) {
    guard i < counts.count else {
      body(buffers)
      return
    }
    let array = [Element](unsafeUninitializedCapacity: counts[i]) { buffer, count in
      HugePages.advise(buffer.baseAddress, byteCount: counts[i] * MemoryLayout<Element>.stride)
      build(i + 1, buffers + [buffer])
      count = counts[i]
    }
    result.insert(array, at: 0)
  }
  build(0, [])
  return result
}
