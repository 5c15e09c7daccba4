/// Average-pools each channel of a `c × h × w` array over non-overlapping `pool × pool` windows.
///
/// `out[ch][i][j]` is the mean of `x[ch][pool·i + a][pool·j + b]` for `a, b` in `0..<pool`. The
/// output is `c × (h / pool) × (w / pool)`; trailing rows and columns that do not fill a whole
/// window are dropped, as in the NKI tutorial. Computed in `Double`, rounded to `Float` once.
///
/// ```swift
/// // One 2×2 channel, pool 2: the mean of 1, 2, 3, 4.
/// referenceAvgPool2D([1, 2, 3, 4], channels: 1, height: 2, width: 2, pool: 2)  // [2.5]
/// ```
///
/// - Parameters:
///   - x: The input, `channels × height × width`, row-major.
///   - channels: The number of channels (the partition axis in the kernel).
///   - height: The input height.
///   - width: The input width.
///   - pool: The window size (and stride).
/// - Returns: The pooled array, `channels × (height / pool) × (width / pool)`.
public func referenceAvgPool2D(
  _ x: [Float], channels: Int, height: Int, width: Int, pool: Int
) -> [Float] {
  precondition(
    x.count == channels * height * width,
    "x has \(x.count) elements, expected channels*height*width = \(channels * height * width)")
  precondition(pool >= 1, "pool must be at least 1, got \(pool)")
  let outHeight = height / pool
  let outWidth = width / pool
  var out = [Float](repeating: 0, count: channels * outHeight * outWidth)
  for ch in 0..<channels {
    for i in 0..<outHeight {
      for j in 0..<outWidth {
        var sum: Double = 0
        for a in 0..<pool {
          for b in 0..<pool {
            sum += Double(x[ch * height * width + (pool * i + a) * width + (pool * j + b)])
          }
        }
        out[ch * outHeight * outWidth + i * outWidth + j] = Float(sum / Double(pool * pool))
      }
    }
  }
  return out
}
