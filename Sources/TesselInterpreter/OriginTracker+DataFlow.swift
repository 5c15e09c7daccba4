import TesselIR

extension OriginTracker {
  /// Propagates the shadow through one instruction, before it executes (so that value-dependent
  /// choices, a `where` predicate or a matmul's accumulation mode, see the values it will read).
  ///
  /// The propagation follows the operation's ``DataFlow`` over its operand lanes
  /// (``CompiledInstruction/lanes``: the destination, the operands read, then any second
  /// destination), by their ``OperandRole``: every operation of one data flow shares one rule.
  /// An operation's attributes are read only where the flow depends on them (the reduced axes
  /// of `tensor_reduce`, the permutation of `dma_transpose`, the row map of
  /// `nc_stream_shuffle`, a matmul's accumulation mode, a select's predicate).
  func willExecute(_ ci: CompiledInstruction, pc: Int, state: ExecutionState) {
    guard let flow = ci.instruction.operation.info?.dataFlow, !ci.lanes.isEmpty else { return }
    self.pc = pc
    self.ci = ci
    defer {
      commit()
      self.ci = nil
    }
    let envp = UnsafePointer(state.env)
    // Under a mask that keeps nothing, the instruction reads and writes nothing.
    if !ci.mask.isEmpty && ci.maskKeepsNone(envp) { return }
    switch flow {
    case .generated: walk(ci, envp) { o, _ in write(o[0], 0) }
    case .elementwise: elementwise(ci, envp, state)
    case .reshape: reshape(ci, envp)
    case .transpose: transpose(ci, envp)
    case .contraction: contraction(ci, state)
    case .freeReduction: freeReduction(ci, envp)
    case .partitionReduction: partitionReduction(ci, envp)
    case .scan: scan(ci, envp)
    case .statistics: statistics(ci, envp)
    case .indirect: indirect(ci, state)
    }
  }

  /// Each element an indirect DMA moves from the place its partition's index names (or to it),
  /// tainted by the source element and the index.
  func indirect(_ ci: CompiledInstruction, _ state: ExecutionState) {
    guard case .indirectDMA(let p) = ci.instruction.operation else { return conservative(ci, UnsafePointer(state.env)) }
    let inner = ci.rows.innerStrides
    try? state.forEachIndirectRow(ci, p, checked: false) { r in
      let index = read(2, r.index)
      for j in r.lo..<r.hi {
        write(r.dst &+ j &* inner[0], Self.merge(read(1, r.src &+ j &* inner[1]), index))
      }
    }
  }

  /// The lanes the instruction reads (sources, per-partition operands and predicates).
  func readLanes(_ ci: CompiledInstruction) -> [Int] {
    ci.lanes.indices.filter { !ci.lanes[$0].role.isWritten }
  }

  /// The lanes of second destinations (one value per partition).
  func reduceLanes(_ ci: CompiledInstruction) -> [Int] {
    ci.lanes.indices.filter { ci.lanes[$0].role == .reduceDestination }
  }

  /// The arena offsets of lane `lane`'s elements in row-major order of its view.
  func offsets(_ ci: CompiledInstruction, lane: Int, _ envp: UnsafePointer<Int>) -> [Int] {
    offsets(ci.lanes[lane].view, ci.views[lane], envp)
  }

  // MARK: - Elementwise

