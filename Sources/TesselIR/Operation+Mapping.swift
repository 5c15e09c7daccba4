extension Operation {
  /// The same operation with every view (and view operand) passed through `v` / `o`.
  public func remapped(_ v: (View) -> View, _ o: (Operand) -> Operand) -> Operation {
    switch self {
    case .loopBegin, .loopEnd: return self
    case .load(let d, let s): return .load(dst: v(d), src: v(s))
    case .store(let d, let s): return .store(dst: v(d), src: v(s))
    case .dmaCopy(let d, let s): return .dmaCopy(dst: v(d), src: v(s))
    case .loadTranspose(let d, let s): return .loadTranspose(dst: v(d), src: v(s))
    case .matmul(let d, let s, let m, let a): return .matmul(dst: v(d), stationary: v(s), moving: v(m), accumulation: a)
    case .transpose(let d, let s): return .transpose(dst: v(d), src: v(s))
    case .tensorTensor(let d, let a, let b, let op): return .tensorTensor(dst: v(d), a: v(a), b: v(b), op: op)
    case .tensorScalar(let d, let s, let op0, let o0, let r0, let op1, let o1, let r1):
      return .tensorScalar(dst: v(d), src: v(s), op0: op0, operand0: o(o0), reverse0: r0, op1: op1, operand1: o1.map(o), reverse1: r1)
    case .tensorCopy(let d, let s): return .tensorCopy(dst: v(d), src: v(s))
    case .activation(let d, let s, let f, let sc, let b, let rop, let rd):
      return .activation(dst: v(d), src: v(s), function: f, scale: o(sc), bias: b.map(v), reduceOp: rop, reduceDst: rd.map(v))
    case .reciprocal(let d, let s): return .reciprocal(dst: v(d), src: v(s))
    case .memset(let d, let x): return .memset(dst: v(d), value: x)
    case .iota(let d, let e): return .iota(dst: v(d), expression: e)
    case .affineSelect(let d, let p, let t, let f): return .affineSelect(dst: v(d), predicate: p, onTrue: v(t), onFalse: f)
    case .select(let d, let p, let t, let f): return .select(dst: v(d), predicate: v(p), onTrue: o(t), onFalse: o(f))
    case .broadcast(let d, let s): return .broadcast(dst: v(d), src: v(s))
    case .tensorReduce(let d, let s, let op, let axes, let n): return .tensorReduce(dst: v(d), src: v(s), op: op, axes: axes, negate: n)
    case .tensorPartitionReduce(let d, let s, let op): return .tensorPartitionReduce(dst: v(d), src: v(s), op: op)
    case .tensorTensorScan(let d, let a, let b, let i, let op0, let op1):
      return .tensorTensorScan(dst: v(d), data0: v(a), data1: v(b), initial: o(i), op0: op0, op1: op1)
    case .bnStats(let d, let s): return .bnStats(dst: v(d), src: v(s))
    case .bnAggr(let d, let s): return .bnAggr(dst: v(d), src: v(s))
    }
  }
}
