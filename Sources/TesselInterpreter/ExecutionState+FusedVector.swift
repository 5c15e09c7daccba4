import TesselIR
import TesselNumerics

/// The row walk of one execution: where each lane starts, the walk (masked or not), the mask.
struct RowWalk {
  var start: SIMD4<Int>
  var rows: RowIterator
  var mask: [FlatCondition]
}

extension ExecutionState {
  /// Where the first stage's operand comes from: an immediate, or the `[P, 1]` lane after `data`.
  @inline(__always)
  func stageOperand(_ o: Operand) -> (lane: Int, immediate: Float) {
    var lane = 2
    return operandLane(o, next: &lane)
  }

  /// Where an operand comes from: an immediate (lane -1), or the view in lane `next`, which then
  /// moves on to the following lane.
  @inline(__always)
  func operandLane(_ o: Operand, next: inout Int) -> (lane: Int, immediate: Float) {
    switch o {
    case .scalar(let x): return (-1, x)
    case .view:
      next += 1
      return (next - 1, 0)
    }
  }

  /// Walks the rows of a one-stage fused instruction (lanes: dst, data, [operand0], …) and calls
  /// `body` with each row's lane offsets, outer indices, range and the fp32 first stage
  /// `data op operand0` (or reversed) in a scratch row: the destination is written by `body` only,
  /// so it may be any of the operands.
  func forEachFirstStageRow(
    _ stage: Operation.TensorScalar.Stage, _ w: RowWalk,
    _ body: (SIMD4<Int>, SIMD8<Int>, Int, Int, UnsafeMutablePointer<Float>) -> Void
  ) {
    let mem = arena
    let envp = UnsafePointer(env)
    let (lane0, imm) = stageOperand(stage.operand)
    let inner = w.rows.innerStrides
    let n = w.rows.rowLength
    if operandBuffer.count < n { operandBuffer = Array(repeating: 0, count: n) }
    var immediate = imm
    withUnsafePointer(to: &immediate) { ip in
      operandBuffer.withUnsafeMutableBufferPointer { tmpBuf in
        guard let tmp = tmpBuf.baseAddress else { return }
        w.rows.forEachRow(start: w.start, mask: w.mask, env: envp) { off, idx, lo, hi in
          let sp = UnsafePointer(mem + off[1])
          let (o0, s0): (UnsafePointer<Float>, Int) =
            lane0 >= 0 ? (UnsafePointer(mem + off[lane0]), inner[lane0]) : (ip, 0)
          stageRow(stage.op, reversed: stage.reversed, tmp, 1, x: sp, inner[1], operand: (o0, s0), lo, hi)
          body(off, idx, lo, hi, tmp)
        }
      }
    }
  }

  /// `scalar_tensor_tensor`: `dst = (data op0 operand0) op1 operand1`, the intermediate in fp32.
  ///
  /// Lanes: dst, data, [operand0], operand1.
  func scalarTensorTensor(_ p: Operation.ScalarTensorTensor, _ w: RowWalk) {
    let mem = arena
    let dtype = interpreter.kernel[p.dst.tensor].dtype
    let lane1 = stageOperand(p.stage0.operand).lane >= 0 ? 3 : 2
    let inner = w.rows.innerStrides
    forEachFirstStageRow(p.stage0, w) { off, _, lo, hi, tmp in
      let dp = mem + off[0]
      let o1 = UnsafePointer(mem + off[lane1])
      if p.reverse1 {
        aluRow(p.op1, dp, inner[0], o1, inner[lane1], UnsafePointer(tmp), 1, lo, hi)
      } else {
        aluRow(p.op1, dp, inner[0], UnsafePointer(tmp), 1, o1, inner[lane1], lo, hi)
      }
      quantizeRow(dtype, dp, inner[0], lo, hi)
    }
  }

  /// `tensor_scalar_reduce`: `dst = data op0 operand0`, and `reduce_res[p]` = `reduce_op` over the
  /// fp32 results of partition `p` (the elements the mask keeps), rounded to its dtype.
  ///
  /// Lanes: dst, data, [operand0]; the reduce destination is the last view.
  func tensorScalarReduce(_ ci: CompiledInstruction, _ p: Operation.TensorScalarReduce, _ w: RowWalk) {
    let k = interpreter.kernel
    let mem = arena
    let envp = UnsafePointer(env)
    let dtype = k[p.dst.tensor].dtype
    let inner = w.rows.innerStrides
    let partitions = ci.counts[0]
    if resultBuffer.count < partitions { resultBuffer = Array(repeating: 0, count: partitions) }
    var written = [Bool](repeating: false, count: partitions)
    forEachFirstStageRow(p.stage, w) { off, idx, lo, hi, tmp in
      let dp = mem + off[0]
      let r = reduceRow(p.reduceOp, UnsafePointer(tmp + lo), 1, hi - lo)
      let part = idx[0]
      resultBuffer[part] = written[part] ? p.reduceOp.apply(resultBuffer[part], r) : r
      written[part] = true
      for j in lo..<hi { dp[j &* inner[0]] = tmp[j] }
      quantizeRow(dtype, dp, inner[0], lo, hi)
    }
    guard let rv = ci.views.last else { return }
    let rdt = k[p.reduceDst.tensor].dtype
    let base = rv.offset(envp)
    for part in 0..<partitions where written[part] {
      mem[base + part * rv.strides[0]] = rdt.quantize(resultBuffer[part])
    }
    let rt = p.reduceDst.tensor.index
    let whole = written.allSatisfy { $0 } && View.coversWhole(p.reduceDst, shape: k[p.reduceDst.tensor].shape)
    poison.mayHold[rt] = poison.mayHold[rt] && !whole
  }
}
