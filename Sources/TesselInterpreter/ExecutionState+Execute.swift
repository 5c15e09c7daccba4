import TesselIR
import TesselNumerics

extension ExecutionState {
  /// Executes one instruction: the reference semantics of every operation.
  func execute(_ ci: CompiledInstruction) throws(KernelError) {
    let k = interpreter.kernel
    let op = ci.instruction.operation
    let envp = UnsafePointer(env)
    let mem = arena
    // Row starts of up to four lanes.
    var start = SIMD4<Int>(repeating: 0)
    for (i, v) in ci.views.prefix(4).enumerated() { start[i] = v.offset(envp) }
    // A masked execution whose mask keeps everything walks like an unmasked one.
    let keepsAll = !ci.mask.isEmpty && ci.maskKeepsAll(envp)
    let rows = keepsAll ? (ci.unmaskedRows ?? ci.rows) : ci.rows
    let mask = keepsAll ? [] : ci.mask
    let inner = rows.innerStrides

    switch op {
    case .loopBegin, .loopEnd:
      return

    case .dmaTranspose, .dmaCompute, .max8, .findIndex8, .matchReplace8, .streamShuffle, .rangeSelect, .quantizeMX,
      .matmulMX, .registerLoad, .registerStore, .registerMove:
      try executeCurrentISA(ci)

    case .indirectDMA(let p):
      try indirectDMA(ci, p)

    case .bitcast(let p):
      try executeBitcast(ci, dst: p.dst, src: p.src)

    case .load, .store, .tensorCopy, .broadcast:
      guard let d = op.destination else { return }
      let dtype = k[d.tensor].dtype
      rows.forEachRow(start: start, mask: mask, env: envp) { off, _, lo, hi in
        let dp = mem + off[0]
        let sp = mem + off[1]
        let sd = inner[0]
        let ss = inner[1]
        if sd == 1 && ss == 1 {
          (dp + lo).update(from: sp + lo, count: hi - lo)
        } else {
          for j in lo..<hi { dp[j &* sd] = sp[j &* ss] }
        }
        quantizeRow(dtype, dp, sd, lo, hi)
      }

    case .dmaCopy(let p):
      let d = p.dst
      let s = p.src
      if d.shape == s.shape {
        let dtype = k[d.tensor].dtype
        rows.forEachRow(start: start, mask: mask, env: envp) { off, _, lo, hi in
          let dp = mem + off[0]
          let sp = mem + off[1]
          for j in lo..<hi { dp[j &* inner[0]] = sp[j &* inner[1]] }
          quantizeRow(dtype, dp, inner[0], lo, hi)
        }
      } else {
        // Same element count, different shapes: copy in row-major order of each view.
        gather(s, ci.views[1], into: &operandBuffer)
        scatter(&operandBuffer, to: d, ci.views[0], dtype: k[d.tensor].dtype)
      }

    case .loadTranspose(let p):
      // Its mask names loop indices alone (the verifier's rule): the load runs whole or not at all.
      if !mask.isEmpty && ci.maskKeepsNone(envp) { return }
      let d = p.dst
      let s = p.src
      gather(s, ci.views[1], into: &operandBuffer)
      let r = s.shape[0]
      let c = s.shape[1]
      if secondOperandBuffer.count != r * c { secondOperandBuffer = Array(repeating: 0, count: r * c) }
      for i in 0..<r { for j in 0..<c { secondOperandBuffer[j * r + i] = operandBuffer[i * c + j] } }
      scatter(&secondOperandBuffer, to: d, ci.views[0], dtype: k[d.tensor].dtype)

    case .transpose(let p):
      let d = p.dst
      let s = p.src
      if !mask.isEmpty {
        if !ci.maskKeepsNone(envp) { maskedTranspose(ci, dst: d, src: s) }
        return
      }
      let (p, f) = gatherMatrix(s, ci)
      if secondOperandBuffer.count != p * f { secondOperandBuffer = Array(repeating: 0, count: p * f) }
      for i in 0..<p { for j in 0..<f { secondOperandBuffer[j * p + i] = operandBuffer[i * f + j] } }
      scatter(&secondOperandBuffer, to: d, ci.views[0], dtype: k[d.tensor].dtype)

    case .matmul(let m):
      if !mask.isEmpty || !ci.contraction.isEmpty {
        if !ci.maskKeepsNone(envp) {
          maskedMatmul(ci, dst: m.dst, stationary: m.stationary, moving: m.moving, accumulation: m.accumulation)
        }
        return
      }
      try matmul(
        ci, dst: m.dst, stationary: m.stationary, moving: m.moving, accumulation: m.accumulation,
        rows: m.rowsPerPartition)

    case .tensorTensor where ci.facts.integerArithmetic, .tensorScalar where ci.facts.integerArithmetic:
      try executeIntegerArithmetic(ci, RowWalk(start: start, rows: rows, mask: mask))

    case .tensorTensor(let p):
      let d = p.dst
      let alu = p.op
      let dtype = k[d.tensor].dtype
      rows.forEachRow(start: start, mask: mask, env: envp) { off, _, lo, hi in
        let dp = mem + off[0]
        aluRow(alu, dp, inner[0], mem + off[1], inner[1], mem + off[2], inner[2], lo, hi)
        quantizeRow(dtype, dp, inner[0], lo, hi)
      }

    case .tensorScalar(let p):
      let d = p.dst
      let s0 = p.stage0
      let s1 = p.stage1
      let dtype = k[d.tensor].dtype
      var lane = 2
      let (lane0, i0) = operandLane(s0.operand, next: &lane)
      let (lane1, i1) = s1.map { operandLane($0.operand, next: &lane) } ?? (-1, 0)
      var imm0 = i0
      var imm1 = i1
      withUnsafePointer(to: &imm0) { i0 in
        withUnsafePointer(to: &imm1) { i1 in
          rows.forEachRow(start: start, mask: mask, env: envp) { off, _, lo, hi in
            let dp = mem + off[0]
            let o0 = lane0 >= 0 ? (UnsafePointer(mem + off[lane0]), inner[lane0]) : (i0, 0)
            stageRow(s0.op, reversed: s0.reversed, dp, inner[0], x: mem + off[1], inner[1], operand: o0, lo, hi)
            if let s1 {
              let o1 = lane1 >= 0 ? (UnsafePointer(mem + off[lane1]), inner[lane1]) : (i1, 0)
              stageRow(s1.op, reversed: s1.reversed, dp, inner[0], x: dp, inner[0], operand: o1, lo, hi)
            }
            quantizeRow(dtype, dp, inner[0], lo, hi)
          }
        }
      }

    case .scalarTensorTensor(let p):
      scalarTensorTensor(p, RowWalk(start: start, rows: rows, mask: mask))

    case .tensorScalarReduce(let p):
      tensorScalarReduce(ci, p, RowWalk(start: start, rows: rows, mask: mask))

    case .activation(let p):
      let d = p.dst
      let f = p.function
      let scale = p.scale
      let bias = p.bias
      let rop = p.reduce?.op
      let dtype = k[d.tensor].dtype
      var lane = 2
      let (scaleLane, scaleImm) = operandLane(scale, next: &lane)
      let biasLane = bias == nil ? -1 : lane
      let reduceView: FlatView? = rop != nil ? ci.views.last : nil
      let reduceBase = reduceView?.offset(envp) ?? 0
      let n = rows.rowLength
      if operandBuffer.count < n { operandBuffer = Array(repeating: 0, count: n) }
      // Per-partition reduction accumulators.
      let partitions = ci.counts[0]
      if rop != nil {
        if resultBuffer.count < partitions { resultBuffer = Array(repeating: 0, count: partitions) }
        for p in 0..<partitions { resultBuffer[p] = 0 }
      }
      operandBuffer.withUnsafeMutableBufferPointer { tmpBuf in
        guard let tmp = tmpBuf.baseAddress else { return }
        rows.forEachRow(start: start, mask: mask, env: envp) { off, idx, lo, hi in
          let sp = mem + off[1]
          let sc = scaleLane >= 0 ? mem[off[scaleLane]] : scaleImm
          let bv = biasLane >= 0 ? mem[off[biasLane]] : 0
          let ss = inner[1]
          let dp = mem + off[0]
          let sd = inner[0]
          // A contiguous destination row is the work buffer itself (the source row is read
          // before it is overwritten, element by element, even when they are the same row).
          let row = sd == 1 ? dp : tmp
          // `x · 1` is `x` (−0 and NaN payloads included), so without a bias the unit scale is
          // a copy; a bias is always added, zero included (−0 + 0 = +0, as IEEE addition gives).
          if biasLane < 0 {
            if sc != 1 {
              affineRow(row, sp, ss, scale: sc, bias: nil, lo, hi)
            } else if !(ss == 1 && row == sp) {
              affineRow(row, sp, ss, scale: nil, bias: nil, lo, hi)
            }
          } else {
            affineRow(row, sp, ss, scale: sc, bias: bv, lo, hi)
          }
          f.apply(UnsafeMutableBufferPointer(start: row + lo, count: hi - lo))
          if rop != nil {
            resultBuffer[idx[0]] += reduceRow(.add, row + lo, 1, hi - lo)
          }
          dtype.quantize(UnsafeMutableBufferPointer(start: row + lo, count: hi - lo))
          if sd != 1 { for j in lo..<hi { dp[j &* sd] = tmp[j] } }
        }
      }
      if let rv = reduceView, let rd = ci.instruction.operation.destinations.last {
        let rdt = k[rd.tensor].dtype
        for p in 0..<partitions {
          mem[reduceBase + p * rv.strides[0]] = rdt.quantize(resultBuffer[p])
        }
        poison.mayHold[rd.tensor.index] =
          poison.mayHold[rd.tensor.index] && !View.coversWhole(rd, shape: k[rd.tensor].shape)
      }

    case .reciprocal(let p):
      let d = p.dst
      let dtype = k[d.tensor].dtype
      rows.forEachRow(start: start, mask: mask, env: envp) { off, _, lo, hi in
        let dp = mem + off[0]
        let sp = mem + off[1]
        for j in lo..<hi { dp[j &* inner[0]] = 1 / sp[j &* inner[1]] }
        quantizeRow(dtype, dp, inner[0], lo, hi)
      }

    case .memset(let p):
      let d = p.dst
      let value = p.value
      let dtype = k[d.tensor].dtype
      let v = dtype.quantize(value)
      rows.forEachRow(start: start, mask: mask, env: envp) { off, _, lo, hi in
        let dp = mem + off[0]
        if inner[0] == 1 {
          (dp + lo).update(repeating: v, count: hi - lo)
        } else {
          for j in lo..<hi { dp[j &* inner[0]] = v }
        }
      }

    case .iota(let p):
      let dtype = k[p.dst.tensor].dtype
      forEachAffineRow(ci, p.expression, rows, start: start, mask: mask) { off, lo, hi, v, c in
        let dp = mem + off[0]
        for j in lo..<hi { dp[j &* inner[0]] = Float(v + c * j) }
        quantizeRow(dtype, dp, inner[0], lo, hi)
      }

    case .affineSelect(let a):
      let onFalse = a.onFalse
      let dtype = k[a.dst.tensor].dtype
      let cmp = a.predicate.comparison
      forEachAffineRow(ci, a.predicate, rows, start: start, mask: mask) { off, lo, hi, v, c in
        let dp = mem + off[0]
        let tp = mem + off[1]
        for j in lo..<hi { dp[j &* inner[0]] = cmp.holds(v + c * j) ? tp[j &* inner[1]] : onFalse }
        quantizeRow(dtype, dp, inner[0], lo, hi)
      }

    case .select(let p):
      let dtype = k[p.dst.tensor].dtype
      var lane = 2
      let (tLane, tImm) = operandLane(p.onTrue, next: &lane)
      let (fLane, fImm) = operandLane(p.onFalse, next: &lane)
      rows.forEachRow(start: start, mask: mask, env: envp) { off, _, lo, hi in
        let dp = mem + off[0]
        let pp = mem + off[1]
        for j in lo..<hi {
          let c = pp[j &* inner[1]]
          let tv = tLane >= 0 ? mem[off[tLane] + j &* inner[tLane]] : tImm
          let fv = fLane >= 0 ? mem[off[fLane] + j &* inner[fLane]] : fImm
          dp[j &* inner[0]] = (c != 0 && !c.isNaN) ? tv : fv
        }
        quantizeRow(dtype, dp, inner[0], lo, hi)
      }

    case .tensorReduce(let p):
      try tensorReduce(ci, dst: p.dst, src: p.src, op: p.op, axes: p.axes, negate: p.negate)

    case .tensorPartitionReduce(let p):
      let d = p.dst
      let s = p.src
      let alu = p.op
      let (p, f) = gatherMatrix(s, ci)
      secondOperandBuffer = Array(repeating: alu.reductionIdentity ?? 0, count: f)
      for i in 0..<p {
        for j in 0..<f { secondOperandBuffer[j] = alu.apply(secondOperandBuffer[j], operandBuffer[i * f + j]) }
      }
      scatter(&secondOperandBuffer, to: d, ci.views[0], dtype: k[d.tensor].dtype)

    case .tensorTensorScan(let p):
      let d = p.dst
      let d0 = p.data0
      let d1 = p.data1
      let initial = p.initial
      let op0 = p.op0
      let op1 = p.op1
      gather(d0, ci.views[1], into: &operandBuffer)
      gather(d1, ci.views[2], into: &secondOperandBuffer)
      var initVals: [Float] = []
      if case .view(let iv) = initial { gather(iv, ci.views[3], into: &initVals) }
      let p = d0.partitionCount
      let f = d0.freeElementCount
      if resultBuffer.count != p * f { resultBuffer = Array(repeating: 0, count: p * f) }
      var initScalar: Float = 0
      if case .scalar(let x) = initial { initScalar = x }
      if !mask.isEmpty {
        maskedScan(
          ci, dst: d, dtype: k[d.tensor].dtype, p: p, f: f, initial: initVals, initialScalar: initScalar, op0: op0,
          op1: op1)
        return
      }
      // Raw pointers: no per-element array access; multiply-then-add (the scan of every
      // recurrence) is specialised, with the same two roundings as the generic path.
      operandBuffer.withUnsafeBufferPointer { a in
        secondOperandBuffer.withUnsafeBufferPointer { b in
          initVals.withUnsafeBufferPointer { iv in
            resultBuffer.withUnsafeMutableBufferPointer { o in
              guard let a = a.baseAddress, let b = b.baseAddress, let o = o.baseAddress else { return }
              for i in 0..<p {
                var state = iv.isEmpty ? initScalar : iv[i]
                let row = i &* f
                if op0 == .multiply && op1 == .add {
                  for j in 0..<f {
                    let m = a[row &+ j] * state
                    state = m + b[row &+ j]
                    o[row &+ j] = state
                  }
                } else {
                  for j in 0..<f {
                    state = op1.apply(op0.apply(a[row &+ j], state), b[row &+ j])
                    o[row &+ j] = state
                  }
                }
              }
            }
          }
        }
      }
      scatter(&resultBuffer, to: d, ci.views[0], dtype: k[d.tensor].dtype)

    case .bnStats(let p):
      batchNormStats(ci, dst: p.dst, src: p.src)

    case .bnAggr(let p):
      batchNormAggregate(ci, dst: p.dst, src: p.src)
    }
  }

