import TesselIR

extension DSLExamples {
  /// `kernels/softmax.py` (`softmax_kernel`): max-subtracted softmax along the last axis,
  /// 128 rows per tile, the last tile masked.
  ///
  /// ```swift
  /// let k = DSLExamples.softmax(rows: 300, cols: 64)
  /// ```
  public static func softmax(rows numRows: Int, cols numCols: Int, dtype: DType = .float32) -> SwiftKernel {
    SwiftKernel(
      name: "softmax_kernel",
      KernelParameter("x", shape: [numRows, numCols], dtype: dtype)
    ) { x in
      let out = output("out", shape: [numRows, numCols], dtype: x.dtype)
      let tileP = pmax
      affineRange((numRows + tileP - 1) / tileP, name: "t") { t in
        let inside = t * tileP + GridIndex.partition < numRows
        let xTile = load(x[t * tileP ..+ tileP, 0..<numCols], mask: inside)
        let rowMax = max(xTile, axes: [1], keepDims: true, mask: inside)
        let exps = exp(subtract(xTile, rowMax, mask: inside), mask: inside)
        let rowSum = sum(exps, axes: [1], keepDims: true, mask: inside)
        let probs = multiply(exps, reciprocal(rowSum, mask: inside), dtype: x.dtype, mask: inside)
        store(out[t * tileP ..+ tileP, 0..<numCols], value: probs, mask: inside)
      }
    }
  }

  /// `kernels/rmsnorm.py` (`rmsnorm_kernel`): `x / sqrt(mean(x²) + eps) · weight` per row.
  ///
  /// ```swift
  /// let k = DSLExamples.rmsNorm(rows: 300, cols: 256)
  /// ```
  public static func rmsNorm(rows numRows: Int, cols numCols: Int, eps: Double = 1e-6, dtype: DType = .float32)
    -> SwiftKernel
  {
    SwiftKernel(
      name: "rmsnorm_kernel",
      KernelParameter("x", shape: [numRows, numCols], dtype: dtype),
      KernelParameter("weight", shape: [numCols], dtype: dtype)
    ) { x, weight in
      let out = output("out", shape: [numRows, numCols], dtype: x.dtype)
      let tileP = pmax
      let weightRow = load(weight.reshaped([1, numCols]))
      let weightTile = weightRow.broadcasted(to: [tileP, numCols])
      affineRange((numRows + tileP - 1) / tileP, name: "t") { t in
        let inside = t * tileP + GridIndex.partition < numRows
        let xTile = load(x[t * tileP ..+ tileP, 0..<numCols], mask: inside)
        let sumSq = sum(square(xTile), axes: [1], keepDims: true)
        let invRMS = rsqrt(add(multiply(sumSq, Float(1.0 / Double(numCols))), Float(eps)))
        let normed = multiply(xTile, invRMS)
        let outTile = multiply(normed, weightTile, dtype: x.dtype)
        store(out[t * tileP ..+ tileP, 0..<numCols], value: outTile, mask: inside)
      }
    }
  }

  /// `kernels/layernorm.py` (`layernorm_kernel`): `(x − mean) / sqrt(var + eps) · γ + β` per row
  /// with `nl` operations (two passes over the tile).
  ///
  /// ```swift
  /// let k = DSLExamples.layerNorm(rows: 300, cols: 256)
  /// ```
  public static func layerNorm(rows numRows: Int, cols numCols: Int, eps: Double = 1e-5, dtype: DType = .float32)
    -> SwiftKernel
  {
    layerNormKernel("layernorm_kernel", numRows, numCols, dtype) { x, gamma, beta in
      let out = output("out", shape: [numRows, numCols], dtype: x.dtype)
      let tileP = pmax
      let gammaTile = load(gamma.reshaped([1, numCols])).broadcasted(to: [tileP, numCols])
      let betaTile = load(beta.reshaped([1, numCols])).broadcasted(to: [tileP, numCols])
      affineRange((numRows + tileP - 1) / tileP, name: "t") { t in
        let inside = t * tileP + GridIndex.partition < numRows
        let xTile = load(x[t * tileP ..+ tileP, 0..<numCols], mask: inside)
        let xMean = mean(xTile, axes: [1], keepDims: true)
        let centred = subtract(xTile, xMean)
        let variance = mean(square(centred), axes: [1], keepDims: true)
        let invStd = rsqrt(add(variance, Float(eps)))
        let normed = multiply(centred, invStd)
        let outTile = add(multiply(normed, gammaTile), betaTile, dtype: x.dtype)
        store(out[t * tileP ..+ tileP, 0..<numCols], value: outTile, mask: inside)
      }
    }
  }

  /// A LayerNorm kernel's declaration: parameters `x [rows, cols]`, `gamma [cols]` and
  /// `beta [cols]`, located at the example that calls it.
  static func layerNormKernel(
    _ name: String, _ rows: Int, _ cols: Int, _ dtype: DType, fileID: String = #fileID, line: Int = #line,
    column: Int = #column,
    @KernelBodyBuilder body: @escaping @Sendable (Tensor<HBM>, Tensor<HBM>, Tensor<HBM>) -> KernelBody
  ) -> SwiftKernel {
    SwiftKernel(
      name: name, KernelParameter("x", shape: [rows, cols], dtype: dtype),
      KernelParameter("gamma", shape: [cols], dtype: dtype), KernelParameter("beta", shape: [cols], dtype: dtype),
      fileID: fileID, line: line, column: column, body: body)
  }

  /// `kernels/layernorm_bn.py` (`layernorm_bn_kernel`): LayerNorm with `bn_stats`/`bn_aggr` and
  /// one two-operand `tensor_scalar`; `cols` ≤ 512 or a multiple of 512.
  ///
  /// ```swift
  /// let k = DSLExamples.layerNormBN(rows: 300, cols: 1024)
  /// ```
  public static func layerNormBN(rows numRows: Int, cols numCols: Int, eps: Double = 1e-5, dtype: DType = .float32)
    -> SwiftKernel
  {
    layerNormKernel("layernorm_bn_kernel", numRows, numCols, dtype) { x, gamma, beta in
      let out = output("out", shape: [numRows, numCols], dtype: x.dtype)
      let tileP = pmax
      let chunk = Swift.min(numCols, 512)
      let numChunks = numCols / chunk
      let gammaTile = load(gamma.reshaped([1, numCols])).broadcasted(to: [tileP, numCols])
      let betaTile = load(beta.reshaped([1, numCols])).broadcasted(to: [tileP, numCols])
      affineRange((numRows + tileP - 1) / tileP, name: "t") { t in
        let inside = t * tileP + GridIndex.partition < numRows
        let xTile = load(x[t * tileP ..+ tileP, 0..<numCols], mask: inside)
        let stats = ndarray([tileP, 6 * numChunks], dtype: .float32)
        affineRange(numChunks, name: "c") { c in
          stats[0..., c * 6 ..+ 6].assign(bnStats(xTile[0..., c * chunk ..+ chunk], dtype: .float32))
        }
        let meanVar = bnAggr(stats)
        let mean = meanVar[0..., 0..<1]
        let invStd = rsqrt(add(meanVar[0..., 1..<2], Float(eps)))
        let normed = tensorScalar(
          xTile, op0: .subtract, operand0: .tile(mean), op1: .multiply, operand1: .tile(invStd))
        let outTile = add(multiply(normed, gammaTile), betaTile, dtype: x.dtype)
        store(out[t * tileP ..+ tileP, 0..<numCols], value: outTile, mask: inside)
      }
    }
  }
}
