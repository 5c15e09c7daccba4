import TesselIR

/// Per-element shadow memory that follows values computed from never-written memory back to the
/// read that produced them (``RunOptions/trackUninitializedOrigins``).
///
/// The shadow has one `UInt32` per arena element, at the same offsets. ``unwritten`` marks an
/// element nothing has written; 0 a defined value; any other value is an origin id, 1-based into
/// ``reads``. The state is kept apart from the `Float` values, so it works for every dtype (an
/// int32 or fp8 tile cannot hold a NaN sentinel, and comparisons, conversions, max/min and
/// bitwise ops do not propagate one).
///
/// Before each instruction executes, ``willExecute(_:pc:state:)`` computes the shadow of every
/// element the instruction writes from the shadows of the elements it depends on, following the
/// operation's element-level data flow. The first time an (instruction, operand) pair reads an
/// unwritten element it creates an origin; where several origins meet, the lowest id (the earliest
/// read) wins. Writes of defined values clear the shadow. The tracker assumes a serial run: one
/// on-chip region, the one of worker 0.
final class OriginTracker {
  /// The shadow state of an element that was never written.
  static let unwritten: UInt32 = .max

  let interpreter: Interpreter
  /// One entry per arena element.
  let shadow: UnsafeMutablePointer<UInt32>
  let count: Int

  /// One origin per (instruction, operand), by id - 1.
  var records: [Record] = []
  /// Origin ids by (instruction, operand).
  var ids: [Key: UInt32] = [:]

  /// An origin being collected.
  struct Record {
    var pc: Int
    var operandName: String
    var tensor: Int
    /// The first element read, relative to the tensor.
    var first: Int
    /// Every distinct element read, relative to the tensor.
    var elements: Set<Int>
  }

  /// An (instruction, operand) pair; operand indexes ``Operation/sources``, and
  /// ``accumulatorOperand`` is a matmul's read of its PSUM destination.
  struct Key: Hashable {
    var pc: Int
    var operand: Int
  }

  /// The operand index of a matmul's read of the PSUM values it accumulates into.
  static let accumulatorOperand = 15

  // Per instruction: the one being propagated and its pending writes.
  var pc = 0
  var ci: CompiledInstruction?
  var pendingOffsets: [Int] = []
  var pendingTaints: [UInt32] = []

  /// A shadow for `interpreter`'s arena (serial layout): parameters defined, everything else
  /// never written.
  init(interpreter: Interpreter) {
    self.interpreter = interpreter
    count = Swift.max(1, interpreter.hbmCount + interpreter.onChipCount)
    shadow = .allocate(capacity: count)
    shadow.initialize(repeating: Self.unwritten, count: count)
    for p in interpreter.kernel.parameters {
      let t = p.tensor.index
      let n = interpreter.kernel.tensors[t].elementCount
      (shadow + interpreter.tensorOffsets[t]).update(repeating: 0, count: n)
    }
  }

  deinit { shadow.deallocate() }

  // MARK: - Reading and writing the shadow

  /// The smaller nonzero of two shadows (0 when both are 0).
  @inline(__always)
  static func merge(_ a: UInt32, _ b: UInt32) -> UInt32 {
    a == 0 ? b : (b == 0 ? a : Swift.min(a, b))
  }

  /// The origin a value read from `offset` by source `operand` carries: the element's own when it
  /// has one, a new or existing origin of this instruction and operand when it was never written.
  func read(_ operand: Int, _ offset: Int) -> UInt32 {
    guard offset >= 0 && offset < count else { return 0 }
    let s = shadow[offset]
    if s != Self.unwritten { return s }
    let key = Key(pc: pc, operand: operand)
    let tensor = operandTensor(operand)
    let relative = offset - interpreter.tensorOffsets[tensor]
    if let id = ids[key] {
      records[Int(id) - 1].elements.insert(relative)
      return id
    }
    let name = operand == Self.accumulatorOperand ? "dst" : operandName(operand)
    records.append(Record(pc: pc, operandName: name, tensor: tensor, first: relative, elements: [relative]))
    let id = UInt32(records.count)
    ids[key] = id
    return id
  }

