import TesselIR

/// Basic indexing (`a[i]`, `a[1:3, ::2]`, `a[..., None]`) of trace-time arrays.
extension NDArray {
  /// One axis of a basic index, resolved against the array's shape.
  enum Axis {
    /// An integer: the axis disappears.
    case at(Int)
    /// A slice: `count` elements from `start` by `step`.
    case range(start: Int, step: Int, count: Int)
    /// `None`: a new axis of length 1.
    case newAxis
  }

  /// The key's components resolved against the shape: one ``Axis`` per source axis, plus new axes.
  func axes(of key: Value, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> [Axis] {
    var parts: [Value]
    if case .tuple(let xs) = key { parts = xs } else { parts = [key] }
    let used = parts.filter {
      if case .none = $0 { return false }
      if case .ellipsis = $0 { return false }
      return true
    }.count
    guard used <= shape.count else {
      throw TraceError.python(
        "IndexError", "too many indices for array: array is \(shape.count)-dimensional, but \(used) were indexed",
        at: loc)
    }
    if let e = parts.firstIndex(where: {
      if case .ellipsis = $0 { return true }
      return false
    }) {
      parts.replaceSubrange(
        e...e,
        with: Array(repeating: Value.slice(PySlice(lower: .none, upper: .none, step: .none)), count: shape.count - used)
      )
    }
    while parts.filter({ !$0.isNone }).count < shape.count {
      parts.append(.slice(PySlice(lower: .none, upper: .none, step: .none)))
    }
    var out: [Axis] = []
    var axis = 0
    for p in parts {
      switch p {
      case .none: out.append(.newAxis)
      case .slice(let s):
        let (start, stop, step) = try ev.sliceIndices(s, count: shape[axis], at: loc)
        let n = step > 0 ? max(0, (stop - start + step - 1) / step) : max(0, (start - stop - step - 1) / -step)
        out.append(.range(start: start, step: step, count: n))
        axis += 1
      case .native(let o) where o is NDArray:
        throw TraceError.unsupported("indexing a numpy array with an array at trace time", at: loc)
      case .list:
        throw TraceError.unsupported("indexing a numpy array with a list at trace time", at: loc)
      default:
        var i = try ev.intValue(p, at: loc)
        let n = shape[axis]
        if i < 0 { i += n }
        guard i >= 0 && i < n else {
          throw TraceError.python(
            "IndexError", "index \(try ev.intValue(p, at: loc)) is out of bounds for axis \(axis) with size \(n)",
            at: loc)
        }
        out.append(.at(i))
        axis += 1
      }
    }
    return out
  }

  /// The shape a resolved index selects.
  static func shape(of axes: [Axis]) -> [Int] {
    axes.compactMap {
      switch $0 {
      case .at: nil
      case .range(_, _, let n): n
      case .newAxis: 1
      }
    }
  }

  /// The flat offsets a resolved index selects, row-major over ``shape(of:)``.
  func offsets(_ axes: [Axis]) -> [Int] {
    let strides = self.strides
    var offsets = [0]
    var axis = 0
    for a in axes {
      switch a {
      case .newAxis: continue
      case .at(let i): offsets = offsets.map { $0 + i * strides[axis] }
      case .range(let start, let step, let n):
        var next: [Int] = []
        next.reserveCapacity(offsets.count * n)
        for o in offsets {
          for k in 0..<n { next.append(o + (start + k * step) * strides[axis]) }
        }
        offsets = next
      }
      axis += 1
    }
    return offsets
  }

  /// The element at integer indices `index` (one per axis), as a Python number.
  func item(at index: [Int], at loc: SourceLocation) throws(TraceError) -> Value {
    if index.count == shape.count {
      return scalar(values[zip(index, strides).reduce(0) { $0 + $1.0 * $1.1 }])
    }
    let axes = index.map { Axis.at($0) } + shape.dropFirst(index.count).map { Axis.range(start: 0, step: 1, count: $0) }
    return .native(
      try NDArray(shape: NDArray.shape(of: axes), dtype: dtype, values: offsets(axes).map { values[$0] }, at: loc))
  }

  package func getItem(_ key: Value, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    let axes = try axes(of: key, ev, at: loc)
    let resultShape = NDArray.shape(of: axes)
    let picked = offsets(axes).map { values[$0] }
    if resultShape.isEmpty,
      axes.allSatisfy({
        if case .at = $0 { return true }
        return false
      })
    {
      return scalar(picked[0])
    }
    return .native(try NDArray(shape: resultShape, dtype: dtype, values: picked, at: loc))
  }

  package func setItem(_ key: Value, _ value: Value, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Bool
  {
    let axes = try axes(of: key, ev, at: loc)
    let target = NDArray.shape(of: axes)
    let source = try NDArray.from(value, ev, at: loc)
    guard let fill = source.broadcast(to: target) else {
      throw TraceError.python(
        "ValueError",
        "could not broadcast input array from shape \(NDArray.shapeText(source.shape)) into shape \(NDArray.shapeText(target))",
        at: loc)
    }
    for (o, v) in zip(offsets(axes), fill) {
      guard let x = dtype.convert(v) else {
        throw TraceError.unsupported("numpy arrays of \(dtype) at trace time", at: loc)
      }
      values[o] = x
    }
    return true
  }

  /// The elements broadcast to `shape` (numpy rules), row-major; nil when the shapes do not broadcast.
  func broadcast(to target: [Int]) -> [Double]? {
    if shape == target { return values }
    guard target.count >= shape.count else { return nil }
    let pad = target.count - shape.count
    var srcStrides = [Int](repeating: 0, count: target.count)
    let own = strides
    for d in 0..<shape.count {
      if shape[d] == target[pad + d] {
        srcStrides[pad + d] = own[d]
      } else if shape[d] != 1 {
        return nil
      }
    }
    let n = target.reduce(1, *)
    var out = [Double](repeating: 0, count: n)
    var index = [Int](repeating: 0, count: target.count)
    var offset = 0
    for i in 0..<n {
      out[i] = values[offset]
      RowMajorIndex.advance(&index, in: target, offset: &offset, strides: srcStrides)
    }
    return out
  }

  /// A shape as numpy prints it: `()`, `(3,)`, `(2, 3)`.
  static func shapeText(_ shape: [Int]) -> String {
    shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
  }
}
