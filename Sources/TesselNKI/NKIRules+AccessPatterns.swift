import TesselIR

extension NKIRules {
  /// The IR view of an access pattern over a tensor's storage — `shape` and `strides` in
  /// elements, from element `offset` of the row-major storage — when each dimension of the
  /// pattern walks one storage dimension with a constant step and stays inside it; nil otherwise.
  ///
  /// This is how the current dialect's tensor views (`t[...]`, `.reshape`, `.ap(pattern, offset)`)
  /// become IR views, for both front ends. On chip (`onChip`), only the first dimension may move
  /// across partitions. Size-1 and zero-stride dimensions become broadcast dimensions.
  ///
  /// ```swift
  /// // weight.ap([[0, 128], [1, cols]]): a [cols] vector repeated on 128 partitions
  /// NKIRules.storageView(of: w, storageShape: [cols], onChip: false, shape: [128, cols], strides: [0, 1], offset: 0)
  /// ```
  public static func storageView(
    of tensor: TensorID, storageShape: [Int], onChip: Bool, shape: [Int], strides: [Int], offset: Int
  ) -> View? {
    let rank = storageShape.count
    let ts = RowMajorIndex.strides(of: storageShape)
    var start = [Int](repeating: 0, count: rank)
    var rest = offset
    for k in 0..<rank {
      start[k] = rest / ts[k]
      rest %= ts[k]
    }
    var dims: [View.Dim] = []
    var lo = start
    var hi = start
    for (c, s) in zip(shape, strides) {
      if s == 0 || c == 1 {
        dims.append(.broadcast(rank: rank, count: c))
        continue
      }
      // The outermost storage dimension whose stride divides this one.
      guard let k = (0..<rank).first(where: { s % ts[$0] == 0 && ts[$0] <= abs(s) }) else { return nil }
      let step = s / ts[k]
      dims.append(.along(k, of: rank, count: c, stride: step))
      let e = step * (c - 1)
      lo[k] += Swift.min(0, e)
      hi[k] += Swift.max(0, e)
    }
    for k in 0..<rank where lo[k] < 0 || hi[k] >= storageShape[k] { return nil }
    if onChip && dims.dropFirst().contains(where: { $0.steps[0] != 0 }) { return nil }
    return View(tensor: tensor, start: start.map { AffineExpr(constant: $0) }, dims: dims)
  }
}

extension NKIRules {
  /// The view in the form the current dialect's views lower to: every size-1 dimension is a
  /// broadcast dimension (it addresses one element, so its steps do not matter), as
  /// ``storageView(of:storageShape:onChip:shape:strides:offset:)`` makes them.
  ///
  /// ```swift
  /// NKIRules.canonicalView(rowMax[0 ..< p, 0 ..< 1])   // the [p, 1] column, its second dimension stepping nowhere
  /// ```
  public static func canonicalView(_ v: View) -> View {
    var c = v
    for d in c.dims.indices where c.dims[d].count == 1 {
      c.dims[d] = .broadcast(rank: c.start.count, count: 1)
    }
    return c
  }
}
