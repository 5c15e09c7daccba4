/// Applies softmax along the last axis of a row-major `rows × cols` array.
///
/// For each row: `out[j] = exp(x[j] - max(x)) / Σₖ exp(x[k] - max(x))`. Subtracting the row
/// maximum first keeps `exp` from overflowing and does not change the result mathematically; it is
/// what every NKI softmax kernel does too. Computed in `Double`, rounded to `Float` once.
///
/// ```swift
/// referenceSoftmax([0, 0], rows: 1, cols: 2)  // [0.5, 0.5]
/// ```
///
/// - Parameters:
///   - x: The input, `rows × cols`, row-major.
///   - rows: The number of independent rows (queries, tokens...).
///   - cols: The length of the axis softmax normalizes over.
/// - Returns: The probabilities, `rows × cols`, each row summing to 1.
public func referenceSoftmax(_ x: [Float], rows: Int, cols: Int) -> [Float] {
  precondition(
    x.count == rows * cols, "x has \(x.count) elements, expected rows*cols = \(rows * cols)")
  var out = [Float](repeating: 0, count: x.count)
  for r in 0..<rows {
    let start = r * cols
    var rowMax = -Double.infinity
    for j in 0..<cols {
      rowMax = max(rowMax, Double(x[start + j]))
    }
    var exponentials = [Double](repeating: 0, count: cols)
    var sum: Double = 0
    for j in 0..<cols {
      exponentials[j] = Math.exponential(Double(x[start + j]) - rowMax)
      sum += exponentials[j]
    }
    for j in 0..<cols {
      out[start + j] = Float(exponentials[j] / sum)
    }
  }
  return out
}