  /// Each destination element from the same position of every lane read (per-partition lanes
  /// broadcast along the row); a second destination takes its partition's merged origins.
  ///
  /// `nl.where`'s predicate picks the lane that feeds each element; `affine_select`'s affine
  /// predicate leaves the elements it fills from its immediate defined.
  func elementwise(_ ci: CompiledInstruction, _ envp: UnsafePointer<Int>, _ state: ExecutionState) {
    let reads = readLanes(ci)
    guard reads.count <= 3 else { return conservative(ci, envp) }
    let op = ci.instruction.operation
    if let p = reads.first(where: { ci.lanes[$0].role == .predicate }), case .select(let s) = op {
      return select(ci, predicate: p, onTrueIsTile: s.onTrue.view != nil, onFalseIsTile: s.onFalse.view != nil, state)
    }
    var keeps: ((SIMD8<Int>) -> Bool)?
    if case .affineSelect(let a) = op {
      let p = a.predicate
      let base = p.offset.evaluate { state.env[$0.index] }
      let rank = ci.counts.count
      var coef = p.coefficients
      while coef.count < rank { coef.append(0) }
      keeps = { idx in
        var v = base
        for d in 0..<rank { v += coef[d] * idx[d] }
        return p.comparison.holds(v)
      }
    }
    let reduces = reduceLanes(ci)
    let partitions = ci.counts.first ?? 1
    var rowTaint = [UInt32](repeating: 0, count: reduces.isEmpty ? 0 : partitions)
    walk(ci, envp) { o, idx in
      var t: UInt32 = 0
      if keeps?(idx) ?? true {
        for s in reads { t = Self.merge(t, read(s, o[s])) }
      }
      write(o[0], t)
      if idx[0] < rowTaint.count { rowTaint[idx[0]] = Self.merge(rowTaint[idx[0]], t) }
    }
    for r in reduces { writeRows(ci, lane: r, rowTaint, envp) }
  }

  /// `nl.where`: the predicate's value picks the lane that feeds the element (an immediate is
  /// defined); a never-written predicate taints the result.
  func select(
    _ ci: CompiledInstruction, predicate p: Int, onTrueIsTile: Bool, onFalseIsTile: Bool, _ state: ExecutionState
  ) {
    let envp = UnsafePointer(state.env)
    var lane = p + 1
    var onTrue = -1
    var onFalse = -1
    if onTrueIsTile {
      onTrue = lane
      lane += 1
    }
    if onFalseIsTile { onFalse = lane }
    guard lane < 4 else { return conservative(ci, envp) }
    let mem = state.arena
    walk(ci, envp) { o, _ in
      let c = mem[o[p]]
      let taken = (c != 0 && !c.isNaN) ? onTrue : onFalse
      let value: UInt32 = taken >= 0 ? read(taken, o[taken]) : 0
      write(o[0], Self.merge(read(p, o[p]), value))
    }
  }

  // MARK: - Moving data

  /// Equal element counts, other shapes: the i-th element of each lane read, in row-major order,
  /// feeds the i-th element of the destination (walked under the mask when the shapes agree).
  ///
  /// `nc_stream_shuffle` moves whole partitions by its row map.
  func reshape(_ ci: CompiledInstruction, _ envp: UnsafePointer<Int>) {
    let reads = readLanes(ci)
    if case .streamShuffle(let p) = ci.instruction.operation, reads.count == 1 {
      let src = offsets(ci, lane: reads[0], envp)
      let dst = offsets(ci, lane: 0, envp)
      let cols = p.dst.freeElementCount
      for d in 0..<p.dst.partitionCount {
        guard let s = StreamShuffle.sourceRow(of: d, mask: p.mask) else { continue }
        for c in 0..<cols where s * cols + c < src.count && d * cols + c < dst.count {
          write(dst[d * cols + c], read(reads[0], src[s * cols + c]))
        }
      }
      return
    }
    let shape = ci.lanes[0].view.shape
    if reads.count <= 3 && reads.allSatisfy({ ci.lanes[$0].view.shape == shape }) {
      walk(ci, envp) { o, _ in
        var t: UInt32 = 0
        for s in reads { t = Self.merge(t, read(s, o[s])) }
        write(o[0], t)
      }
      return
    }
    let dst = offsets(ci, lane: 0, envp)
    var taints = [UInt32](repeating: 0, count: dst.count)
    for s in reads {
      let src = offsets(ci, lane: s, envp)
      guard src.count == dst.count else { return conservative(ci, envp) }
      for (j, o) in src.enumerated() { taints[j] = Self.merge(taints[j], read(s, o)) }
    }
    for (o, t) in zip(dst, taints) { write(o, t) }
  }

