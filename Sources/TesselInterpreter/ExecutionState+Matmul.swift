import COpenBLAS
import TesselIR
import TesselNumerics

extension ExecutionState {
  /// A view as a 2-D `[rows, cols]` block with unit column stride, if it is one.
  func block2D(_ v: View, _ fv: FlatView) -> (offset: Int, ld: Int)? {
    // Merge the free dimensions; they must form one unit-stride run.
    let free = Array(v.shape.dropFirst())
    let freeStrides = Array(fv.strides.dropFirst().prefix(free.count))
    var expected = 1
    for d in stride(from: free.count - 1, through: 0, by: -1) {
      if free[d] == 1 { continue }
      if freeStrides[d] != expected { return nil }
      expected *= free[d]
    }
    let ld = v.partitionCount == 1 ? Swift.max(1, v.freeElementCount) : fv.strides[0]
    if ld < v.freeElementCount { return nil }
    return (fv.offset(UnsafePointer(env)), ld)
  }

  /// `nc_matmul`: `dst[M, N] (op)= stationary[K, M]ᵀ · moving[K, N]` through `cblas_sgemm`, in fp32.
  ///
  /// In double-row mode (`rows` 2) the operands are `[K, 2, M]` and `[K, 2, N]`; gathered
  /// row-major they are the `[2K, M]` and `[2K, N]` matrices of a `2K`-term contraction.
  func matmul(
    _ ci: CompiledInstruction, dst: View, stationary: View, moving: View, accumulation: Accumulation, rows: Int = 1
  ) throws(KernelError) {
    let k = interpreter.kernel
    let K = stationary.partitionCount * rows
    let M = stationary.freeElementCount / rows
    let N = moving.freeElementCount / rows
    let mem = arena
    // Operands: direct pointers when they are unit-stride blocks, otherwise gathered copies.
    func operand(_ v: View, _ fv: FlatView, gatheredInto buffer: inout [Float]) -> (offset: Int, ld: Int)? {
      if rows == 1, let blk = block2D(v, fv) { return blk }
      gather(v, fv, into: &buffer)
      return nil
    }
    let aBlock = operand(stationary, ci.views[1], gatheredInto: &operandBuffer)
    let bBlock = operand(moving, ci.views[2], gatheredInto: &secondOperandBuffer)
    let lda = aBlock?.ld ?? M
    let ldb = bBlock?.ld ?? N
    let dstDirect = block2D(dst, ci.views[0])
    let dtype = k[dst.tensor].dtype
    let t = dst.tensor.index
    let psumBase = tensorBase(t)

    let flagOffset: (Int, Int) -> Int = { m, n in
      // Offset of dst element (m, n) relative to the tensor, for the flag array.
      (dstDirect.map { $0.offset + m * $0.ld + n } ?? self.scatterOffset(dst, ci.views[0], m * N + n)) - psumBase
    }
    let mode = accumulationMode(dst, requested: accumulation, flagOffset: flagOffset)
    let a0 = aBlock.map { UnsafePointer(mem + $0.offset) }
    let b0 = bBlock.map { UnsafePointer(mem + $0.offset) }

    if let dd = dstDirect, mode != .auto {
      // Straight into PSUM: beta 0 overwrites, beta 1 adds. K is at most 128 (one partition
      // tile), inside one OpenBLAS K block, so C + Σ is rounded exactly as the separate add was.
      operandBuffer.withUnsafeBufferPointer { sa in
        secondOperandBuffer.withUnsafeBufferPointer { sb in
          let a = a0 ?? sa.baseAddress ?? UnsafePointer(mem)
          let b = b0 ?? sb.baseAddress ?? UnsafePointer(mem)
          let c = mem + dd.offset
          if M > 0 && N > 0 && K > 0 {
            cblas_sgemm(
              CblasRowMajor, CblasTrans, CblasNoTrans, Int32(M), Int32(N), Int32(K), 1, a, Int32(lda), b,
              Int32(ldb), mode == .add ? 1 : 0, c, Int32(dd.ld))
          } else if mode == .overwrite {
            for m in 0..<M { (c + m * dd.ld).update(repeating: 0, count: N) }
          }
        }
      }
      if dtype != .float32 {
        for m in 0..<M { quantizeRow(dtype, mem + dd.offset + m * dd.ld, 1, 0, N) }
      }
    } else {
      if resultBuffer.count < M * N { resultBuffer = Array(repeating: 0, count: M * N) }
      // Compute into a contiguous product buffer, then combine into PSUM.
      operandBuffer.withUnsafeBufferPointer { sa in
        secondOperandBuffer.withUnsafeBufferPointer { sb in
          resultBuffer.withUnsafeMutableBufferPointer { c in
            guard let cBase = c.baseAddress else { return }
            let a = a0 ?? sa.baseAddress ?? UnsafePointer(mem)
            let b = b0 ?? sb.baseAddress ?? UnsafePointer(mem)
            if M > 0 && N > 0 && K > 0 {
              cblas_sgemm(
                CblasRowMajor, CblasTrans, CblasNoTrans, Int32(M), Int32(N), Int32(K), 1, a, Int32(lda), b,
                Int32(ldb), 0, cBase, Int32(N))
            } else {
              cBase.update(repeating: 0, count: M * N)
            }
          }
        }
      }
      combineProduct(resultBuffer, into: dst, ci.views[0], mode: mode, flagOffset: flagOffset)
    }
    markAccumulated(ci, dst: dst, flagOffset: flagOffset)
  }

