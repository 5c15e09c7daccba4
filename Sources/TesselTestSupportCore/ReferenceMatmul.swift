/// Multiplies an `m × k` matrix by a `k × n` matrix: `c[i][j] = Σₚ a[i][p] · b[p][j]`.
///
/// All matrices are row-major. Sums are accumulated in `Double` and rounded to `Float` once, so
/// the reference is at least as accurate as any fp32 kernel it checks.
///
/// ```swift
/// // [[1, 2, 3],    [[1, 0],     [[4, 5],
/// //  [4, 5, 6]]  ·  [0, 1],  =   [10, 11]]
/// //                 [1, 1]]
/// referenceMatmul([1, 2, 3, 4, 5, 6], [1, 0, 0, 1, 1, 1], m: 2, k: 3, n: 2)  // [4, 5, 10, 11]
/// ```
///
/// - Parameters:
///   - a: The left operand, `m × k`, row-major.
///   - b: The right operand, `k × n`, row-major.
/// - Returns: The `m × n` product, row-major.
///
/// ### See Also
/// - ``referenceMatmul(transposedA:_:m:k:n:)``
public func referenceMatmul(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int) -> [Float] {
  precondition(a.count == m * k, "a has \(a.count) elements, expected m*k = \(m * k)")
  precondition(b.count == k * n, "b has \(b.count) elements, expected k*n = \(k * n)")
  var c = [Float](repeating: 0, count: m * n)
  for i in 0..<m {
    for j in 0..<n {
      var sum: Double = 0
      for p in 0..<k {
        sum += Double(a[i * k + p]) * Double(b[p * n + j])
      }
      c[i * n + j] = Float(sum)
    }
  }
  return c
}

/// Multiplies `aᵀ` by `b`, where `aT` holds `a` already transposed: `c[i][j] = Σₚ aT[p][i] · b[p][j]`.
///
/// This is the layout NKI matmul kernels take: the contraction dimension `k` is the partition
/// (first) axis of both operands, so the left operand arrives as `lhsT` with shape `[k, m]`
/// (`nisa.nc_matmul(stationary, moving)` computes `stationary.T @ moving`).
///
/// ```swift
/// // aT = [[1, 4],   is a = [[1, 2, 3],
/// //       [2, 5],           [4, 5, 6]]
/// //       [3, 6]]
/// referenceMatmul(transposedA: [1, 4, 2, 5, 3, 6], [1, 0, 0, 1, 1, 1], m: 2, k: 3, n: 2)
/// // [4, 5, 10, 11]
/// ```
///
/// - Parameters:
///   - aT: The left operand transposed, `k × m`, row-major.
///   - b: The right operand, `k × n`, row-major.
/// - Returns: The `m × n` product `aᵀ·b`, row-major.
public func referenceMatmul(transposedA aT: [Float], _ b: [Float], m: Int, k: Int, n: Int)
  -> [Float]
{
  precondition(aT.count == k * m, "aT has \(aT.count) elements, expected k*m = \(k * m)")
  return referenceMatmul(referenceTranspose(aT, rows: k, cols: m), b, m: m, k: k, n: n)
}
