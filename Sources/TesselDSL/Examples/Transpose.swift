import TesselIR

extension DSLExamples {
  /// `kernels/transpose2d.py` (`transpose2d_kernel`): row `p` of `in_tensor` holds a
  /// `rows × cols` matrix; its transpose goes to row `p` of the output parameter `out_tensor`,
  /// through an SBUF-to-SBUF copy whose two access patterns swap the axes.
  ///
  /// ```swift
  /// let k = DSLExamples.transpose2D(count: 200, rows: 3, cols: 4)
  /// ```
  public static func transpose2D(count numRows: Int, rows: Int, cols: Int, dtype: DType = .float32) -> SwiftKernel {
    let rowLength = rows * cols
    return SwiftKernel(
      name: "transpose2d_kernel",
      KernelParameter("in_tensor", shape: [numRows, rowLength], dtype: dtype),
      KernelParameter("out_tensor", shape: [numRows, rowLength], dtype: dtype)
    ) { inTensor, outTensor in
      let tileP = pmax
      affineRange((numRows + tileP - 1) / tileP, name: "t") { t in
        let inside = t * tileP + GridIndex.partition < numRows
        let src = load(inTensor[t * tileP ..+ tileP, 0..<rowLength], mask: inside)
        let dst = ndarray([tileP, rowLength], dtype: inTensor.dtype)
        // (p, r, c): element r * cols + c of the source row moves to c * rows + r.
        dst.view(shape: [tileP, rows, cols]) { j in [j[0], j[2] * rows + j[1]] }
          .assign(
            copy(
              src.view(shape: [tileP, rows, cols]) { j in [j[0], j[1] * cols + j[2]] },
              mask: t * tileP + GridIndex.partition < numRows))
        store(outTensor[t * tileP ..+ tileP, 0..<rowLength], value: dst, mask: inside)
      }
    }
  }

  /// `kernels/transpose2d.py` (`transpose_matrix_kernel`): `[m, n]` → `[n, m]`, every 128 × 128
  /// block through the Tensor engine (`nc_transpose`, SBUF → PSUM → SBUF).
  ///
  /// ```swift
  /// let k = DSLExamples.transposeMatrix(m: 256, n: 384)
  /// ```
  public static func transposeMatrix(m: Int, n: Int, dtype: DType = .float32) -> SwiftKernel {
    SwiftKernel(
      name: "transpose_matrix_kernel",
      KernelParameter("in_tensor", shape: [m, n], dtype: dtype)
    ) { inTensor in
      let outTensor = output("out_tensor", shape: [n, m], dtype: inTensor.dtype)
      affineRange(m / 128, name: "bi") { bi in
        affineRange(n / 128, name: "bj") { bj in
          let block = load(inTensor[bi * 128 ..+ 128, bj * 128 ..+ 128])
          let blockTPsum = transpose(block)
          let blockT = copy(blockTPsum, dtype: inTensor.dtype)
          store(outTensor[bj * 128 ..+ 128, bi * 128 ..+ 128], value: blockT)
        }
      }
    }
  }
}
