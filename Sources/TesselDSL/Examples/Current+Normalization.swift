import TesselIR

extension DSLExamples.Current {
  /// `kernels/current/softmax.py` (`softmax_kernel`): row softmax of `[rows, cols ≤ 512]`, the
  /// maximum by `tensor_reduce`, `exp` with its row sum in one `activation`, then a multiply by
  /// the reciprocal.
  ///
  /// ```swift
  /// let k = DSLExamples.Current.softmax(rows: 200, cols: 64)
  /// ```
  public static func softmax(rows: Int, cols: Int, dtype: DType = .float32) -> SwiftKernel {
    SwiftKernel(name: "softmax_kernel", KernelParameter("x", shape: [rows, cols], dtype: dtype)) { x in
      let out = output("out", shape: [rows, cols], dtype: x.dtype)
      for r in 0..<((rows + 127) / 128) {
        let p = Swift.min(128, rows - r * 128)
        let t = ndarray([128, cols], dtype: .float32)
        dmaCopy(dst: t[0..<p, 0...], src: x[r * 128 ..+ p, 0...])
        let rowMax = ndarray([128, 1], dtype: .float32)
        tensorReduce(into: rowMax[0..<p, 0...], .maximum, t[0..<p, 0...], axes: [1], negate: true, keepDims: true)
        let e = ndarray([128, cols], dtype: .float32)
        let rowSum = ndarray([128, 1], dtype: .float32)
        activation(
          into: e[0..<p, 0...], .exp, t[0..<p, 0...], bias: rowMax[0..<p, 0...], reduceOp: .add,
          reduceInto: rowSum[0..<p, 0...])
        let inverse = ndarray([128, 1], dtype: .float32)
        reciprocal(into: inverse[0..<p, 0...], rowSum[0..<p, 0...])
        let y = ndarray([128, cols], dtype: x.dtype)
        tensorScalar(into: y[0..<p, 0...], e[0..<p, 0...], op0: .multiply, operand0: .tile(inverse[0..<p, 0...]))
        dmaCopy(dst: out[r * 128 ..+ p, 0...], src: y[0..<p, 0...])
      }
    }
  }

  /// `kernels/current/rmsnorm.py` (`rmsnorm_kernel`): `x / sqrt(mean(x²) + eps) · weight` over
  /// the rows of `[rows, cols ≤ 512]`; the weight reaches every partition through one DMA whose
  /// access pattern steps 0 across partitions.
  ///
  /// ```swift
  /// let k = DSLExamples.Current.rmsNorm(rows: 300, cols: 256)
  /// ```
  public static func rmsNorm(rows: Int, cols: Int, eps: Float = 1e-6) -> SwiftKernel {
    SwiftKernel(
      name: "rmsnorm_kernel", KernelParameter("x", shape: [rows, cols]), KernelParameter("weight", shape: [cols])
    ) { x, weight in
      let out = output("out", shape: [rows, cols], dtype: x.dtype)
      let w = ndarray([pmax, cols], dtype: .float32)
      dmaCopy(dst: w, src: weight.ap([[0, pmax], [1, cols]], offset: 0))
      for r in 0..<((rows + pmax - 1) / pmax) {
        let p = Swift.min(pmax, rows - r * pmax)
        let t = ndarray([pmax, cols], dtype: .float32)
        dmaCopy(dst: t[0..<p, 0...], src: x[r * pmax ..+ p, 0...])
        let squares = ndarray([pmax, cols], dtype: .float32)
        let sumSquares = ndarray([pmax, 1], dtype: .float32)
        activation(
          into: squares[0..<p, 0...], .square, t[0..<p, 0...], reduceOp: .add, reduceInto: sumSquares[0..<p, 0...])
        let meanSquare = ndarray([pmax, 1], dtype: .float32)
        tensorScalar(
          into: meanSquare[0..<p, 0...], sumSquares[0..<p, 0...], op0: .multiply,
          operand0: ScalarOperand(Float(1.0 / Double(cols))),
          op1: .add, operand1: ScalarOperand(eps))
        let inverseRMS = ndarray([pmax, 1], dtype: .float32)
        activation(into: inverseRMS[0..<p, 0...], .rsqrt, meanSquare[0..<p, 0...])
        let y = ndarray([pmax, cols], dtype: x.dtype)
        scalarTensorTensor(
          into: y[0..<p, 0...], t[0..<p, 0...], op0: .multiply, operand0: .tile(inverseRMS[0..<p, 0...]),
          op1: .multiply, operand1: w[0..<p, 0...])
        dmaCopy(dst: out[r * pmax ..+ p, 0...], src: y[0..<p, 0...])
      }
    }
  }

  /// Layer normalisation of `kernels/current/layernorm.py` (`layernorm_kernel`).
  ///
  /// `(x - mean) / sqrt(var + eps) · gamma + beta` over the rows of `[rows, cols ≤ 512]`, the
  /// statistics from `bn_stats`/`bn_aggr`.
  ///
  /// ```swift
  /// let k = DSLExamples.Current.layerNorm(rows: 300, cols: 256)
  /// ```
  public static func layerNorm(rows: Int, cols: Int, eps: Float = 1e-5) -> SwiftKernel {
    SwiftKernel(
      name: "layernorm_kernel", KernelParameter("x", shape: [rows, cols]), KernelParameter("gamma", shape: [cols]),
      KernelParameter("beta", shape: [cols])
    ) { x, gamma, beta in
      let out = output("out", shape: [rows, cols], dtype: x.dtype)
      let g = ndarray([pmax, cols], dtype: .float32)
      let b = ndarray([pmax, cols], dtype: .float32)
      dmaCopy(dst: g, src: gamma.ap([[0, pmax], [1, cols]], offset: 0))
      dmaCopy(dst: b, src: beta.ap([[0, pmax], [1, cols]], offset: 0))
      for r in 0..<((rows + pmax - 1) / pmax) {
        let p = Swift.min(pmax, rows - r * pmax)
        let t = ndarray([pmax, cols], dtype: .float32)
        dmaCopy(dst: t[0..<p, 0...], src: x[r * pmax ..+ p, 0...])
        let stats = ndarray([pmax, 6], dtype: .float32)
        bnStats(into: stats[0..<p, 0...], t[0..<p, 0...])
        let meanVar = ndarray([pmax, 2], dtype: .float32)
        bnAggr(into: meanVar[0..<p, 0...], stats[0..<p, 0...])
        let shifted = ndarray([pmax, 1], dtype: .float32)
        tensorScalar(into: shifted[0..<p, 0...], meanVar[0..<p, 1..<2], op0: .add, operand0: ScalarOperand(eps))
        let inverseStd = ndarray([pmax, 1], dtype: .float32)
        activation(into: inverseStd[0..<p, 0...], .rsqrt, shifted[0..<p, 0...])
        let normed = ndarray([pmax, cols], dtype: .float32)
        tensorScalar(
          into: normed[0..<p, 0...], t[0..<p, 0...], op0: .subtract, operand0: .tile(meanVar[0..<p, 0..<1]),
          op1: .multiply, operand1: .tile(inverseStd[0..<p, 0...]))
        let scaled = ndarray([pmax, cols], dtype: .float32)
        tensorTensor(into: scaled[0..<p, 0...], normed[0..<p, 0...], g[0..<p, 0...], op: .multiply)
        let y = ndarray([pmax, cols], dtype: x.dtype)
        tensorTensor(into: y[0..<p, 0...], scaled[0..<p, 0...], b[0..<p, 0...], op: .add)
        dmaCopy(dst: out[r * pmax ..+ p, 0...], src: y[0..<p, 0...])
      }
    }
  }
}