  /// The tensor an operand reads.
  func operandTensor(_ operand: Int) -> Int {
    guard let ci else { return 0 }
    if operand == Self.accumulatorOperand { return ci.facts.destination }
    let sources = ci.facts.sourceTensors
    return operand < sources.count ? sources[operand] : ci.facts.destination
  }

  /// The NKI name of an operand.
  func operandName(_ operand: Int) -> String {
    guard let ci else { return "?" }
    let sources = ci.instruction.operation.sources
    return operand < sources.count ? sources[operand].name : "?"
  }

  /// Queues the shadow of one written element (applied after every read of the instruction, so
  /// that an instruction reading and writing the same tile sees the old shadows).
  @inline(__always)
  func write(_ offset: Int, _ taint: UInt32) {
    pendingOffsets.append(offset)
    pendingTaints.append(taint)
  }

  /// Applies the queued writes.
  func commit() {
    for (o, t) in zip(pendingOffsets, pendingTaints) where o >= 0 && o < count { shadow[o] = t }
    pendingOffsets.removeAll(keepingCapacity: true)
    pendingTaints.removeAll(keepingCapacity: true)
  }

  // MARK: - Propagation

  /// Propagates the shadow through one instruction, before it executes (so that value-dependent
  /// choices, a `where` predicate or a matmul's accumulation mode, see the values it will read).
  func willExecute(_ ci: CompiledInstruction, pc: Int, state: ExecutionState) {
    self.pc = pc
    self.ci = ci
    defer {
      commit()
      self.ci = nil
    }
    let op = ci.instruction.operation
    let envp = UnsafePointer(state.env)
    // Under a mask that keeps nothing, the instruction reads and writes nothing.
    if !ci.mask.isEmpty && ci.maskKeepsNone(envp) { return }
    switch op {
    case .loopBegin, .loopEnd:
      return

    case .dmaTranspose, .dmaCompute, .max8, .findIndex8, .matchReplace8, .streamShuffle, .rangeSelect, .quantizeMX,
      .matmulMX, .registerLoad, .registerStore, .registerMove:
      currentISA(ci, envp)

    case .load, .store, .tensorCopy, .broadcast, .reciprocal, .tensorTensor, .tensorScalar, .scalarTensorTensor:
      // Position to position; every source lane (per-partition operands broadcast) feeds the result.
      let sources = op.sources.count
      walk(ci, envp) { o, _ in
        var t: UInt32 = 0
        for s in 0..<Swift.min(sources, 3) { t = Self.merge(t, read(s, o[s + 1])) }
        write(o[0], t)
      }

    case .dmaCopy(let p):
      let d = p.dst, s = p.src
      if d.shape == s.shape {
        walk(ci, envp) { o, _ in write(o[0], read(0, o[1])) }
      } else {
        // Same element count, other shapes: row-major order of each view.
        let src = offsets(s, ci.views[1], envp), dst = offsets(d, ci.views[0], envp)
        if src.count == dst.count {
          for (so, dof) in zip(src, dst) { write(dof, read(0, so)) }
        } else {
          conservative(ci, envp)
        }
      }

    case .loadTranspose(let p):
      let d = p.dst, s = p.src
      let src = offsets(s, ci.views[1], envp), dst = offsets(d, ci.views[0], envp)
      let r = s.shape.first ?? 1, c = s.shape.count > 1 ? s.shape[1] : 1
      transposed(src, dst, rows: r, cols: c, ci, envp)

    case .transpose(let p):
      let d = p.dst, s = p.src
      let src = offsets(s, ci.views[1], envp), dst = offsets(d, ci.views[0], envp)
      transposed(src, dst, rows: s.partitionCount, cols: s.freeElementCount, ci, envp)

    case .matmul(let m):
      matmul(ci, dst: m.dst, stationary: m.stationary, moving: m.moving, accumulation: m.accumulation, state: state)

    case .activation, .tensorScalarReduce:
      let reduces = ci.facts.reduceDestination >= 0
      let sources = op.sources.count
      let partitions = ci.counts.first ?? 1
      var rowTaint = Array(repeating: UInt32(0), count: reduces ? partitions : 0)
      walk(ci, envp) { o, idx in
        var t: UInt32 = 0
        for s in 0..<Swift.min(sources, 3) { t = Self.merge(t, read(s, o[s + 1])) }
        write(o[0], t)
        if reduces && idx[0] < rowTaint.count { rowTaint[idx[0]] = Self.merge(rowTaint[idx[0]], t) }
      }
      // The reduce destination: one value per partition, the reduction of the row's results.
      if reduces, let rv = ci.views.last {
        let base = rv.offset(envp)
        for p in 0..<partitions { write(base + p * (rv.strides.first ?? 0), rowTaint[p]) }
      }

    case .memset, .iota:
      walk(ci, envp) { o, _ in write(o[0], 0) }

    case .affineSelect(let a):
      let p = a.predicate
      let base = p.offset.evaluate { state.env[$0.index] }
      let rank = ci.counts.count
      var coef = p.coefficients
      while coef.count < rank { coef.append(0) }
      walk(ci, envp) { o, idx in
        var v = base
        for d in 0..<rank { v += coef[d] * idx[d] }
        write(o[0], p.comparison.holds(v) ? read(0, o[1]) : 0)
      }

    case .select(let s):
      let t = s.onTrue, f = s.onFalse
      // The predicate's value picks one operand; a never-written predicate taints the result.
      var lane = 2
      var tSource = -1, fSource = -1
      if t.view != nil { tSource = lane - 1; lane += 1 }
      if f.view != nil { fSource = lane - 1; lane += 1 }
      let mem = state.arena
      walk(ci, envp) { o, _ in
        let c = mem[o[1]]
        let pt = read(0, o[1])
        let taken = (c != 0 && !c.isNaN) ? tSource : fSource
        let vt: UInt32 = taken >= 0 ? read(taken, o[taken + 1]) : 0
        write(o[0], Self.merge(pt, vt))
      }

    case .tensorReduce(let r):
      tensorReduce(ci, dst: r.dst, src: r.src, axes: r.axes, envp)

    case .tensorPartitionReduce(let r):
      let d = r.dst, s = r.src
      let src = offsets(s, ci.views[1], envp), dst = offsets(d, ci.views[0], envp)
      let p = s.partitionCount, f = s.freeElementCount
      guard src.count == p * f, dst.count == f else { return conservative(ci, envp) }
      for j in 0..<f {
        var t: UInt32 = 0
        for i in 0..<p { t = Self.merge(t, read(0, src[i * f + j])) }
        write(dst[j], t)
      }

    case .tensorTensorScan(let scan):
      let d = scan.dst, d0 = scan.data0, d1 = scan.data1, initial = scan.initial
      let a = offsets(d0, ci.views[1], envp), b = offsets(d1, ci.views[2], envp)
      let dst = offsets(d, ci.views[0], envp)
      let p = d0.partitionCount, f = d0.freeElementCount
      var initOffsets: [Int] = []
      if case .view(let iv) = initial { initOffsets = offsets(iv, ci.views[3], envp) }
      guard a.count == p * f, b.count == p * f, dst.count == p * f, initial.view == nil || initOffsets.count >= p else {
        return conservative(ci, envp)
      }
      // A running state: each result depends on every earlier element of its partition.
      for i in 0..<p {
        var t: UInt32 = initOffsets.isEmpty ? 0 : read(2, initOffsets[i])
        for j in 0..<f {
          t = Self.merge(t, Self.merge(read(0, a[i * f + j]), read(1, b[i * f + j])))
          write(dst[i * f + j], t)
        }
      }

    case .bnStats(let b):
      let d = b.dst, s = b.src
      let src = offsets(s, ci.views[1], envp), dst = offsets(d, ci.views[0], envp)
      let p = s.partitionCount, f = s.freeElementCount
      guard src.count == p * f, dst.count == p * 6 else { return conservative(ci, envp) }
      var valid = [Bool](repeating: ci.mask.isEmpty, count: p * f)
      if !ci.mask.isEmpty {
        ci.rows.forEachRowUnmerged(counts: [p, f], mask: ci.mask, env: envp) { outer, lo, hi in
          for j in lo..<hi { valid[outer[0] * f + j] = true }
        }
      }
      // Per half (even and odd elements): the count is defined; mean and variance depend on the
      // half's elements that the mask keeps.
      for i in 0..<p {
        for half in 0..<2 {
          var t: UInt32 = 0
          var j = half
          while j < f {
            if valid[i * f + j] { t = Self.merge(t, read(0, src[i * f + j])) }
            j += 2
          }
          write(dst[i * 6 + half * 3], 0)
          write(dst[i * 6 + half * 3 + 1], t)
          write(dst[i * 6 + half * 3 + 2], t)
        }
      }

    case .bnAggr(let b):
      let d = b.dst, s = b.src
      let src = offsets(s, ci.views[1], envp), dst = offsets(d, ci.views[0], envp)
      let p = s.partitionCount, f = s.freeElementCount
      guard src.count == p * f, dst.count == p * 2 else { return conservative(ci, envp) }
      // Mean and variance depend on every (count, mean, variance) group of the partition.
      for i in 0..<p {
        var t: UInt32 = 0
        for j in 0..<(f / 3 * 3) { t = Self.merge(t, read(0, src[i * f + j])) }
        write(dst[i * 2], t)
        write(dst[i * 2 + 1], t)
      }
    }
  }

