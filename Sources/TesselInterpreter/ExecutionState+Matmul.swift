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
  func matmul(
    _ ci: CompiledInstruction, dst: View, stationary: View, moving: View, accumulation: Accumulation
  ) throws(KernelError) {
    let k = interpreter.kernel
    let K = stationary.partitionCount
    let M = stationary.freeElementCount
    let N = moving.freeElementCount
    let mem = arena
    // Operands: direct pointers when they are unit-stride blocks, otherwise gathered copies.
    var aOff = 0, lda = M, bOff = 0, ldb = N
    var aDirect = false, bDirect = false
    if let blk = block2D(stationary, ci.views[1]) { aOff = blk.offset; lda = blk.ld; aDirect = true } else {
      gather(stationary, ci.views[1], into: &scratch)
    }
    if let blk = block2D(moving, ci.views[2]) { bOff = blk.offset; ldb = blk.ld; bDirect = true } else {
      gather(moving, ci.views[2], into: &scratch2)
    }
    let dstDirect = block2D(dst, ci.views[0])
    let dtype = k[dst.tensor].dtype
    let psumBase = interpreter.tensorOffsets[dst.tensor.index]

    // Decide overwrite or add, element by element for auto accumulation.
    var flags = accumulating[dst.tensor.index] ?? []
    let flagOffset: (Int, Int) -> Int = { m, n in
      // Offset of dst element (m, n) relative to the tensor, for the flag array.
      (dstDirect.map { $0.offset + m * $0.ld + n } ?? self.scatterOffset(dst, ci.views[0], m * N + n)) - psumBase
    }
    var mode = accumulation
    if accumulation == .auto {
      var all = true, none = true
      for m in 0..<M { for n in 0..<N { if flags[flagOffset(m, n)] { none = false } else { all = false } } }
      mode = all ? .add : (none ? .overwrite : .auto)
    }

    if scratch3.count < M * N { scratch3 = Array(repeating: 0, count: M * N) }
    // Compute into a contiguous product buffer, then combine into PSUM.
    scratch.withUnsafeBufferPointer { sa in
      scratch2.withUnsafeBufferPointer { sb in
        scratch3.withUnsafeMutableBufferPointer { c in
          guard let cBase = c.baseAddress else { return }
          let a = aDirect ? UnsafePointer(mem + aOff) : (sa.baseAddress ?? UnsafePointer(mem))
          let b = bDirect ? UnsafePointer(mem + bOff) : (sb.baseAddress ?? UnsafePointer(mem))
          if M > 0 && N > 0 && K > 0 {
            cblas_sgemm(
              CblasRowMajor, CblasTrans, CblasNoTrans, Int32(M), Int32(N), Int32(K), 1, a, Int32(lda), b,
              Int32(ldb), 0, cBase, Int32(N))
          }
        }
      }
    }
    // Combine.
    if let dd = dstDirect {
      for m in 0..<M {
        let row = mem + dd.offset + m * dd.ld
        for n in 0..<N {
          let p = scratch3[m * N + n]
          let add: Bool
          switch mode {
          case .add: add = true
          case .overwrite: add = false
          case .auto: add = flags[dd.offset + m * dd.ld + n - psumBase]
          }
          row[n] = dtype.quantize(add ? row[n] + p : p)
        }
      }
    } else {
      var cur: [Float] = []
      gather(dst, ci.views[0], into: &cur)
      for i in 0..<(M * N) {
        let add: Bool
        switch mode {
        case .add: add = true
        case .overwrite: add = false
        case .auto: add = flags[flagOffset(i / N, i % N)]
        }
        cur[i] = add ? cur[i] + scratch3[i] : scratch3[i]
      }
      scatter(cur, to: dst, ci.views[0], dtype: dtype)
    }
    if !flags.isEmpty {
      for m in 0..<M { for n in 0..<N { flags[flagOffset(m, n)] = true } }
      accumulating[dst.tensor.index] = flags
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
