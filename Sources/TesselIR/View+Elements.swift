extension View {
  /// The elements this view selects, in row-major order, read from `values`: a whole tensor laid
  /// out with `strides`, the view's first element at `base`.
  ///
  /// An element outside `values` reads
  /// as NaN.
  ///
  /// ```swift
  /// let row = view.elements(of: all, strides: decl.strides, base: 64)
  /// ```
  public func elements(of values: [Float], strides: [Int], base: Int) -> [Float] {
    let flatSteps = dims.map { d in zip(d.steps, strides).reduce(0) { $0 + $1.0 * $1.1 } }
    let counts = dims.map(\.count)
    let n = counts.reduce(1, *)
    var out: [Float] = []
    out.reserveCapacity(Swift.max(n, 0))
    var index = [Int](repeating: 0, count: counts.count)
    var offset = base
    for _ in 0..<Swift.max(n, 0) {
      out.append(offset >= 0 && offset < values.count ? values[offset] : .nan)
      RowMajorIndex.advance(&index, in: counts, offset: &offset, strides: flatSteps)
    }
    return out
  }
}
