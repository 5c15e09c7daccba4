import Dispatch
import Foundation
import TesselIR
import TesselMachine
import TesselNumerics

/// Run-time checks before an instruction executes: masked bounds and reads of never-written memory.
extension ExecutionState {
  // MARK: - Checks

  /// Bounds-checks the views of a masked instruction over the elements its mask keeps.
  func checkMaskedBounds(_ ci: CompiledInstruction) throws(KernelError) {
    // Fast path: when the unmasked extent is inside every tensor, the masked one is too.
    let envp = UnsafePointer(env)
    var inside = true
    for p in ci.facts.probes where !p.holds(envp) {
      inside = false
      break
    }
    if inside { return }
    let k = interpreter.kernel
    let op = ci.instruction.operation
    if case .matmul = op {
      // Its operands are read where its masks, moved onto them, keep elements.
      if !ci.maskKeepsNone(envp) { try checkMatmulOperandBounds(ci) }
    } else if !op.sourcesWalkIterationSpace && ci.mask.allSatisfy({ $0.coefficients.allSatisfy { $0 == 0 } })
      && !ci.maskKeepsNone(envp)
    {
      // A mask on loop indices alone runs the instruction whole: its sources are read whole.
      for s in op.sources { try checkWholeBounds(s.view, ci) }
    }
    var views: [View] = []
    if let d = op.destination, op.iteratesOverDestination { views.append(d) }
    if op.sourcesWalkIterationSpace { views += op.sources.map(\.view) }
    let counts = ci.counts
    let rank = counts.count
    for v in views where v.dims.count == rank || (v.dims.count == 1 && rank == 2) {
      let t = k[v.tensor]
      // Index of tensor dim `kdim` at iteration index `idx`: start + Σ steps·idx.
      var lo = Array(repeating: Int.max, count: t.shape.count)
      var hi = Array(repeating: Int.min, count: t.shape.count)
      let starts = v.start.map { $0.evaluate { env[$0.index] } }
      ci.rows.forEachRowUnmerged(counts: counts, mask: ci.mask, env: UnsafePointer(env)) { idx, jlo, jhi in
        for kd in 0..<t.shape.count {
          var base = starts[kd]
          // A size-1 operand dimension (a [P, 1] vector operand) stays at index 0.
          for d in 0..<(rank - 1) where d < v.dims.count {
            base += v.dims[d].steps[kd] * Swift.min(idx[d], v.dims[d].count - 1)
          }
          let s = rank - 1 < v.dims.count && v.dims[rank - 1].count > 1 ? v.dims[rank - 1].steps[kd] : 0
          let a = base + s * jlo
          let b = base + s * (jhi - 1)
          lo[kd] = Swift.min(lo[kd], Swift.min(a, b))
          hi[kd] = Swift.max(hi[kd], Swift.max(a, b))
        }
      }
      for kd in 0..<t.shape.count where lo[kd] <= hi[kd] && (lo[kd] < 0 || hi[kd] >= t.shape[kd]) {
        throw KernelError(
          .outOfBounds(tensor: t.name, dimension: kd, low: lo[kd], high: hi[kd], size: t.shape[kd]),
          operation: op.nkiName, at: ci.instruction.location)
      }
    }
  }