  /// A permutation of the source's dimensions: `dst[j, i] = src[i, j]` for a `[P, F]` source,
  /// or the axes of `dma_transpose`.
  func transpose(_ ci: CompiledInstruction, _ envp: UnsafePointer<Int>) {
    let reads = readLanes(ci)
    guard reads.count == 1 else { return conservative(ci, envp) }
    let s = reads[0]
    let src = ci.lanes[s].view
    if case .dmaTranspose(let p) = ci.instruction.operation {
      let from = offsets(src.permuted(p.axes), ci.views[s].permuted(p.axes), envp)
      for (d, o) in zip(offsets(ci, lane: 0, envp), from) { write(d, read(s, o)) }
      return
    }
    let from = offsets(ci, lane: s, envp)
    let to = offsets(ci, lane: 0, envp)
    let rows = src.partitionCount
    let cols = src.freeElementCount
    guard from.count == rows * cols, to.count == rows * cols else { return conservative(ci, envp) }
    let masked = !ci.mask.isEmpty
    for i in 0..<rows {
      for j in 0..<cols where !masked || ci.maskKeeps(element: j * rows + i, envp) {
        write(to[j * rows + i], read(s, from[i * cols + j]))
      }
    }
  }

  // MARK: - Contraction

  /// `dst[m, n]` depends on `stationary[:, m]`, `moving[:, n]` and, when the matmul adds to what
  /// PSUM holds, on the previous `dst[m, n]` (the accumulator lane).
  ///
  /// Block-scaled products
  /// (`nc_matmul_mx`) are followed coarsely.
  func contraction(_ ci: CompiledInstruction, _ state: ExecutionState) {
    let envp = UnsafePointer(state.env)
    let reads = readLanes(ci)
    guard reads.count == 2, case .matmul(let mm) = ci.instruction.operation else { return conservative(ci, envp) }
    let (sa, sb) = (reads[0], reads[1])
    let stationary = ci.lanes[sa].view
    let moving = ci.lanes[sb].view
    let dst = ci.lanes[0].view
    let K = stationary.partitionCount
    let M = stationary.freeElementCount
    let N = moving.freeElementCount
    let a = offsets(ci, lane: sa, envp)
    let b = offsets(ci, lane: sb, envp)
    let c = offsets(ci, lane: 0, envp)
    guard a.count == K * M, b.count == K * N, c.count == M * N else { return conservative(ci, envp) }
    var rowsOfA = Array(repeating: UInt32(0), count: M)
    var colsOfB = Array(repeating: UInt32(0), count: N)
    for k in 0..<K {
      for m in 0..<M { rowsOfA[m] = Self.merge(rowsOfA[m], read(sa, a[k * M + m])) }
      for n in 0..<N { colsOfB[n] = Self.merge(colsOfB[n], read(sb, b[k * N + n])) }
    }
    // The interpreter's choice between overwriting and adding, element by element (see
    // `ExecutionState.matmul`), from the accumulation-group state before this instruction.
    let t = dst.tensor.index
    let base = state.tensorBase(t)
    let flags = state.groups.flags.indices.contains(t) ? state.groups.flags[t] : nil
    let summary: ExecutionState.AccumulationState =
      state.groups.state.indices.contains(t) ? state.groups.state[t] : .none
    let masked = !ci.mask.isEmpty
    for m in 0..<M {
      for n in 0..<N where !masked || ci.maskKeeps(element: m * N + n, envp) {
        let o = c[m * N + n]
        let adds: Bool
        switch mm.accumulation {
        case .add: adds = true
        case .overwrite: adds = false
        case .auto:
          if let flags, summary == .mixed {
            adds = flags[o - base] != 0
          } else {
            adds = flags != nil && summary == .all
          }
        }
        var v = Self.merge(rowsOfA[m], colsOfB[n])
        if adds { v = Self.merge(v, read(0, o)) }
        write(o, v)
      }
    }
  }

  // MARK: - Reductions, scans and statistics