  // MARK: - Gather and scatter

  /// Gathers `src`, the instruction's second lane, into ``operandBuffer`` in row-major order and
  /// returns its partition count and free element count (the matrix a per-partition rule reads).
  func gatherMatrix(_ src: View, _ ci: CompiledInstruction) -> (partitions: Int, free: Int) {
    gather(src, ci.views[1], into: &operandBuffer)
    return (src.partitionCount, src.freeElementCount)
  }

  /// A view's elements, in row-major order of its shape.
  func gathered(_ v: View, _ fv: FlatView) -> [Float] {
    var buffer: [Float] = []
    gather(v, fv, into: &buffer)
    return buffer
  }

  /// Copies a view's elements, in row-major order of its shape, into `buffer`.
  func gather(_ v: View, _ fv: FlatView, into buffer: inout [Float]) {
    let n = v.elementCount
    if buffer.count != n { buffer = Array(repeating: 0, count: n) }
    let it = RowIterator(counts: v.shape.isEmpty ? [1] : v.shape, viewStrides: [fv.strides], merge: true)
    let start = SIMD4(fv.offset(UnsafePointer(env)), 0, 0, 0)
    var w = 0
    let mem = arena
    buffer.withUnsafeMutableBufferPointer { out in
      let st = it.innerStrides[0]
      it.forEachRow(start: start, mask: [], env: UnsafePointer(env)) { off, _, lo, hi in
        if st == 1, let o = out.baseAddress {
          (o + w).update(from: mem + off[0] + lo, count: hi - lo)
          w += hi - lo
          return
        }
        for j in lo..<hi {
          out[w] = mem[off[0] &+ j &* st]
          w += 1
        }
      }
    }
  }

