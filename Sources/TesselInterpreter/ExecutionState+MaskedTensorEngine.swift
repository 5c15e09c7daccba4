import TesselIR
import TesselNumerics

extension CompiledInstruction {
  /// Whether the mask keeps no element of the iteration space at the current env: some
  /// condition fails even at the corner that maximises it (a loop-index predicate that is false,
  /// for one).
  @inline(__always)
  func maskKeepsNone(_ env: UnsafePointer<Int>) -> Bool { !maskHolds(atCorner: .maximum, env) }

  /// Whether the mask keeps the element at row-major position `i` of the iteration space.
  func maskKeeps(element i: Int, _ env: UnsafePointer<Int>) -> Bool {
    var index = Array(repeating: 0, count: counts.count)
    var rest = i
    for d in stride(from: counts.count - 1, through: 0, by: -1) {
      let n = Swift.max(counts[d], 1)
      index[d] = rest % n
      rest /= n
    }
    for c in mask {
      var v = c.offset.value(env)
      for (d, k) in c.coefficients.enumerated() where d < index.count { v &+= k &* index[d] }
      if v < 0 { return false }
    }
    return true
  }
}

extension CompiledInstruction {
  /// Whether a matmul's contraction mask keeps operand row `k` at the current env.
  @inline(__always)
  func contractionKeeps(row k: Int, _ env: UnsafePointer<Int>) -> Bool {
    for c in contraction where c.offset.value(env) &+ c.coefficients[0] &* k < 0 { return false }
    return true
  }
}

extension ExecutionState {
  /// Writes `values` (row-major over the destination's iteration space, already combined and
  /// rounded) into the elements of `dst` that the instruction's mask keeps; the others keep
  /// what they held.
  ///
  /// Used by the Tensor-engine instructions, whose operands do not walk the
  /// destination's iteration space, so the row walk cannot apply their mask.
  func scatterMasked(_ values: [Float], to dst: View, _ fv: FlatView, _ ci: CompiledInstruction) {
    let envp = UnsafePointer(env)
    let mem = arena
    for i in values.indices where ci.maskKeeps(element: i, envp) {
      mem[scatterOffset(dst, fv, i)] = values[i]
    }
  }

  /// `nc_transpose` under a mask over its destination `[F, P]`: only kept elements are written.
  func maskedTranspose(_ ci: CompiledInstruction, dst: View, src: View) {
    let (p, f) = gatherMatrix(src, ci)
    if secondOperandBuffer.count != p * f { secondOperandBuffer = Array(repeating: 0, count: p * f) }
    for i in 0..<p { for j in 0..<f { secondOperandBuffer[j * p + i] = operandBuffer[i * f + j] } }
    let dtype = interpreter.kernel[dst.tensor].dtype
    if dtype != .float32 { secondOperandBuffer.withUnsafeMutableBufferPointer { dtype.quantize($0) } }
    scatterMasked(secondOperandBuffer, to: dst, ci.views[0], ci)
  }

  /// `nc_matmul` under a mask over its destination `[M, N]` or its contraction rows: the product
  /// sums the kept rows alone (in row order, in fp32), and only the kept output elements are
  /// combined into PSUM (overwritten or added, as the accumulation group says) and join the
  /// group; the others are untouched.
  func maskedMatmul(
    _ ci: CompiledInstruction, dst: View, stationary: View, moving: View, accumulation: Accumulation
  ) {
    let K = stationary.partitionCount
    let M = stationary.freeElementCount
    let N = moving.freeElementCount
    gather(stationary, ci.views[1], into: &operandBuffer)
    gather(moving, ci.views[2], into: &secondOperandBuffer)
    var product = [Float](repeating: 0, count: M * N)
    let envp = UnsafePointer(env)
    for k in 0..<K where ci.contractionKeeps(row: k, envp) {
      for m in 0..<M {
        let a = operandBuffer[k * M + m]
        for n in 0..<N { product[m * N + n] += a * secondOperandBuffer[k * N + n] }
      }
    }
    let t = dst.tensor.index
    let psumBase = tensorBase(t)
    let fv = ci.views[0]
    let flags = materializeFlags(t)
    var current: [Float] = []
    gather(dst, fv, into: &current)
    let dtype = interpreter.kernel[dst.tensor].dtype
    for i in 0..<(M * N) where ci.maskKeeps(element: i, envp) {
      let at = scatterOffset(dst, fv, i)
      let add: Bool
      switch accumulation {
      case .add: add = true
      case .overwrite: add = false
      case .auto: add = (flags?[at - psumBase] ?? 0) != 0
      }
      var value = add ? current[i] + product[i] : product[i]
      if dtype != .float32 { value = dtype.quantize(value) }
      arena[at] = value
      flags?[at - psumBase] = 1
    }
  }
}

