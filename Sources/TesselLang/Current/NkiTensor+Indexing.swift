import TesselIR
import TesselPython

extension NkiTensor {
  /// `t[key]`: integers, slices (with steps and negative bounds), `nl.ds(start, size)`, `...`.
  ///
  /// HBM tensors drop integer-indexed dimensions as NumPy does. On-chip tensors keep the
  /// partition dimension (at size 1 when integer-indexed) and never drop below two dimensions:
  /// an integer on the last remaining free dimension keeps it at size 1.
  func getItem(_ key: Value, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    .native(try indexed(key, ev, at: loc))
  }

  /// `t[key] = value`: a copy into the view (NKI's `NkiTensor.__setitem__`).
  func setItem(_ key: Value, _ value: Value, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Bool {
    let dst = try indexed(key, ev, at: loc)
    guard case .native(let o) = value, let src = o as? NkiTensor else {
      throw TraceError.unsupported(
        "assigning \(value.typeName) into a tensor (assign a tensor, or use nisa.memset)", at: loc)
    }
    try tracer.copy(dst: dst, src: src, at: loc)
    return true
  }

  /// The view `self[key]`.
  func indexed(_ key: Value, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> NkiTensor {
    var items: [Value]
    if case .tuple(let t) = key { items = t } else { items = [key] }
    // Expand `...` into full slices.
    if let e = items.firstIndex(where: { if case .ellipsis = $0 { return true } else { return false } }) {
      let fill = shape.count - (items.count - 1)
      items.replaceSubrange(
        e...e,
        with: Array(repeating: .slice(PySlice(lower: .none, upper: .none, step: .none)), count: Swift.max(0, fill)))
    }
    guard items.count <= shape.count else {
      throw TraceError.python(
        "IndexError",
        "too many indices for tensor `\(name)`: tensor is \(shape.count)-dimensional, but \(items.count) were indexed",
        at: loc)
    }
    var newShape: [Int] = []
    var newStrides: [Int] = []
    var off = offset
    var dropped: [Bool] = []
    for d in shape.indices {
      let n = shape[d]
      let s = strides[d]
      guard d < items.count else {
        newShape.append(n)
        newStrides.append(s)
        dropped.append(false)
        continue
      }
      switch items[d] {
      case .slice(let sl):
        let (a, b, c) = try ev.sliceIndices(sl, count: n, at: loc)
        try checkSliceBounds(
          lower: sl.lower.isNone ? nil : try ev.intValue(sl.lower, at: loc),
          upper: sl.upper.isNone ? nil : try ev.intValue(sl.upper, at: loc), step: c, size: n, tensor: name,
          dimension: d, at: loc)
        let count = c > 0 ? Swift.max(0, (b - a + c - 1) / c) : Swift.max(0, (a - b - c - 1) / -c)
        guard count >= 1 else {
          throw TraceError.python("IndexError", "empty slice of dimension \(d) of `\(name)` (size \(n))", at: loc)
        }
        off += a * s
        newShape.append(count)
        newStrides.append(s * c)
        dropped.append(false)
      case .native(let o) where o is NkiDynamicSlice:
        guard let ds = o as? NkiDynamicSlice else { continue }
        guard ds.start >= 0, ds.size >= 1, ds.start + ds.size <= n else {
          throw TraceError.python(
            "IndexError", "nl.ds(\(ds.start), \(ds.size)) is out of range for dimension \(d) of `\(name)` (size \(n))",
            at: loc)
        }
        off += ds.start * s
        newShape.append(ds.size)
        newStrides.append(s)
        dropped.append(false)
      default:
        var i = try ev.intValue(items[d], at: loc)
        if i < 0 { i += n }
        guard i >= 0 && i < n else {
          throw TraceError.python(
            "IndexError", "index \(i) is out of bounds for dimension \(d) of `\(name)` with size \(n)", at: loc)
        }
        off += i * s
        newShape.append(1)
        newStrides.append(s)
        dropped.append(true)
      }
    }
    // Which integer-indexed dimensions go away.
    var keep = dropped.map { !$0 }
    if isOnChip {
      if !keep.isEmpty { keep[0] = true }
      while keep.filter({ $0 }).count < Swift.min(2, shape.count), let last = keep.lastIndex(of: false) {
        keep[last] = true
      }
    }
    let shape = newShape.indices.filter { keep[$0] }.map { newShape[$0] }
    let strides = newStrides.indices.filter { keep[$0] }.map { newStrides[$0] }
    return with(shape: shape, strides: strides, offset: off)
  }
}
