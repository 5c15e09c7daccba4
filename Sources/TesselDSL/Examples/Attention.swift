import TesselIR

extension DSLExamples {
  /// `kernels/attention.py` (`attention_kernel`): `softmax(scale · q · kᵀ) · v` for
  /// `[seq, d_head]` inputs (seq % 128 = 0, d_head ≤ 128), optionally causal.
  ///
  /// The causal branch copies the PSUM scores to SBUF before `affine_select`, because the GpSimd
  /// engine cannot read PSUM (the verifier rejects it), exactly as the `.py` kernel does.
  ///
  /// ```swift
  /// let k = DSLExamples.attention(seq: 256, dHead: 64, causal: true)
  /// ```
  public static func attention(
    seq: Int, dHead: Int, causal useCausalMask: Bool = false, softmaxScale: Double = 0.125,
    dtype: DType = .float32
  ) -> SwiftKernel {
    SwiftKernel(
      name: "attention_kernel",
      KernelParameter("q", shape: [seq, dHead], dtype: dtype),
      KernelParameter("k", shape: [seq, dHead], dtype: dtype),
      KernelParameter("v", shape: [seq, dHead], dtype: dtype)
    ) { q, k, v in
      let out = output("out", shape: [seq, dHead], dtype: q.dtype)
      let tile = 128
      let seqTiles = seq / tile
      let kT = ndarray([dHead, seq], dtype: .float32)
      let vTiles = ndarray([tile, seqTiles, dHead], dtype: .float32)
      affineRange(seqTiles, name: "kt") { kt in
        let kTile = load(k[kt * tile ..+ tile, 0..<dHead], dtype: .float32)
        kT[0..<dHead, kt * tile ..+ tile].assign(copy(transpose(kTile)))
        vTiles[0..<tile, kt, 0..<dHead].assign(load(v[kt * tile ..+ tile, 0..<dHead], dtype: .float32))
      }
      affineRange(seqTiles, name: "qt") { qt in
        // 1. Scaled query tile, transposed to [d_head, 128].
        let qTile = load(q[qt * tile ..+ tile, 0..<dHead], dtype: .float32)
        let qScaled = multiply(qTile, Float(softmaxScale))
        let qT = copy(transpose(qScaled))
        // 2. Scores [128, seq], one key tile at a time.
        let scores = ndarray([tile, seq], dtype: .float32)
        affineRange(seqTiles, name: "kt") { kt in
          let sPsum = zeros([tile, tile], dtype: .float32, buffer: PSUM.self)
          sPsum += matmul(qT, kT[0..<dHead, kt * tile ..+ tile])
          if useCausalMask {
            let p = GridIndex.partition
            let f = GridIndex.free
            let sSbuf = copy(sPsum[0..<tile, 0..<tile])
            scores[0..<tile, kt * tile ..+ tile].assign(
              affineSelect(qt * tile + p >= kt * tile + f, onTrue: sSbuf, onFalse: -9984))
          } else {
            scores[0..<tile, kt * tile ..+ tile].assign(copy(sPsum[0..<tile, 0..<tile]))
          }
        }
        // 3. Numerically stable exp, with the row sums from the same instruction.
        let negMax = tensorReduce(.maximum, scores, axes: [1], negate: true, keepDims: true)
        let rowSum = ndarray([tile, 1], dtype: .float32)
        let probs = activation(.exp, scores, scale: 1, bias: negMax, reduceInto: rowSum)
        let invSum = reciprocal(rowSum)
        // 4. probs @ v, contracting over keys on the partition axis.
        let outPsum = zeros([tile, dHead], dtype: .float32, buffer: PSUM.self)
        affineRange(seqTiles, name: "kt") { kt in
          let probsT = copy(transpose(probs[0..<tile, kt * tile ..+ tile]))
          outPsum += matmul(probsT, vTiles[0..<tile, kt, 0..<dHead])
        }
        let outTile = multiply(outPsum, invSum, dtype: q.dtype)
        store(out[qt * tile ..+ tile, 0..<dHead], value: outTile)
      }
    }
  }
}