  /// Warns (once per instruction) when an instruction reads never-written elements.
  ///
  /// Only
  /// tensors that may still hold poison are scanned, so the check is free in steady state.
  func checkPoisonedReads(_ ci: CompiledInstruction, pc: Int) {
    let sourceTensors = ci.facts.sourceTensors
    let addsInto = ci.facts.addsInto
    var any = addsInto >= 0 && poison.mayHold[addsInto]
    for t in sourceTensors where poison.mayHold[t] { any = true }
    if !any { return }
    // Under a mask that keeps nothing, nothing is read.
    if !ci.mask.isEmpty && ci.maskKeepsNone(UnsafePointer(env)) { return }
    let op = ci.instruction.operation
    // An operation that adds into its accumulator reads every element it writes there.
    if addsInto >= 0 && poison.mayHold[addsInto], let d = op.destination {
      let (count, total) = countPoison(d, ci.views[0], ci)
      if count > 0 {
        warnNeverWritten(ci, pc: pc, tensor: d.tensor, "accumulates into \(count) of \(total)", operand: "dst")
        return
      }
    }
    if case .indirectDMA(let p) = op {
      // Only the gathered elements are read, at the places the indices name.
      if p.side == .source && poison.mayHold[p.src.tensor.index] {
        let (count, total) = indirectPoisonCount(ci, p)
        if count > 0 {
          return warnNeverWritten(ci, pc: pc, tensor: p.src.tensor, "reads \(count) of \(total)", operand: "src")
        }
      }
      // (A never-written index stops the instruction with an error when it runs.)
      return
    }
    let sources = op.sources
    let hasDst = op.destination != nil
    for (i, s) in sources.enumerated() where poison.mayHold[s.view.tensor.index] {
      let fv = ci.views[i + (hasDst ? 1 : 0)]
      var count = 0
      var total = 0
      // Under a mask, only the elements the instruction keeps are read.
      // (A masked transpose reads the source elements its mask, moved to the source, keeps; a
      // masked matmul the operand columns whose products it keeps.)
      let moved = ci.transposedSourceMask ?? ci.matmulOperandMask(operand: s.name)
      let masked =
        (!ci.mask.isEmpty || !ci.contraction.isEmpty) && fv.strides.count == ci.counts.count
        && (op.sourcesWalkIterationSpace || moved != nil)
      // Over the instruction's iteration space, a size-1 operand dimension (a [P, 1] vector
      // operand of a [P, F] instruction) stays at index 0, as in checkMaskedBounds.
      var strides = fv.strides
      if masked {
        for d in strides.indices where d < s.view.dims.count && s.view.dims[d].count == 1 { strides[d] = 0 }
      }
      let it =
        masked
        ? RowIterator(counts: moved?.counts ?? ci.counts, viewStrides: [strides], merge: false)
        : RowIterator(counts: s.view.shape.isEmpty ? [1] : s.view.shape, viewStrides: [fv.strides], merge: true)
      let start = SIMD4(fv.offset(UnsafePointer(env)), 0, 0, 0)
      it.forEachRow(start: start, mask: masked ? (moved?.mask ?? ci.mask) : [], env: UnsafePointer(env)) {
        off, _, lo, hi in
        let p = arena + off[0]
        let st = it.innerStrides[0]
        // A broadcast inner dimension reads one element per row.
        for j in lo..<(st == 0 ? Swift.min(hi, lo + 1) : hi) {
          total += 1
          if Poison.isPoison(p[j &* st]) { count += 1 }
        }
      }
      if count > 0 {
        warnNeverWritten(ci, pc: pc, tensor: s.view.tensor, "reads \(count) of \(total)", operand: s.name)
        return
      }
    }
  }

  /// Warns (once per instruction) that `ci` reads never-written elements of `tensor`: "'op'
  /// \(what) elements of `t` (operand 'name') that were never written".
  func warnNeverWritten(_ ci: CompiledInstruction, pc: Int, tensor: TensorID, _ what: String, operand: String) {
    warned[pc] = true
    let t = interpreter.kernel[tensor]
    let op = ci.instruction.operation
    warnings.append(
      (
        pc,
        Diagnostic(
          .warning, "'\(op.nkiName)' \(what) elements of `\(t.name)` (operand '\(operand)') that were never written",
          at: ci.instruction.location.isKnown ? ci.instruction.location : nil,
          notes: t.location.isKnown ? [Diagnostic(.note, "`\(t.name)` is declared here", at: t.location)] : [])
      ))
  }

  /// How many elements of `ci`'s destination view hold poison, and how many it writes (under the
  /// instruction's mask, when the mask ranges over the destination).
  func countPoison(_ v: View, _ fv: FlatView, _ ci: CompiledInstruction) -> (count: Int, total: Int) {
    let envp = UnsafePointer(env)
    let masked = !ci.mask.isEmpty && fv.strides.count == ci.counts.count && !ci.maskKeepsAll(envp)
    let it =
      masked
      ? RowIterator(counts: ci.counts, viewStrides: [fv.strides], merge: false)
      : RowIterator(counts: v.shape.isEmpty ? [1] : v.shape, viewStrides: [fv.strides], merge: true)
    var count = 0
    var total = 0
    it.forEachRow(start: SIMD4(fv.offset(envp), 0, 0, 0), mask: masked ? ci.mask : [], env: envp) { off, _, lo, hi in
      let p = arena + off[0]
      let st = it.innerStrides[0]
      for j in lo..<hi {
        total += 1
        if Poison.isPoison(p[j &* st]) { count += 1 }
      }
    }
    return (count, total)
  }
}