  /// Calls `body(laneOffsets, outerIndices)` for every element of the instruction's iteration
  /// space that its mask keeps, with the arena offset of each lane (destination, then sources).
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

  /// `dst[j, i] = src[i, j]` over row-major offsets of a `[rows, cols]` source.
  func transposed(_ src: [Int], _ dst: [Int], rows: Int, cols: Int, _ ci: CompiledInstruction, _ envp: UnsafePointer<Int>) {
    guard src.count == rows * cols, dst.count == rows * cols else { return conservative(ci, envp) }
    let masked = !ci.mask.isEmpty
    for i in 0..<rows {
      for j in 0..<cols where !masked || ci.maskKeeps(element: j * rows + i, envp) {
        write(dst[j * rows + i], read(0, src[i * cols + j]))
      }
    }
  }

  /// `dst[m, n]` depends on `stationary[:, m]`, `moving[:, n]` and, when the matmul adds to what
  /// PSUM holds, on the previous `dst[m, n]`.
  func matmul(
    _ ci: CompiledInstruction, dst: View, stationary: View, moving: View, accumulation: Accumulation,
    state: ExecutionState
  ) {
    let envp = UnsafePointer(state.env)
    let K = stationary.partitionCount, M = stationary.freeElementCount, N = moving.freeElementCount
    let a = offsets(stationary, ci.views[1], envp), b = offsets(moving, ci.views[2], envp)
    let c = offsets(dst, ci.views[0], envp)
    guard a.count == K * M, b.count == K * N, c.count == M * N else { return conservative(ci, envp) }
    var rowsOfA = Array(repeating: UInt32(0), count: M)
    var colsOfB = Array(repeating: UInt32(0), count: N)
    for k in 0..<K {
      for m in 0..<M { rowsOfA[m] = Self.merge(rowsOfA[m], read(0, a[k * M + m])) }
      for n in 0..<N { colsOfB[n] = Self.merge(colsOfB[n], read(1, b[k * N + n])) }
    }
    // The interpreter's choice between overwriting and adding, element by element (see
    // `ExecutionState.matmul`), from the accumulation-group state before this instruction.
    let t = dst.tensor.index
    let base = state.tensorBase(t)
    let flags = state.groups.flags.indices.contains(t) ? state.groups.flags[t] : nil
    let summary: ExecutionState.AccumulationState = state.groups.state.indices.contains(t) ? state.groups.state[t] : .none
    let masked = !ci.mask.isEmpty
    for m in 0..<M {
      for n in 0..<N where !masked || ci.maskKeeps(element: m * N + n, envp) {
        let o = c[m * N + n]
        let adds: Bool
        switch accumulation {
        case .add: adds = true
        case .overwrite: adds = false
        case .auto:
          if let flags, summary == .mixed { adds = flags[o - base] != 0 } else { adds = flags != nil && summary == .all }
        }
        var v = Self.merge(rowsOfA[m], colsOfB[n])
        if adds { v = Self.merge(v, read(Self.accumulatorOperand, o)) }
        write(o, v)
      }
    }
  }

