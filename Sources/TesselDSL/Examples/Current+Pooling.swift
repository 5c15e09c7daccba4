import TesselIR

extension DSLExamples.Current {
  /// `kernels/current/avgpool2d.py` (`avgpool2d_kernel`): the mean of each `pool × pool` window
  /// of `[channels, height, width]`, channel tiles of 128 (the last one ragged); a 5-D access
  /// pattern walks the windows and one `tensor_reduce` sums them.
  ///
  /// ```swift
  /// let k = DSLExamples.Current.avgPool2D(channels: 200, height: 8, width: 12, pool: 2)
  /// ```
  public static func avgPool2D(channels: Int, height: Int, width: Int, pool: Int) -> SwiftKernel {
    SwiftKernel(name: "avgpool2d_kernel", KernelParameter("in_tensor", shape: [channels, height, width])) { input in
      let (outH, outW) = (height / pool, width / pool)
      let out = output("out", shape: [channels, outH, outW], dtype: input.dtype)
      for c in 0..<((channels + pmax - 1) / pmax) {
        let pc = Swift.min(pmax, channels - c * pmax)
        let image = ndarray([pmax, height, width], dtype: input.dtype)
        dmaCopy(dst: image[0..<pc], src: input[c * pmax ..+ pc])
        let windows = image.ap(
          [[height * width, pc], [pool * width, outH], [pool, outW], [width, pool], [1, pool]], offset: 0)
        let sums = ndarray([pmax, outH, outW], dtype: .float32)
        tensorReduce(into: sums[0..<pc], .add, windows, axes: [3, 4])
        let means = ndarray([pmax, outH, outW], dtype: input.dtype)
        tensorScalar(
          into: means[0..<pc], sums[0..<pc], op0: .multiply, operand0: ScalarOperand(Float(1.0 / Double(pool * pool))))
        dmaCopy(dst: out[c * pmax ..+ pc], src: means[0..<pc])
      }
    }
  }
}
