/// Applies a rotary position embedding (RoPE) to adjacent pairs along each row.
///
/// Each row of `x` (one token) holds `cols / 2` pairs `(x[2i], x[2i+1])`; pair `i` is rotated by
/// the angle whose cosine and sine are `cos[row][i]` and `sin[row][i]`:
///
///     out[2i]   = x[2i] · cos − x[2i+1] · sin
///     out[2i+1] = x[2i] · sin + x[2i+1] · cos
///
/// This is the interleaved ("GPT-J") pairing, not the half-split pairing of Hugging Face's
/// `rotate_half`. Computed in `Double`, rounded to `Float` once.
///
/// ```swift
/// // Rotating (1, 0) by 90°: cos = 0, sin = 1.
/// referenceRotary([1, 0], cos: [0], sin: [1], rows: 1, cols: 2)  // [0, 1]
/// ```
///
/// - Parameters:
///   - x: The input, `rows × cols`, row-major; `cols` must be even.
///   - cos: The cosines, `rows × (cols / 2)`.
///   - sin: The sines, `rows × (cols / 2)`.
///   - rows: The number of tokens (partitions in the kernel).
///   - cols: The head dimension.
/// - Returns: The rotated array, `rows × cols`.
public func referenceRotary(
  _ x: [Float], cos: [Float], sin: [Float], rows: Int, cols: Int
) -> [Float] {
  precondition(cols % 2 == 0, "cols must be even, got \(cols)")
  let half = cols / 2
  precondition(
    x.count == rows * cols, "x has \(x.count) elements, expected rows*cols = \(rows * cols)")
  precondition(
    cos.count == rows * half, "cos has \(cos.count) elements, expected rows*cols/2 = \(rows * half)"
  )
  precondition(
    sin.count == rows * half, "sin has \(sin.count) elements, expected rows*cols/2 = \(rows * half)"
  )
  var out = [Float](repeating: 0, count: x.count)
  for r in 0..<rows {
    for i in 0..<half {
      let even = Double(x[r * cols + 2 * i])
      let odd = Double(x[r * cols + 2 * i + 1])
      let c = Double(cos[r * half + i])
      let s = Double(sin[r * half + i])
      out[r * cols + 2 * i] = Float(even * c - odd * s)
      out[r * cols + 2 * i + 1] = Float(even * s + odd * c)
    }
  }
  return out
}
