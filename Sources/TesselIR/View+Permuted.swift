extension View {
  /// The view with its iteration dimensions reordered: dimension `i` of the result is dimension
  /// `axes[i]` of this view (NumPy's `transpose(axes)`); the elements it addresses are the same.
  ///
  /// `axes` must be a permutation of `0..<dims.count` (the caller checks); an entry out of range
  /// leaves the view unchanged.
  public func permuted(_ axes: [Int]) -> View {
    guard axes.count == dims.count, Set(axes) == Set(dims.indices) else { return self }
    var v = self
    v.dims = axes.map { dims[$0] }
    return v
  }
}
