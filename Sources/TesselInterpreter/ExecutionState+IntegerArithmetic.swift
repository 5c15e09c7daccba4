import TesselIR
import TesselNumerics

/// One operand of an integer-arithmetic element: a lane of the row walk or an immediate.
private struct IntegerOperand {
  /// The lane, or -1 for the immediate.
  var lane: Int
  /// The immediate value.
  var immediate: Float
}

extension ExecutionState {
  /// `tensor_tensor` and `tensor_scalar` whose tiles are all `int32`/`uint32` outside PSUM
  /// (``IntegerArithmetic/applies(tiles:scalars:)``): exact integer arithmetic element by element.
  ///
  /// A result the destination's dtype or Tessel's fp32 element storage cannot hold, a zero
  /// divisor and a negative exponent stop the run with a located error. An element read from
  /// never-written memory stays never-written (NaN), as in the fp32 path.
  func executeIntegerArithmetic(_ ci: CompiledInstruction, _ w: RowWalk) throws(KernelError) {
    let op = ci.instruction.operation
    let k = interpreter.kernel
    guard let d = op.destination else { return }
    let dtype = k[d.tensor].dtype
    // The stages `(x op operand)`, applied in order to the running value.
    var stages: [(op: ALUOp, operand: IntegerOperand, reversed: Bool)] = []
    var first = IntegerOperand(lane: 1, immediate: 0)
    switch op {
    case .tensorTensor(let p):
      first = IntegerOperand(lane: 1, immediate: 0)
      stages = [(p.op, IntegerOperand(lane: 2, immediate: 0), false)]
    case .tensorScalar(let p):
      var lane = 2
      for s in [p.stage0] + (p.stage1.map { [$0] } ?? []) {
        let (l, immediate) = operandLane(s.operand, next: &lane)
        stages.append((s.op, IntegerOperand(lane: l, immediate: immediate), s.reversed))
      }
    default:
      return
    }
    let (low, high): (Int64, Int64) = dtype == .uint32 ? (0, Int64(UInt32.max)) : (Int64(Int32.min), Int64(Int32.max))
    let mem = arena
    let inner = w.rows.innerStrides
    var failure: KernelError?
    w.rows.forEachRow(start: w.start, mask: w.mask, env: UnsafePointer(env)) { off, idx, lo, hi in
      guard failure == nil else { return }
      func read(_ o: IntegerOperand, _ j: Int) -> Float {
        o.lane < 0 ? o.immediate : mem[off[o.lane] &+ j &* inner[o.lane]]
      }
      let dp = mem + off[0]
      for j in lo..<hi {
        var x = read(first, j)
        for s in stages {
          let y = read(s.operand, j)
          if x.isNaN || y.isNaN {
            x = .nan
            continue
          }
          let (a, b) = s.reversed ? (Int64(y), Int64(x)) : (Int64(x), Int64(y))
          let fault: KernelError.IntegerFault
          switch s.op.applyInteger(a, b) {
          case .success(let r) where r < low || r > high: fault = .outOfRange(r)
          case .success(let r) where !IntegerArithmetic.isExactInFloat(r): fault = .inexact(r)
          case .success(let r):
            x = Float(r)
            continue
          case .failure(let f): fault = f
          }
          failure = KernelError(
            .integerArithmetic(op: s.op, lhs: a, rhs: b, partition: idx[0], dtype: dtype, fault: fault),
            operation: op.nkiName, at: ci.instruction.location)
          return
        }
        dp[j &* inner[0]] = x
      }
      quantizeRow(dtype, dp, inner[0], lo, hi)
    }
    if let failure { throw failure }
  }
}
