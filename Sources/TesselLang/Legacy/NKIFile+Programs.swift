import TesselIR
import TesselPython

extension NKIFile {
  /// The most program instances a launch is traced for one by one (``traceEachProgram``).
  static let specializedProgramLimit = 64

  /// Traces an SPMD launch once per program instance, with `nl.program_id` a Python integer:
  /// what the kernel needs when its Python control flow depends on the program id
  /// (`if shard_id == num_shards - 1:`), as AWS's compiler specialises such a kernel per program.
  ///
  /// The programs' instructions follow one another in one kernel without a launch grid, each
  /// stamped with its program (``Instruction/program``, row-major over the grid); each program
  /// has its own on-chip tiles, and the `k`-th HBM tensor a program declares is program 0's
  /// `k`-th (the programs share them). Every program must return the same tensors. Two programs
  /// writing one element of an HBM tensor is the SPMD dependence error, as for a grid
  /// (``DependenceAnalysis/checkPrograms(_:)``). Programs that meet at `nl.all_reduce` calls
  /// are interleaved there (``Tracer/allReduce(_:)``).
  ///
  /// - Parameter refusal: the error of the symbolic trace, whose location names the branch.
  static func traceEachProgram(
    _ fn: PyFunction, name: String, tracer: Tracer, arguments: [KernelArgument],
    keywords: [String: KernelArgument], grid: [Int], target: Target, refusal: TraceError
  ) throws(TraceError) -> TracedKernel {
    let instances = grid.reduce(1, *)
    guard instances <= specializedProgramLimit else {
      let reason =
        tracer.firstCollective == nil
        ? "Python control flow depending on nl.program_id" : "nl.all_reduce across programs"
      throw TraceError.unsupported(
        "\(reason) in a launch of \(instances) program instances "
          + "(Tessel specialises a kernel per program for at most \(specializedProgramLimit))",
        at: refusal.location)
    }
    let ev = tracer.ev
    tracer.reset(kernelName: name)
    defer { tracer.concreteProgram = nil }
    let (positional, kw) = try bindParameters(fn, name: name, tracer: tracer, arguments: arguments, keywords: keywords)
    var first: (result: Value, returnLocation: SourceLocation)?
    var streams: [ProgramStream] = []
    var collectives: [[Tracer.Collective]] = []
    for flat in 0..<instances {
      tracer.concreteProgram = programCoordinates(flat, grid)
      tracer.builder.program = flat
      tracer.sharedHBMSeen = 0
      tracer.collectives = []
      ev.lastReturnLocation = nil
      let start = tracer.builder.instructionCount
      let result = try ev.callFunction(fn, positional, kw, at: fn.location)
      let returnLocation = ev.lastReturnLocation ?? fn.location
      streams.append(
        ProgramStream(
          range: start..<tracer.builder.instructionCount,
          meetings: tracer.collectives.map { .init(instruction: $0.instruction, location: $0.location) }))
      collectives.append(tracer.collectives)
      guard let first else {
        first = (result, returnLocation)
        continue
      }
      guard Self.returnedTensors(result) == Self.returnedTensors(first.result) else {
        throw TraceError.unsupported(
          "program instance \(tracer.concreteProgram ?? []) returns other tensors than program instance "
            + "\(programCoordinates(0, grid)) (every program of a launch returns the same HBM tensors)",
          at: returnLocation)
      }
    }
    tracer.builder.program = 0
    guard let first else { throw TraceError.unsupported("a launch grid without program instances", at: fn.location) }
    let meetings = try tracer.builder.checkMeetings(of: streams, what: "nl.all_reduce across programs")
    if meetings > 0 {
      var exchanges: [[Int]] = []
      for i in 0..<meetings { exchanges.append(try tracer.emitReductions(i, of: collectives)) }
      tracer.builder.interleavePrograms(streams, exchanges: exchanges)
    }
    var traced = try finishTrace(
      first.result, returnLocation: first.returnLocation, name: name, tracer: tracer, grid: [], target: target)
    traced.kernel.programGrid = grid
    // Programs that meet may write equal values to one HBM element (every program stores the
    // reduced tile): the run checks that such writes agree (the programs' write check between
    // rendezvous), where a static check would refuse them.
    guard meetings == 0 else { return traced }
    do {
      try DependenceAnalysis().checkPrograms(traced.kernel)
    } catch {
      throw TraceError(.kernel(KernelError(.dependence(error), at: error.location)), at: error.location)
    }
    return traced
  }

  /// The program ids of the program instance `flat` (row-major over the grid).
  static func programCoordinates(_ flat: Int, _ grid: [Int]) -> [Int] {
    var rest = flat
    var out = [Int](repeating: 0, count: grid.count)
    for axis in grid.indices.reversed() where grid[axis] > 0 {
      out[axis] = rest % grid[axis]
      rest /= grid[axis]
    }
    return out
  }

  /// The tensors a kernel's return value names, in order (nil for anything else).
  static func returnedTensors(_ v: Value) -> [TensorID?] {
    if let t = v.tensor { return [t.id] }
    switch v {
    case .tuple(let xs): return xs.flatMap(returnedTensors)
    case .list(let b): return b.items.flatMap(returnedTensors)
    default: return [nil]
    }
  }
}

extension Tracer {
  /// The HBM tensor program 0 declared in the same place as the one being declared now, when
  /// the kernel is traced once per program; nil when this is program 0's declaration.
  func sharedTensor(_ shape: [Int], _ dtype: DType, at loc: SourceLocation) throws(TraceError) -> TensorID? {
    defer { sharedHBMSeen += 1 }
    guard sharedHBMSeen < sharedHBM.count else {
      guard builder.program == 0 else {
        throw TraceError.unsupported(
          "program instance \(concreteProgram ?? []) declares more HBM tensors than program instance 0 "
            + "(the programs of a launch share their HBM tensors)",
          at: loc)
      }
      return nil
    }
    let id = sharedHBM[sharedHBMSeen]
    let d = builder.tensor(id)
    guard d.shape == shape, d.dtype == dtype else {
      throw TraceError.unsupported(
        "program instance \(concreteProgram ?? []) declares HBM tensor \(sharedHBMSeen) as \(shape) "
          + "\(dtype.nkiName), program instance 0 as \(d.shape) \(d.dtype.nkiName) (the programs of a launch share "
          + "their HBM tensors)",
        at: loc)
    }
    return id
  }
}
