import TesselIR
import TesselNumerics

extension ExecutionState {
  /// `tensor_reduce`: reduces the free axes `axes` of `src` in fp32 into `dst`.
  func tensorReduce(
    _ ci: CompiledInstruction, dst: View, src: View, op: ALUOp, axes: [Int], negate: Bool
  ) throws(KernelError) {
    let k = interpreter.kernel
    if src.shape.count == 2, axes == [1], ci.rows.counts.count == 2, dst.elementCount == src.shape[0] {
      // Rows reduced in place (the same order and accumulators as the general path). Under a
      // mask each row reduces the columns the mask keeps, found from its affine bounds, which
      // are the elements the general path picks one by one, in the same order.
      let envp = UnsafePointer(env)
      let masked = !ci.mask.isEmpty && !ci.maskKeepsAll(envp)
      let sv = ci.views[1]
      let dv = ci.views[0]
      let sBase = sv.offset(envp)
      let dBase = dv.offset(envp)
      let P = src.shape[0]
      let F = src.shape[1]
      let s0 = sv.strides[0]
      let s1 = sv.strides.count > 1 ? sv.strides[1] : 0
      // The destination is [P] or [P, 1] (or any shape with P elements): walk it row-major.
      let dStride = dst.shape.count >= 1 && dst.shape[0] == P ? dv.strides[0] : -1
      if dStride >= 0 || P == 1 {
        let dtype = k[dst.tensor].dtype
        if s1 != 1 && operandBuffer.count < F { operandBuffer = Array(repeating: 0, count: F) }
        for p in 0..<P {
          var lo = 0
          var hi = F
          if masked {
            var outer = SIMD8<Int>(repeating: 0)
            outer[0] = p
            (lo, hi) = ci.rows.maskRange(ci.mask, outer: outer, env: envp, n: F)
            hi = Swift.max(lo, hi)
          }
          let row = arena + sBase + p * s0 + lo * s1
          var r: Float
          if s1 == 1 {
            r = reduceRow(op, row, 1, hi - lo)
          } else {
            r = operandBuffer.withUnsafeMutableBufferPointer { b -> Float in
              guard let bp = b.baseAddress else { return reduceRow(op, row, 1, 0) }
              for j in 0..<(hi - lo) { bp[j] = row[j &* s1] }
              return reduceRow(op, bp, 1, hi - lo)
            }
          }
          if negate { r = -r }
          arena[dBase + p * Swift.max(0, dStride)] = dtype == .float32 ? r : dtype.quantize(r)
        }
        return
      }
    }
    gather(src, ci.views[1], into: &operandBuffer)
    let shape = src.shape
    let rank = shape.count
    // Permute: kept dims first, reduced dims last; reduce each kept index over the reduced block.
    let kept = (0..<rank).filter { !axes.contains($0) }
    let reduced = (0..<rank).filter { axes.contains($0) }
    let keptCount = kept.map { shape[$0] }.reduce(1, *)
    let redCount = reduced.map { shape[$0] }.reduce(1, *)
    var srcStrides = Array(repeating: 1, count: rank)
    var acc = 1
    for d in stride(from: rank - 1, through: 0, by: -1) {
      srcStrides[d] = acc
      acc *= shape[d]
    }
    var out = Array(repeating: Float(0), count: keptCount)
    var block = Array(repeating: Float(0), count: redCount)
    // Mask: conditions over the source iteration space exclude elements from the reduction.
    let useMask = !ci.mask.isEmpty
    let envp = UnsafePointer(env)
    for ki in 0..<keptCount {
      var rest = ki
      var base = 0
      var idx = Array(repeating: 0, count: rank)
      for d in kept.reversed() {
        idx[d] = rest % shape[d]
        base += idx[d] * srcStrides[d]
        rest /= shape[d]
      }
      var n = 0
      for ri in 0..<redCount {
        var r = ri
        var off = base
        for d in reduced.reversed() {
          idx[d] = r % shape[d]
          off += idx[d] * srcStrides[d]
          r /= shape[d]
        }
        if useMask {
          var ok = true
          for c in ci.mask {
            var v = c.offset.value(envp)
            for d in 0..<Swift.min(rank, c.coefficients.count) { v += c.coefficients[d] * idx[d] }
            if v < 0 {
              ok = false
              break
            }
          }
          if !ok { continue }
        }
        block[n] = operandBuffer[off]
        n += 1
      }
      var r = block.withUnsafeBufferPointer { b in reduceRow(op, b.baseAddress ?? UnsafePointer(arena), 1, n) }
      if negate { r = -r }
      out[ki] = r
    }
    scatter(&out, to: dst, ci.views[0], dtype: k[dst.tensor].dtype)
  }
}