  /// Writes `values` (row-major over the view's shape) into a view, rounding to `dtype`; the
  /// rounding happens in `values`, so the caller's operandBuffer buffer is reused, never copied.
  func scatter(_ values: inout [Float], to v: View, _ fv: FlatView, dtype: DType) {
    let it = RowIterator(counts: v.shape.isEmpty ? [1] : v.shape, viewStrides: [fv.strides], merge: true)
    let start = SIMD4(fv.offset(UnsafePointer(env)), 0, 0, 0)
    var r = 0
    let mem = arena
    // Round once with the vectorized buffer form, then place.
    if dtype != .float32 { values.withUnsafeMutableBufferPointer { dtype.quantize($0) } }
    values.withUnsafeBufferPointer { src in
      let st = it.innerStrides[0]
      it.forEachRow(start: start, mask: [], env: UnsafePointer(env)) { off, _, lo, hi in
        if st == 1, let s = src.baseAddress {
          (mem + off[0] + lo).update(from: s + r, count: hi - lo)
          r += hi - lo
          return
        }
        for j in lo..<hi {
          mem[off[0] &+ j &* st] = src[r]
          r += 1
        }
      }
    }
  }

  /// Walks `rows` for an instruction whose values follow the affine expression `e` of the
  /// iteration indices (`iota`, `affine_select`): `body` gets each row's lane offsets, its bounds,
  /// the expression's value at free position 0 of the row and its step along the row.
  private func forEachAffineRow(
    _ ci: CompiledInstruction, _ e: AffineCondition, _ rows: RowIterator, start: SIMD4<Int>,
    mask: [FlatCondition], _ body: (SIMD4<Int>, Int, Int, Int, Int) -> Void
  ) {
    let base = e.offset.evaluate { env[$0.index] }
    let rank = ci.counts.count
    var coef = e.coefficients
    while coef.count < rank { coef.append(0) }
    rows.forEachRow(start: start, mask: mask, env: UnsafePointer(env)) { off, idx, lo, hi in
      var v = base
      for d in 0..<(rank - 1) { v += coef[d] * idx[d] }
      body(off, lo, hi, v, coef[rank - 1])
    }
  }
}
