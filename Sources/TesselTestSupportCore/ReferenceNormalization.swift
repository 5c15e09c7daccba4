/// Applies RMSNorm to each row of a row-major `rows × cols` array.
///
/// For each row: `out[j] = x[j] / sqrt(mean(x²) + eps) * weight[j]`, where the mean is over the
/// row's `cols` elements. Computed in `Double`, rounded to `Float` once.
///
/// ```swift
/// // mean(x²) = (9 + 16) / 2 = 12.5, so out = x / sqrt(12.5)
/// referenceRMSNorm([3, 4], weight: [1, 1], rows: 1, cols: 2, eps: 0)  // [0.8485, 1.1314]
/// ```
///
/// - Parameters:
///   - x: The input, `rows × cols`, row-major.
///   - weight: The per-column scale (`g` or `gamma`), `cols` elements.
///   - rows: The number of rows normalized independently.
///   - cols: The row length.
///   - eps: Added to the mean square before the square root; defaults to 1e-6.
/// - Returns: The normalized array, `rows × cols`.
public func referenceRMSNorm(
  _ x: [Float], weight: [Float], rows: Int, cols: Int, eps: Float = 1e-6
) -> [Float] {
  requireCount(x, rows * cols, "x", "rows*cols")
  requireCount(weight, cols, "weight", "cols")
  var out = [Float](repeating: 0, count: x.count)
  for r in 0..<rows {
    let start = r * cols
    var sumOfSquares: Double = 0
    for j in 0..<cols {
      sumOfSquares += Double(x[start + j]) * Double(x[start + j])
    }
    let meanSquare = sumOfSquares / Double(cols)
    let rms = (meanSquare + Double(eps)).squareRoot()
    for j in 0..<cols {
      out[start + j] = Float(Double(x[start + j]) / rms * Double(weight[j]))
    }
  }
  return out
}

/// Applies LayerNorm to each row of a row-major `rows × cols` array.
///
/// For each row: `out[j] = (x[j] - mean) / sqrt(variance + eps) * gamma[j] + beta[j]`, where
/// `variance` is the population variance `mean((x - mean)²)` (divide by `cols`, not `cols - 1`),
/// matching `nisa.bn_aggr` and PyTorch's `layer_norm`. A `nil` `gamma` means all ones and a
/// `nil` `beta` all zeros. Computed in `Double`, rounded to `Float` once.
///
/// ```swift
/// // mean = 2, variance = 2/3, so out = (x - 2) / sqrt(2/3)
/// referenceLayerNorm([1, 2, 3], rows: 1, cols: 3, eps: 0)  // [-1.2247, 0, 1.2247]
/// ```
///
/// - Parameters:
///   - x: The input, `rows × cols`, row-major.
///   - gamma: The per-column scale, `cols` elements, or `nil` for none.
///   - beta: The per-column shift, `cols` elements, or `nil` for none.
///   - rows: The number of rows normalized independently.
///   - cols: The row length.
///   - eps: Added to the variance before the square root; defaults to 1e-5.
/// - Returns: The normalized array, `rows × cols`.
public func referenceLayerNorm(
  _ x: [Float], gamma: [Float]? = nil, beta: [Float]? = nil, rows: Int, cols: Int,
  eps: Float = 1e-5
) -> [Float] {
  requireCount(x, rows * cols, "x", "rows*cols")
  if let gamma { requireCount(gamma, cols, "gamma", "cols") }
  if let beta { requireCount(beta, cols, "beta", "cols") }
  var out = [Float](repeating: 0, count: x.count)
  for r in 0..<rows {
    let start = r * cols
    var sum: Double = 0
    for j in 0..<cols {
      sum += Double(x[start + j])
    }
    let mean = sum / Double(cols)
    var sumOfSquaredDeviations: Double = 0
    for j in 0..<cols {
      let deviation = Double(x[start + j]) - mean
      sumOfSquaredDeviations += deviation * deviation
    }
    let variance = sumOfSquaredDeviations / Double(cols)
    let scale = 1 / (variance + Double(eps)).squareRoot()
    for j in 0..<cols {
      var value = (Double(x[start + j]) - mean) * scale
      if let gamma {
        value *= Double(gamma[j])
      }
      if let beta {
        value += Double(beta[j])
      }
      out[start + j] = Float(value)
    }
  }
  return out
}

/// Traps unless `array` has `expected` elements, naming the argument and the size it should have.
func requireCount(_ array: [Float], _ expected: Int, _ name: String, _ formula: String) {
  precondition(array.count == expected, "\(name) has \(array.count) elements, expected \(formula) = \(expected)")
}
