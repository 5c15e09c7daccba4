import TesselIR
import TesselNumerics

/// One row an indirect DMA moves: the arena offsets of its first destination and source elements
/// (row index 0), the range `lo..<hi` of the row it moves, and the offset of the row's index.
struct IndirectRow {
  var dst: Int
  var src: Int
  var lo: Int
  var hi: Int
  var index: Int
}

extension ExecutionState {
  /// Walks the rows an indirect DMA moves (``Operation/IndirectDMA``), with each partition's
  /// index applied to the indirect side: the one definition of where its elements go, shared by
  /// its execution, the never-written check and origin tracking.
  ///
  /// Rows a mask removes are skipped before their index is read. With `checked`, an index that is
  /// not an integer, or that moves the row out of its tensor, throws a located error (or, under
  /// `oob_mode=skip`, skips the row); without it such rows are skipped silently (for the checks
  /// that run before the instruction, which then reports them).
  func forEachIndirectRow(
    _ ci: CompiledInstruction, _ p: Operation.IndirectDMA, checked: Bool, _ body: (IndirectRow) -> Void
  ) throws(KernelError) {
    let k = interpreter.kernel
    let envp = UnsafePointer(env)
    let keepsAll = !ci.mask.isEmpty && ci.maskKeepsAll(envp)
    let mask = keepsAll ? [] : ci.mask
    let rows = ci.rows
    var start = SIMD4<Int>(repeating: 0)
    for (i, v) in ci.views.prefix(3).enumerated() { start[i] = v.offset(envp) }
    let view = p.indirectView
    let tensor = k[view.tensor]
    let ts = tensor.strides
    let unit = zip(p.offsetSteps, ts).reduce(0) { $0 &+ $1.0 &* $1.1 }
    let lane = p.side == .source ? 1 : 0
    let rank = ci.counts.count
    // Per moved tensor dimension: where row (0, …, 0) starts, how far each outer iteration index
    // and the inner one move it.
    let moved = p.offsetSteps.indices.filter { p.offsetSteps[$0] != 0 }
    func step(_ d: Int, _ axis: Int) -> Int { d < view.dims.count ? view.dims[d].steps[axis] : 0 }
    let origin = moved.map { view.start[$0].evaluate { envp[$0.index] } }
    var failure: KernelError?
    rows.forEachRow(start: start, mask: mask, env: envp) { off, idx, lo, hi in
      guard failure == nil else { return }
      let x = arena[off[2]]
      guard x.isFinite, x == x.rounded(), let value = Int(exactly: x) else {
        if checked {
          failure = KernelError(
            .malformed(
              "indices[\(idx[0])] holds \(x.isNaN ? "a never-written value" : "\(x)"), not an integer index"),
            operation: ci.instruction.operation.nkiName, at: ci.instruction.location)
        }
        return
      }
      for (m, axis) in moved.enumerated() {
        var base = origin[m] &+ value &* p.offsetSteps[axis]
        for d in 0..<(rank - 1) { base &+= step(d, axis) &* idx[d] }
        let inner = step(rank - 1, axis)
        let a = base &+ inner &* lo
        let b = base &+ inner &* (hi - 1)
        let low = Swift.min(a, b)
        let high = Swift.max(a, b)
        if low < 0 || high >= tensor.shape[axis] {
          if checked && p.outOfBounds == .error {
            failure = KernelError(
              .indirectOutOfBounds(
                tensor: tensor.name, dimension: axis, partition: idx[0], index: value, low: low, high: high,
                size: tensor.shape[axis]), operation: ci.instruction.operation.nkiName, at: ci.instruction.location)
          }
          return
        }
      }
      var o = off
      o[lane] &+= value &* unit
      body(IndirectRow(dst: o[0], src: o[1], lo: lo, hi: hi, index: off[2]))
    }
    if let failure { throw failure }
  }

  /// Executes an indirect DMA: copies each row to or from the place its index names, converting
  /// to the destination's dtype.
  func indirectDMA(_ ci: CompiledInstruction, _ p: Operation.IndirectDMA) throws(KernelError) {
    let dtype = interpreter.kernel[p.dst.tensor].dtype
    let inner = ci.rows.innerStrides
    let mem = arena
    try forEachIndirectRow(ci, p, checked: true) { r in
      let dp = mem + r.dst
      let sp = mem + r.src
      for j in r.lo..<r.hi { dp[j &* inner[0]] = sp[j &* inner[1]] }
      quantizeRow(dtype, dp, inner[0], r.lo, r.hi)
    }
  }

  /// Counts the never-written elements a gather reads, at the places its indices name.
  func indirectPoisonCount(_ ci: CompiledInstruction, _ p: Operation.IndirectDMA) -> (count: Int, total: Int) {
    let inner = ci.rows.innerStrides[1]
    var count = 0
    var total = 0
    let mem = arena
    try? forEachIndirectRow(ci, p, checked: false) { r in
      for j in r.lo..<r.hi {
        total += 1
        if Poison.isPoison(mem[r.src &+ j &* inner]) { count += 1 }
      }
    }
    return (count, total)
  }
}