  /// A reduction over free axes (`tensor_reduce`): each kept index depends on the elements of its
  /// reduced block that the mask keeps.
  func freeReduction(_ ci: CompiledInstruction, _ envp: UnsafePointer<Int>) {
    let reads = readLanes(ci)
    guard reads.count == 1, case .tensorReduce(let r) = ci.instruction.operation else { return conservative(ci, envp) }
    let s = reads[0]
    let src = offsets(ci, lane: s, envp)
    let dst = offsets(ci, lane: 0, envp)
    let shape = ci.lanes[s].view.shape
    let keptAxes = shape.indices.filter { !r.axes.contains($0) }
    var out = Array(repeating: UInt32(0), count: dst.count)
    // Walk the source row-major with an odometer; each element feeds the kept index it reduces into.
    var idx = Array(repeating: 0, count: shape.count)
    for o in src {
      var keptByMask = true
      for c in ci.mask where keptByMask {
        var v = c.offset.value(envp)
        for (dim, i) in idx.enumerated() where dim < c.coefficients.count { v += c.coefficients[dim] * i }
        keptByMask = v >= 0
      }
      let target = keptAxes.reduce(0) { $0 * shape[$1] + idx[$1] }
      guard target < out.count else { return conservative(ci, envp) }
      if keptByMask { out[target] = Self.merge(out[target], read(s, o)) }
      RowMajorIndex.advance(&idx, in: shape)
    }
    for (o, t) in zip(dst, out) { write(o, t) }
  }

  /// A reduction across partitions: each destination element depends on its source column.
  func partitionReduction(_ ci: CompiledInstruction, _ envp: UnsafePointer<Int>) {
    let reads = readLanes(ci)
    guard reads.count == 1 else { return conservative(ci, envp) }
    let s = reads[0]
    let src = offsets(ci, lane: s, envp)
    let dst = offsets(ci, lane: 0, envp)
    let p = ci.lanes[s].view.partitionCount
    let f = ci.lanes[s].view.freeElementCount
    guard src.count == p * f, dst.count == f else { return conservative(ci, envp) }
    for j in 0..<f {
      var t: UInt32 = 0
      for i in 0..<p { t = Self.merge(t, read(s, src[i * f + j])) }
      write(dst[j], t)
    }
  }

  /// A running state along each partition: each result depends on every earlier element of its
  /// partition of the data lanes, and on the partition's per-partition initial value.
  func scan(_ ci: CompiledInstruction, _ envp: UnsafePointer<Int>) {
    let reads = readLanes(ci)
    let data = reads.filter { ci.lanes[$0].role == .source }
    let initial = reads.filter { ci.lanes[$0].role == .perPartition }
    let p = ci.lanes[0].view.partitionCount
    let f = ci.lanes[0].view.freeElementCount
    let dst = offsets(ci, lane: 0, envp)
    let sources = data.map { offsets(ci, lane: $0, envp) }
    let starts = initial.map { offsets(ci, lane: $0, envp) }
    guard dst.count == p * f, sources.allSatisfy({ $0.count == p * f }), starts.allSatisfy({ $0.count >= p }) else {
      return conservative(ci, envp)
    }
    for i in 0..<p {
      var t: UInt32 = 0
      for (lane, o) in zip(initial, starts) { t = Self.merge(t, read(lane, o[i])) }
      for j in 0..<f {
        for (lane, o) in zip(data, sources) { t = Self.merge(t, read(lane, o[i * f + j])) }
        write(dst[i * f + j], t)
      }
    }
  }

  /// Per-partition statistics: every element written to a partition depends on that partition
  /// of every lane read.
  ///
  /// `bn_stats` refines this per half (even and odd elements) and writes
  /// defined counts; `quantize_mx`, whose blocks span partitions, is followed coarsely.
  func statistics(_ ci: CompiledInstruction, _ envp: UnsafePointer<Int>) {
    let reads = readLanes(ci)
    switch ci.instruction.operation {
    case .bnStats: return bnStats(ci, envp)
    case .quantizeMX: return conservative(ci, envp)
    default: break
    }
    let partitions = ci.lanes[0].view.partitionCount
    var rows = [UInt32](repeating: 0, count: partitions)
    for s in reads {
      let view = ci.lanes[s].view
      guard view.partitionCount == partitions else { return conservative(ci, envp) }
      let src = offsets(ci, lane: s, envp)
      let cols = view.freeElementCount
      for (i, o) in src.enumerated() { rows[i / cols] = Self.merge(rows[i / cols], read(s, o)) }
    }
    for lane in ci.lanes.indices where ci.lanes[lane].role.isWritten { writeRows(ci, lane: lane, rows, envp) }
  }

