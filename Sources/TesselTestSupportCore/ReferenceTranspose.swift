/// Transposes a row-major `rows × cols` matrix, or each of `batch` such matrices.
///
/// With `batch > 1` the input is `[batch, rows, cols]` and the output `[batch, cols, rows]`:
/// `out[b][j][i] = x[b][i][j]`. This is also what `kernels/transpose2d.py` computes per partition,
/// where each partition row holds one flattened `rows × cols` matrix (`batch` = partitions).
///
/// ```swift
/// // [[1, 2, 3],       [[1, 4],
/// //  [4, 5, 6]]  ->    [2, 5],
/// //                    [3, 6]]
/// referenceTranspose([1, 2, 3, 4, 5, 6], rows: 2, cols: 3)  // [1, 4, 2, 5, 3, 6]
/// ```
///
/// - Parameters:
///   - x: The input, `batch × rows × cols`, row-major.
///   - rows: The rows of each input matrix.
///   - cols: The columns of each input matrix.
///   - batch: The number of matrices; defaults to 1.
/// - Returns: The transposed matrices, `batch × cols × rows`, row-major.
public func referenceTranspose(_ x: [Float], rows: Int, cols: Int, batch: Int = 1) -> [Float] {
  precondition(
    x.count == batch * rows * cols,
    "x has \(x.count) elements, expected batch*rows*cols = \(batch * rows * cols)")
  var out = [Float](repeating: 0, count: x.count)
  let matrixSize = rows * cols
  for b in 0..<batch {
    for i in 0..<rows {
      for j in 0..<cols {
        out[b * matrixSize + j * rows + i] = x[b * matrixSize + i * cols + j]
      }
    }
  }
  return out
}
