import TesselIR
import TesselPython

extension NKIFile {
  /// Traces a current-dialect kernel: runs its Python once per program of the launch and records
  /// every ISA call in one kernel.
  ///
  /// `grid` is the launch: empty for a bare call (`kernel(args)`, one program,
  /// `nl.program_ndim() == 0`), `[n]` for `kernel[n](args)` with `n` programs of a logical
  /// NeuronCore (1 or 2). Programs share the HBM tensors and have on-chip tensors of their own; a
  /// launch of two programs is traced twice (`nl.program_id()` 0, then 1) and the two instruction
  /// streams interleave at their rendezvous (`nisa.sendrecv`, `nisa.core_barrier`), so each
  /// program sees the other's writes made before a shared rendezvous.
  func traceCurrent(
    kernel: String?, arguments: [KernelArgument], keywords: [String: KernelArgument], grid: [Int], target: Target,
    limits: TraceLimits, importPaths: [String], identity: (name: String, package: String, roots: [String])
  ) throws(TraceError) -> TracedKernel {
    let name = try chooseKernel(kernel)
    guard grid.count <= 1, (grid.first ?? 1) >= 1, (grid.first ?? 1) <= 2 else {
      throw TraceError(
        .usage(
          "a current-dialect kernel launches on one logical NeuronCore: kernel[1] or kernel[2] (--lnc 1|2), not \(grid)"
        ),
        at: .unknown)
    }
    let programs = grid.first ?? 1
    let (ev, arena, globals) = moduleEvaluator(limits: limits, importPaths: importPaths, identity: identity)
    defer { arena.clear() }
    let tracer = CurrentTracer(
      kernelName: name, file: file, target: target, programs: programs, programRank: grid.isEmpty ? 0 : 1, evaluator: ev
    )
    ev.activate(tracer)
    let printed = PrintBuffer()
    return try printed.collecting { () throws(TraceError) -> TracedKernel in
      let fn = try runModule(ev, globals, kernel: name, printingTo: printed)
      let (positional, kw) = try NKIFile.bindArguments(fn, name: name, arguments: arguments, keywords: keywords, ev) {
        param, loc, shape, dtype in
        let id = tracer.builder.addParameter(name: param, shape: shape, dtype: dtype, location: loc)
        return .native(NkiTensor.whole(id, decl: tracer.builder.tensor(id), tracer: tracer))
      }

      var results: [Value] = []
      var streams: [(range: Range<Int>, rendezvous: [CurrentTracer.Rendezvous])] = []
      var returnLocation = fn.location
      for p in 0..<programs {
        tracer.programID = p
        tracer.builder.program = programs > 1 ? p : 0
        tracer.sharedHBMSeen = 0
        tracer.rendezvous = []
        let first = tracer.builder.kernel.instructions.count
        ev.lastReturnLocation = nil
        results.append(try ev.callFunction(fn, positional, kw, at: fn.location))
        returnLocation = ev.lastReturnLocation ?? fn.location
        streams.append((first..<tracer.builder.kernel.instructions.count, tracer.rendezvous))
      }
      if programs > 1 { try interleave(streams, tracer: tracer) }

      var outputs: [TensorID] = []
      var shapes: [[Int]?] = []
      let returns = try collectOutputs(
        results[0], tracer: tracer, at: returnLocation, outputs: &outputs, shapes: &shapes)
      tracer.builder.setOutputs(outputs)
      tracer.builder.sequentializeDependentAffineLoops()
      do throws(KernelError) {
        let k = try tracer.builder.finish(target: target, checkDependences: false, foldCopies: false)
        var traced = TracedKernel(kernel: k, name: name, returns: returns)
        traced.outputShapes = shapes
        traced.output = printed.text
        traced.warnings = tracer.warnings.map { Diagnostic(.warning, $0.0, at: $0.1) }
        traced.sourceFiles = ev.sources.keys.sorted()
        return traced
      } catch {
        throw TraceError(.kernel(error), at: error.location)
      }
    }
  }

  /// Collects the returned HBM tensors in order (a tensor, a tuple or a list of them, or None)
  /// and returns how the value nests them; a returned view that is a reshape of a whole tensor
  /// returns the tensor with the view's shape.
  func collectOutputs(
    _ v: Value, tracer: CurrentTracer, at loc: SourceLocation, outputs: inout [TensorID], shapes: inout [[Int]?]
  ) throws(TraceError) -> KernelReturn {
    switch v {
    case .none: return .none
    case .tuple(let xs):
      var parts: [KernelReturn] = []
      for x in xs { parts.append(try collectOutputs(x, tracer: tracer, at: loc, outputs: &outputs, shapes: &shapes)) }
      return .tuple(parts)
    case .list(let l):
      var parts: [KernelReturn] = []
      for x in l.items {
        parts.append(try collectOutputs(x, tracer: tracer, at: loc, outputs: &outputs, shapes: &shapes))
      }
      return .list(parts)
    case .native(let o as NkiTensor):
      let t = o
      guard !t.isOnChip else {
        throw TraceError(
          rule: .wrongMemorySpace(operand: "return value", expected: "shared_hbm", actual: t.space),
          operation: "return", at: loc)
      }
      guard t.offset == 0, t.elementCount == t.storageShape.reduce(1, *), t.isContiguous, t.runtimeOffsets.isEmpty
      else {
        throw TraceError.unsupported(
          "returning a view of part of `\(t.name)` (return the whole tensor, or a reshape of it)", at: loc)
      }
      outputs.append(t.storage)
      shapes.append(t.shape == t.storageShape ? nil : t.shape)
      return .tensor(outputs.count - 1)
    default:
      throw TraceError.python("TypeError", "a kernel returns HBM tensors (or nothing), not \(v.typeName)", at: loc)
    }
  }

  /// Interleaves the instruction streams of a launch's programs at their rendezvous points
  /// (``TesselIR/KernelBuilder/interleavePrograms(_:exchanges:)``), adding the copies of each
  /// `sendrecv`.
  func interleave(
    _ streams: [(range: Range<Int>, rendezvous: [CurrentTracer.Rendezvous])], tracer: CurrentTracer
  ) throws(TraceError) {
    let programs = streams.map { s in
      ProgramStream(
        range: s.range, meetings: s.rendezvous.map { .init(instruction: $0.instruction, location: $0.location) })
    }
    let count = try tracer.builder.checkMeetings(of: programs, what: "sendrecv or core_barrier")
    // Each sendrecv: the peer's send lands in this program's receive.
    var exchanges: [[Int]] = Array(repeating: [], count: count)
    for i in 0..<count {
      for (p, s) in streams.enumerated() {
        let r = s.rendezvous[i]
        guard let receive = r.receive else { continue }
        guard r.peer >= 0, r.peer < streams.count, let send = streams[r.peer].rendezvous[i].send else {
          throw TraceError.unsupported(
            "a sendrecv of program \(p) whose peer does not send at the same point", at: r.location)
        }
        exchanges[i].append(tracer.builder.kernel.instructions.count)
        tracer.builder.program = p  // the receiving program's DMA
        tracer.emit(.dmaCopy(dst: receive, src: send), at: r.location)
      }
    }
    tracer.builder.interleavePrograms(programs, exchanges: exchanges)
  }
}
