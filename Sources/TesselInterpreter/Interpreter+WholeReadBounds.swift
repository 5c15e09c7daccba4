import TesselIR

extension Interpreter {
  /// The bounds probes of the sources an instruction reads whole under a mask on loop indices and
  /// program ids alone (a transpose's or a matmul's operands, which do not walk its iteration
  /// space): the verifier leaves their bounds to run time, where the mask says whether they are
  /// read at all.
  static func wholeReadProbes(_ op: Operation, _ kernel: Kernel) -> [BoundsProbe] {
    guard !op.sourcesWalkIterationSpace else { return [] }
    var out: [BoundsProbe] = []
    for (_, v) in op.sources {
      let t = kernel[v.tensor]
      for kd in 0..<t.shape.count {
        let (lo, hi) = v.extent(along: kd)
        let s = v.start[kd]
        out.append(
          BoundsProbe(
            size: t.shape[kd], constant: s.constant,
            terms: s.terms.map { (slot: $0.variable.index, coef: $0.coefficient) }, lo: lo, hi: hi))
      }
    }
    return out
  }
}

extension View {
  /// How far the view reaches from its start along tensor dimension `kd`: the least and greatest
  /// offset over every index of its dimensions.
  func extent(along kd: Int) -> (lo: Int, hi: Int) {
    var lo = 0
    var hi = 0
    for d in dims {
      let e = d.steps[kd] * Swift.max(0, d.count - 1)
      lo += Swift.min(0, e)
      hi += Swift.max(0, e)
    }
    return (lo, hi)
  }
}

extension ExecutionState {
  /// Throws when `v`, read whole at the current loop indices, leaves its tensor.
  func checkWholeBounds(_ v: View, _ ci: CompiledInstruction) throws(KernelError) {
    let t = interpreter.kernel[v.tensor]
    for kd in 0..<t.shape.count {
      let s = v.start[kd].evaluate { env[$0.index] }
      let (lo, hi) = v.extent(along: kd)
      if s + lo < 0 || s + hi >= t.shape[kd] {
        throw KernelError(
          .outOfBounds(tensor: t.name, dimension: kd, low: s + lo, high: s + hi, size: t.shape[kd]),
          operation: ci.instruction.operation.nkiName, at: ci.instruction.location)
      }
    }
  }
}