  /// `bn_stats`: per half (even and odd elements), the count is defined and the mean and
  /// variance depend on the half's elements that the mask keeps.
  func bnStats(_ ci: CompiledInstruction, _ envp: UnsafePointer<Int>) {
    let src = offsets(ci, lane: 1, envp)
    let dst = offsets(ci, lane: 0, envp)
    let p = ci.lanes[1].view.partitionCount
    let f = ci.lanes[1].view.freeElementCount
    guard src.count == p * f, dst.count == p * 6 else { return conservative(ci, envp) }
    var valid = [Bool](repeating: ci.mask.isEmpty, count: p * f)
    if !ci.mask.isEmpty {
      ci.rows.forEachRowUnmerged(counts: [p, f], mask: ci.mask, env: envp) { outer, lo, hi in
        for j in lo..<hi { valid[outer[0] * f + j] = true }
      }
    }
    for i in 0..<p {
      for half in 0..<2 {
        var t: UInt32 = 0
        var j = half
        while j < f {
          if valid[i * f + j] { t = Self.merge(t, read(1, src[i * f + j])) }
          j += 2
        }
        write(dst[i * 6 + half * 3], 0)
        write(dst[i * 6 + half * 3 + 1], t)
        write(dst[i * 6 + half * 3 + 2], t)
      }
    }
  }

  // MARK: - Helpers

  /// Writes `taints[row]` to every element of each partition of lane `lane`'s view.
  func writeRows(_ ci: CompiledInstruction, lane: Int, _ taints: [UInt32], _ envp: UnsafePointer<Int>) {
    let cols = Swift.max(1, ci.lanes[lane].view.freeElementCount)
    for (i, o) in offsets(ci, lane: lane, envp).enumerated() where i / cols < taints.count {
      write(o, taints[i / cols])
    }
  }

  /// Calls `body(laneOffsets, outerIndices)` for every element of the instruction's iteration
  /// space that its mask keeps, with the arena offset of each of the first four lanes.
  func walk(_ ci: CompiledInstruction, _ envp: UnsafePointer<Int>, _ body: (SIMD4<Int>, SIMD8<Int>) -> Void) {
    var start = SIMD4<Int>(repeating: 0)
    for (i, v) in ci.views.prefix(4).enumerated() { start[i] = v.offset(envp) }
    let rows = ci.rows
    let inner = rows.innerStrides
    let last = rows.counts.count - 1
    rows.forEachRow(start: start, mask: ci.mask, env: envp) { off, idx, lo, hi in
      var index = idx
      for j in lo..<hi {
        if last < 8 { index[last] = j }
        body(off &+ inner &* SIMD4(repeating: j), index)
      }
    }
  }

  /// The arena offsets of a view's elements in row-major order of its shape (no mask).
  func offsets(_ v: View, _ fv: FlatView, _ envp: UnsafePointer<Int>) -> [Int] {
    var out: [Int] = []
    out.reserveCapacity(v.elementCount)
    let it = RowIterator(counts: v.shape.isEmpty ? [1] : v.shape, viewStrides: [fv.strides], merge: true)
    it.forEachRow(start: SIMD4(fv.offset(envp), 0, 0, 0), mask: [], env: envp) { off, _, lo, hi in
      let st = it.innerStrides[0]
      for j in lo..<hi { out.append(off[0] &+ j &* st) }
    }
    return out
  }

  /// The fallback for a layout the rules above do not recognise: every written element takes
  /// the lowest origin of every element read.
  func conservative(_ ci: CompiledInstruction, _ envp: UnsafePointer<Int>) {
    var t: UInt32 = 0
    for s in readLanes(ci) {
      for o in offsets(ci, lane: s, envp) { t = Self.merge(t, read(s, o)) }
    }
    for lane in ci.lanes.indices where ci.lanes[lane].role.isWritten {
      for o in offsets(ci, lane: lane, envp) { write(o, t) }
    }
  }
}
