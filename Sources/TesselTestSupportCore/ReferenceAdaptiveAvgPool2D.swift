/// Adaptive 2-D average pooling (PyTorch's `AdaptiveAvgPool2d`), the reference of
/// `kernels/adaptive_avgpool.py`.
///
/// Output `(c, i, j)` is the mean of input rows `floor(i * height / outHeight)` up to (not
/// including) `ceil((i + 1) * height / outHeight)`, and of the matching columns, accumulated in
/// `Double`. `x` is row-major `[channels, height, width]`; the result is
/// `[channels, outHeight, outWidth]`.
public func referenceAdaptiveAvgPool2D(
  _ x: [Float], channels: Int, height: Int, width: Int, outHeight: Int, outWidth: Int
) -> [Float] {
  precondition(x.count == channels * height * width, "x has \(x.count) elements, expected \(channels * height * width)")
  precondition(outHeight >= 1 && outWidth >= 1, "output sizes must be positive")
  var out = [Float](repeating: 0, count: channels * outHeight * outWidth)
  for c in 0..<channels {
    for i in 0..<outHeight {
      let h0 = i * height / outHeight
      let h1 = ((i + 1) * height + outHeight - 1) / outHeight
      for j in 0..<outWidth {
        let w0 = j * width / outWidth
        let w1 = ((j + 1) * width + outWidth - 1) / outWidth
        var sum: Double = 0
        for h in h0..<h1 {
          for w in w0..<w1 { sum += Double(x[(c * height + h) * width + w]) }
        }
        out[(c * outHeight + i) * outWidth + j] = Float(sum / Double((h1 - h0) * (w1 - w0)))
      }
    }
  }
  return out
}
