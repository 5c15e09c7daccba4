import TesselIR

extension DSLExamples {
  /// `kernels/mamba.py` (`mamba_kernel`): the fused Mamba selective scan, one channel per
  /// partition, `tensor_tensor_scan` over chunks of `seq_tile` steps.
  ///
  /// ```swift
  /// let k = DSLExamples.mamba(batch: 1, channels: 128, seqLen: 1024, stateSize: 4)
  /// ```
  public static func mamba(
    batch: Int, channels: Int, seqLen: Int, stateSize: Int, seqTile: Int = 512, dtype: DType = .float32
  ) -> SwiftKernel {
    SwiftKernel(
      name: "mamba_kernel",
      KernelParameter("delta", shape: [batch, channels, seqLen], dtype: dtype),
      KernelParameter("u", shape: [batch, channels, seqLen], dtype: dtype),
      KernelParameter("A", shape: [channels, stateSize], dtype: dtype),
      KernelParameter("B", shape: [batch, stateSize, seqLen], dtype: dtype),
      KernelParameter("C", shape: [batch, stateSize, seqLen], dtype: dtype)
    ) { delta, u, a, b, c in
      let out = output("out", shape: [batch, channels, seqLen], dtype: delta.dtype)
      let p = pmax
      let chunk = Swift.min(seqLen, seqTile)
      affineRange(batch, name: "b") { bi in
        affineRange(channels / p, name: "ct") { ct in
          let c0 = ct * p
          let deltaTile = load(delta[bi, c0 ..+ p, 0..<seqLen])
          let uTile = load(u[bi, c0 ..+ p, 0..<seqLen])
          let deltaU = tensorTensor(deltaTile, uTile, op: .multiply)
          let acc = zeros([p, seqLen], dtype: .float32)
          sequentialRange(stateSize, name: "s") { s in
            let aColumn = load(a[c0 ..+ p, s ..+ 1])
            let scanInit = zeros([p, 1], dtype: .float32)
            sequentialRange(seqLen / chunk, name: "i") { i in
              let t0 = i * chunk
              let decay = activation(.exp, deltaTile[0..<p, t0 ..+ chunk], scale: aColumn)
              let bRow = load(b[bi, s ..+ 1, t0 ..+ chunk])
              let cRow = load(c[bi, s ..+ 1, t0 ..+ chunk])
              let drive = tensorTensor(deltaU[0..<p, t0 ..+ chunk], bRow.broadcasted(to: [p, chunk]), op: .multiply)
              let states = tensorTensorScan(decay, drive, initial: .tile(scanInit), op0: .multiply, op1: .add)
              scanInit.assign(copy(states[0..<p, (chunk - 1)..<chunk]))
              let contribution = tensorTensor(states, cRow.broadcasted(to: [p, chunk]), op: .multiply)
              acc[0..<p, t0 ..+ chunk].assign(add(acc[0..<p, t0 ..+ chunk], contribution))
            }
          }
          store(out[bi, c0 ..+ p, 0..<seqLen], value: acc)
        }
      }
    }
  }

  /// `kernels/rotary.py` (`rotary_kernel`): RoPE on interleaved pairs, even and odd elements
  /// read and written through stride-2 views; writes the output parameter `out`.
  ///
  /// ```swift
  /// let k = DSLExamples.rotary(seq: 200, dHead: 64)
  /// ```
  public static func rotary(seq: Int, dHead: Int, dtype: DType = .float32) -> SwiftKernel {
    let half = dHead / 2
    return SwiftKernel(
      name: "rotary_kernel",
      KernelParameter("x", shape: [seq, dHead], dtype: dtype),
      KernelParameter("cos", shape: [seq, half], dtype: dtype),
      KernelParameter("sin", shape: [seq, half], dtype: dtype),
      KernelParameter("out", shape: [seq, dHead], dtype: dtype)
    ) { x, cos, sin, out in
      let tileP = pmax
      affineRange((seq + tileP - 1) / tileP, name: "t") { t in
        let inside = t * tileP + GridIndex.partition < seq
        let xTile = load(x[t * tileP ..+ tileP, 0..<dHead], mask: inside)
        let cosTile = load(cos[t * tileP ..+ tileP, 0..<half], mask: inside)
        let sinTile = load(sin[t * tileP ..+ tileP, 0..<half], mask: inside)
        let evens = (0..<dHead).strided(by: 2)
        let odds = (1..<dHead).strided(by: 2)
        let xEven = xTile[0..., evens]
        let xOdd = xTile[0..., odds]
        let rotated = ndarray([tileP, dHead], dtype: x.dtype)
        rotated[0..., evens].assign(subtract(multiply(xEven, cosTile), multiply(xOdd, sinTile)))
        rotated[0..., odds].assign(add(multiply(xEven, sinTile), multiply(xOdd, cosTile)))
        store(out[t * tileP ..+ tileP, 0..<dHead], value: rotated, mask: inside)
      }
    }
  }

  /// `kernels/avgpool2d.py` (`avgpool2d_kernel`): non-overlapping `pool × pool` averages of
  /// `[channels, height, width]`, through a 5-D window view reduced over its last two axes.
  ///
  /// ```swift
  /// let k = DSLExamples.avgPool2D(channels: 200, height: 8, width: 12, pool: 2)
  /// ```
  public static func avgPool2D(channels: Int, height: Int, width: Int, pool poolSize: Int, dtype: DType = .float32)
    -> SwiftKernel
  {
    SwiftKernel(
      name: "avgpool2d_kernel",
      KernelParameter("in_tensor", shape: [channels, height, width], dtype: dtype)
    ) { inTensor in
      let outH = height / poolSize
      let outW = width / poolSize
      let outTensor = output("out_tensor", shape: [channels, outH, outW], dtype: inTensor.dtype)
      let tileC = pmax
      affineRange((channels + tileC - 1) / tileC, name: "t") { t in
        let image = load(
          inTensor[t * tileC ..+ tileC, 0..<height, 0..<width], mask: t * tileC + GridIndex.partition < channels)
        let windows = image.view(shape: [tileC, outH, outW, poolSize, poolSize]) { k in
          [k[0], poolSize * k[1] + k[3], poolSize * k[2] + k[4]]
        }
        let windowSums = sum(windows, axes: [3, 4])
        let averages = multiply(windowSums, Float(1.0 / Double(poolSize * poolSize)), dtype: inTensor.dtype)
        store(
          outTensor[t * tileC ..+ tileC, 0..<outH, 0..<outW], value: averages,
          mask: t * tileC + GridIndex.partition < channels)
      }
    }
  }
}