extension CompiledInstruction {
  /// The mask of a masked `nc_matmul` moved from its destination `[M, N]` onto its operand
  /// named `operand` (`stationary` `[K, M]` or `moving` `[K, N]`), when that operand is 2-D and
  /// the mask names only the output axis that operand's free axis becomes (nil otherwise), so
  /// that checks walk only the operand elements whose products are kept.
  func matmulOperandMask(operand name: String) -> (counts: [Int], mask: [FlatCondition])? {
    guard !mask.isEmpty || !contraction.isEmpty, case .matmul(let m) = instruction.operation, counts.count == 2,
      name == "stationary" || name == "moving"
    else { return nil }
    let operand = name == "stationary" ? m.stationary : m.moving
    guard operand.dims.count == 2, !m.doubleRow else { return nil }
    // The stationary operand's free axis is the output's rows, the moving one's its columns.
    let kept = name == "stationary" ? 0 : 1
    let other = 1 - kept
    guard mask.allSatisfy({ $0.coefficients.count == 2 && $0.coefficients[other] == 0 }) else { return nil }
    // Its partition axis is the contraction: rows the contraction mask excludes are not read.
    return (
      operand.shape,
      mask.map { FlatCondition(coefficients: [0, $0.coefficients[kept]], offset: $0.offset) }
        + contraction.map { FlatCondition(coefficients: [$0.coefficients[0], 0], offset: $0.offset) }
    )
  }

  /// The mask of a masked 2-D `nc_transpose` moved from its destination `[F, P]` to its source
  /// `[P, F]` (nil for any other instruction), so that checks walk only the source elements read.
  var transposedSourceMask: (counts: [Int], mask: [FlatCondition])? {
    guard !mask.isEmpty, case .transpose(let t) = instruction.operation, t.src.dims.count == 2, counts.count == 2
    else { return nil }
    return (
      t.src.shape,
      mask.map { c in
        FlatCondition(coefficients: Array(c.coefficients.prefix(2).reversed()), offset: c.offset)
      }
    )
  }
}

extension ExecutionState {
  /// `tensor_tensor_scan` under a mask over its iteration space `[P, ..., F]`: along each
  /// partition, an element the mask keeps advances the running state and is written; an element
  /// it drops is neither read nor written, and the state passes over it unchanged.
  ///
  /// Each row of the (unmerged) iteration space keeps one range of its last index, from the
  /// mask's affine bounds (as in the masked row reductions). The operands are already gathered
  /// (`operandBuffer` = data0, `secondOperandBuffer` = data1), row-major per partition.
  func maskedScan(
    _ ci: CompiledInstruction, dst: View, dtype: DType, p: Int, f: Int, initial: [Float], initialScalar: Float,
    op0: ALUOp, op1: ALUOp
  ) {
    let envp = UnsafePointer(env)
    let mem = arena
    let fv = ci.views[0]
    let counts = ci.rows.counts
    let last = counts.count - 1
    let n = counts[last]
    guard n > 0, f > 0 else { return }
    let rowsPerPartition = f / n
    var outer = SIMD8<Int>(repeating: 0)
    for i in 0..<p {
      var state = initial.isEmpty ? initialScalar : initial[i]
      for r in 0..<rowsPerPartition {
        // The outer index of row r of partition i: dimensions 1..<last, row-major.
        outer[0] = i
        var rest = r
        for d in stride(from: last - 1, through: 1, by: -1) where d < 8 {
          outer[d] = rest % counts[d]
          rest /= counts[d]
        }
        let (lo, hi) = ci.rows.maskRange(ci.mask, outer: outer, env: envp, n: n)
        let base = (i &* rowsPerPartition &+ r) &* n
        for j in lo..<Swift.max(lo, hi) {
          let e = base &+ j
          state = op1.apply(op0.apply(operandBuffer[e], state), secondOperandBuffer[e])
          mem[scatterOffset(dst, fv, e)] = dtype == .float32 ? state : dtype.quantize(state)
        }
      }
    }
  }
}