  /// How a matmul into `dst` combines with what it holds: `requested`, or for `auto` overwrite or
  /// add when every element agrees (from the tensor's summary when it has one, else element by
  /// element), `auto` (per element) when they differ.
  func accumulationMode(_ dst: View, requested: Accumulation, flagOffset: (Int, Int) -> Int) -> Accumulation {
    guard requested == .auto else { return requested }
    let t = dst.tensor.index
    guard let flags = groups.flags[t], groups.state[t] != .none else { return .overwrite }
    if groups.state[t] == .all { return .add }
    var all = true
    var none = true
    for m in 0..<dst.partitionCount {
      for n in 0..<dst.freeElementCount { if flags[flagOffset(m, n)] != 0 { none = false } else { all = false } }
    }
    return all ? .add : (none ? .overwrite : .auto)
  }

  /// Combines a row-major `[M, N]` product with a PSUM tile as `mode` says (`auto`: per element,
  /// from its accumulation flag) and rounds it to the tile's dtype.
  func combineProduct(
    _ product: [Float], into dst: View, _ fv: FlatView, mode: Accumulation, flagOffset: (Int, Int) -> Int
  ) {
    let N = dst.freeElementCount
    let flags = groups.flags[dst.tensor.index]
    var cur: [Float] = []
    gather(dst, fv, into: &cur)
    for i in 0..<cur.count {
      let add: Bool
      switch mode {
      case .add: add = true
      case .overwrite: add = false
      case .auto: add = (flags?[flagOffset(i / N, i % N)] ?? 0) != 0
      }
      cur[i] = add ? cur[i] + product[i] : product[i]
    }
    scatter(&cur, to: dst, fv, dtype: interpreter.kernel[dst.tensor].dtype)
  }

  /// Marks every element a matmul wrote as in an accumulation group.
  func markAccumulated(_ ci: CompiledInstruction, dst: View, flagOffset: (Int, Int) -> Int) {
    let t = dst.tensor.index
    guard groups.flags[t] != nil else { return }
    if ci.coversDestination {
      groups.state[t] = .all
    } else if groups.state[t] != .all, let flags = materializeFlags(t) {
      let M = dst.partitionCount
      let N = dst.freeElementCount
      for m in 0..<M { for n in 0..<N { flags[flagOffset(m, n)] = 1 } }
    }
  }

  /// The arena offset of the `i`-th element (row-major) of a view.
  func scatterOffset(_ v: View, _ fv: FlatView, _ i: Int) -> Int {
    var rest = i
    var off = fv.offset(UnsafePointer(env))
    let shape = v.shape
    for d in stride(from: shape.count - 1, through: 0, by: -1) {
      let c = shape[d]
      off += (rest % c) * fv.strides[d]
      rest /= c
    }
    return off
  }
}
