import TesselIR

extension DSLExamples {
  /// DSL versions of the current-dialect kernels in `kernels/current/*.py`, written with the
  /// destination-passing calls (`tensorTensor(into:...)`) as the `.py` files call `nki.isa`.
  ///
  /// The current dialect runs the kernel's Python, so its loops are unrolled at trace time: the
  /// twins loop with Swift `for` over the same ranges, create tiles in the same order and make one
  /// call per `nisa` call, so both front ends lower to the same IR.
  ///
  /// ```swift
  /// let add = DSLExamples.Current.tensorAdd(rows: 300, cols: 700)
  /// let result = try add.run([a, b])
  /// ```
  public enum Current {
    /// NKI's `nl.tile_size.pmax`.
    static let pmax = 128
  }
}

extension DSLExamples.Current {
  /// `kernels/current/tensor_add.py` (`tensor_add_kernel`): `a + b` for any `[rows, cols]` in
  /// tiles of up to 128 × 512, the last tile of each dimension sized with `min`.
  ///
  /// ```swift
  /// let k = DSLExamples.Current.tensorAdd(rows: 300, cols: 700)
  /// ```
  public static func tensorAdd(rows: Int, cols: Int, dtype: DType = .float32) -> SwiftKernel {
    SwiftKernel(
      name: "tensor_add_kernel", KernelParameter("a_input", shape: [rows, cols], dtype: dtype),
      KernelParameter("b_input", shape: [rows, cols], dtype: dtype)
    ) { aInput, bInput in
      let result = output("result", shape: [rows, cols], dtype: aInput.dtype)
      let tileP = pmax
      let tileF = 512
      for r in 0..<((rows + tileP - 1) / tileP) {
        let p = Swift.min(tileP, rows - r * tileP)
        for c in 0..<((cols + tileF - 1) / tileF) {
          let f = Swift.min(tileF, cols - c * tileF)
          let aTile = ndarray([tileP, tileF], dtype: aInput.dtype)
          let bTile = ndarray([tileP, tileF], dtype: bInput.dtype)
          dmaCopy(dst: aTile[0..<p, 0..<f], src: aInput[r * tileP ..+ p, c * tileF ..+ f])
          dmaCopy(dst: bTile[0..<p, 0..<f], src: bInput[r * tileP ..+ p, c * tileF ..+ f])
          let sumTile = ndarray([tileP, tileF], dtype: aInput.dtype)
          tensorTensor(into: sumTile[0..<p, 0..<f], aTile[0..<p, 0..<f], bTile[0..<p, 0..<f], op: .add)
          dmaCopy(dst: result[r * tileP ..+ p, c * tileF ..+ f], src: sumTile[0..<p, 0..<f])
        }
      }
    }
  }

  /// `kernels/current/fused_vector.py` (`fused_vector`): `2·x + y` by `scalar_tensor_tensor`,
  /// and each row's largest absolute value by `tensor_scalar_reduce` (`[rows ≤ 128, cols]`).
  ///
  /// ```swift
  /// let k = DSLExamples.Current.fusedVector(rows: 7, cols: 13)
  /// ```
  public static func fusedVector(rows: Int, cols: Int) -> SwiftKernel {
    SwiftKernel(
      name: "fused_vector", KernelParameter("x", shape: [rows, cols]), KernelParameter("y", shape: [rows, cols])
    ) { x, y in
      let out = output("out", shape: [rows, cols], dtype: x.dtype)
      let rowMax = output("row_max", shape: [rows, 1], dtype: x.dtype)
      let a = ndarray([rows, cols], dtype: x.dtype)
      let b = ndarray([rows, cols], dtype: y.dtype)
      dmaCopy(dst: a, src: x)
      dmaCopy(dst: b, src: y)
      let s = ndarray([rows, cols], dtype: x.dtype)
      scalarTensorTensor(into: s, a, op0: .multiply, operand0: 2.0, op1: .add, operand1: b)
      let absolute = ndarray([rows, cols], dtype: x.dtype)
      let m = ndarray([rows, 1], dtype: x.dtype)
      tensorScalarReduce(into: absolute, a, op0: .absMax, operand0: 0.0, reduceOp: .maximum, reduceInto: m)
      dmaCopy(dst: out, src: s)
      dmaCopy(dst: rowMax, src: m)
    }
  }

  /// `kernels/current/top8.py` (`top8_kernel`): each row's 8 largest values (`max8`) and their
  /// indices (`nc_find_index8`), `[rows ≤ 128, cols ≥ 8]`.
  ///
  /// ```swift
  /// let k = DSLExamples.Current.top8(rows: 7, cols: 40)
  /// ```
  public static func top8(rows: Int, cols: Int) -> SwiftKernel {
    SwiftKernel(name: "top8_kernel", KernelParameter("x", shape: [rows, cols])) { x in
      let values = output("values", shape: [rows, 8], dtype: .float32)
      let indices = output("indices", shape: [rows, 8], dtype: .uint32)
      let t = ndarray([rows, cols], dtype: .float32)
      dmaCopy(dst: t, src: x)
      let top = ndarray([rows, 8], dtype: .float32)
      max8(into: top, t)
      let index = ndarray([rows, 8], dtype: .uint32)
      findIndex8(into: index, t, values: top)
      dmaCopy(dst: values, src: top)
      dmaCopy(dst: indices, src: index)
    }
  }

  /// `kernels/current/transpose2d.py` (`transpose2d_kernel`): `xᵀ` by one DMA transpose
  /// (`[rows ≤ 128, cols ≤ 128]`, 2-byte dtypes).
  ///
  /// ```swift
  /// let k = DSLExamples.Current.transpose2D(rows: 7, cols: 13)
  /// ```
  public static func transpose2D(rows: Int, cols: Int, dtype: DType = .bfloat16) -> SwiftKernel {
    SwiftKernel(name: "transpose2d_kernel", KernelParameter("x", shape: [rows, cols], dtype: dtype)) { x in
      let out = output("out", shape: [cols, rows], dtype: x.dtype)
      let t = ndarray([cols, rows], dtype: x.dtype)
      dmaTranspose(dst: t, src: x)
      dmaCopy(dst: out, src: t)
    }
  }

  /// `kernels/current/causal_mask.py` (`causal_mask_kernel`): a causal mask of a `[rows ≤ 128,
  /// cols]` tile (`affine_select` keeps `p - j >= 0`) and each element's row-major position
  /// (`iota`).
  ///
  /// ```swift
  /// let k = DSLExamples.Current.causalMask(rows: 7, cols: 13)
  /// ```
  public static func causalMask(rows: Int, cols: Int) -> SwiftKernel {
    SwiftKernel(name: "causal_mask_kernel", KernelParameter("x", shape: [rows, cols])) { x in
      let masked = output("masked", shape: [rows, cols], dtype: .float32)
      let positions = output("positions", shape: [rows, cols], dtype: .float32)
      let t = ndarray([rows, cols], dtype: .float32)
      dmaCopy(dst: t, src: x)
      let m = ndarray([rows, cols], dtype: .float32)
      affineSelect(
        into: m, pattern: [[-1, cols]], channelMultiplier: 1, onTrue: t, onFalse: -9984, comparison: .greaterEqual)
      let pos = ndarray([rows, cols], dtype: .int32)
      iota(into: pos, pattern: [[1, cols]], offset: 0, channelMultiplier: cols)
      let posF = ndarray([rows, cols], dtype: .float32)
      tensorCopy(into: posF, pos)
      dmaCopy(dst: masked, src: m)
      dmaCopy(dst: positions, src: posF)
    }
  }
}