  /// `tensor_reduce`: each kept index depends on the elements of its reduced block that the mask keeps.
  func tensorReduce(_ ci: CompiledInstruction, dst: View, src: View, axes: [Int], _ envp: UnsafePointer<Int>) {
    let s = offsets(src, ci.views[1], envp), d = offsets(dst, ci.views[0], envp)
    let shape = src.shape
    let keptAxes = shape.indices.filter { !axes.contains($0) }
    var out = Array(repeating: UInt32(0), count: d.count)
    // Walk the source row-major with an odometer; each element feeds the kept index it reduces into.
    var idx = Array(repeating: 0, count: shape.count)
    for o in s {
      var keptByMask = true
      for c in ci.mask where keptByMask {
        var v = c.offset(envp)
        for (dim, i) in idx.enumerated() where dim < c.coefficients.count { v += c.coefficients[dim] * i }
        keptByMask = v >= 0
      }
      let target = keptAxes.reduce(0) { $0 * shape[$1] + idx[$1] }
      guard target < out.count else { return conservative(ci, envp) }
      if keptByMask { out[target] = Self.merge(out[target], read(0, o)) }
      var dim = shape.count - 1
      while dim >= 0 {
        idx[dim] += 1
        if idx[dim] < shape[dim] { break }
        idx[dim] = 0
        dim -= 1
      }
    }
    for (o, t) in zip(d, out) { write(o, t) }
  }

  /// The fallback for an operand layout the cases above do not recognise: every written element
  /// takes the lowest origin of every element read.
  func conservative(_ ci: CompiledInstruction, _ envp: UnsafePointer<Int>) {
    let op = ci.instruction.operation
    let hasDst = op.destination != nil
    var t: UInt32 = 0
    for (i, s) in op.sources.enumerated() where i + (hasDst ? 1 : 0) < ci.views.count {
      for o in offsets(s.view, ci.views[i + (hasDst ? 1 : 0)], envp) { t = Self.merge(t, read(i, o)) }
    }
    for (i, d) in op.destinations.enumerated() {
      let fv = i == 0 ? ci.views[0] : ci.views[ci.views.count - 1]
      for o in offsets(d, fv, envp) { write(o, t) }
    }
  }

  /// Marks `count` elements from arena offset `offset` never written (a tile made fresh).
  func markUnwritten(offset: Int, count: Int) {
    guard offset >= 0 && offset + count <= self.count else { return }
    (shadow + offset).update(repeating: Self.unwritten, count: count)
  }

  // MARK: - Report

  /// How many elements of a tensor were never written.
  func unwrittenCount(of t: Int) -> Int {
    let base = interpreter.tensorOffsets[t]
    var n = 0
    for i in 0..<interpreter.kernel.tensors[t].elementCount where shadow[base + i] == Self.unwritten { n += 1 }
    return n
  }

  /// The origin records, as public payloads.
  func uninitializedReads() -> [UninitializedRead] {
    let k = interpreter.kernel
    return records.map { r in
      let t = k.tensors[r.tensor]
      let inst = k.instructions[r.pc]
      return UninitializedRead(
        instruction: r.pc, operation: inst.operation.nkiName, operand: r.operandName, tensor: t.name,
        firstElement: UninitializedOrigin.index(r.first, in: t.shape), elementCount: r.elements.count,
        location: inst.location)
    }
  }

  /// For each returned tensor and each parameter, the elements that derive from each origin: one
  /// entry per (tensor, origin), tensors in return order then parameter order, origins by id.
  func origins() -> [UninitializedOrigin] {
    let k = interpreter.kernel
    let reads = uninitializedReads()
    var seen = Set<Int>()
    var out: [UninitializedOrigin] = []
    let tensors = k.outputs.map { ($0.index, false) } + k.parameters.map { ($0.tensor.index, true) }
    for (t, isParameter) in tensors where !seen.contains(t) {
      seen.insert(t)
      let decl = k.tensors[t]
      let base = interpreter.tensorOffsets[t]
      var byOrigin: [UInt32: [Int]] = [:]
      for i in 0..<decl.elementCount {
        let s = shadow[base + i]
        if s != 0 && s != Self.unwritten { byOrigin[s, default: []].append(i) }
      }
      for (id, elements) in byOrigin.sorted(by: { $0.key < $1.key }) where Int(id) <= reads.count {
        out.append(UninitializedOrigin(
          output: decl.name, isParameter: isParameter && decl.role == .parameter, shape: decl.shape,
          outputLocation: decl.location, elements: elements, read: reads[Int(id) - 1]))
      }
    }
    return out
  }
}
