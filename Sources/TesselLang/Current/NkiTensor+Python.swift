import TesselIR
import TesselPython

extension NkiTensor {
  func attribute(_ name: String, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    switch name {
    case "shape": return .tuple(shape.map { .int($0) })
    case "strides": return .tuple(strides.map { .int($0) })
    case "offset": return .int(offset)
    case "dtype": return NkiDType.value(dtype, packing: packing)
    case "buffer": return .native(NkiBuffer(space))
    case "ndim": return .int(shape.count)
    case "size": return .int(elementCount)
    case "name": return .string(self.name)
    case "reshape":
      return method("reshape(*shape)") { a, ev, loc throws(TraceError) in
        var dims = a.extraPositional
        if dims.count == 1, case .tuple(let t) = dims[0] { dims = t }
        if dims.count == 1, case .list(let l) = dims[0] { dims = l.items }
        var shape: [Int] = []
        for d in dims { shape.append(try ev.intValue(d, at: loc)) }
        return .native(try self.reshaped(shape, at: loc))
      }
    case "ap":
      return method("ap(pattern, offset=None, scalar_offset=None, vector_offset=None, indirect_dim=0, dtype=None)") {
        a, ev, loc throws(TraceError) in try self.accessPattern(a, ev, at: loc)
      }
    case "permute":
      return method("permute(*dims)") { a, ev, loc throws(TraceError) in
        var dims = a.extraPositional
        if dims.count == 1, case .tuple(let t) = dims[0] { dims = t }
        var order: [Int] = []
        for d in dims { order.append(try ev.intValue(d, at: loc)) }
        guard order.count == self.shape.count, Set(order) == Set(self.shape.indices) else {
          throw TraceError.python(
            "ValueError", "permute needs a permutation of \(self.shape.count) dimensions, got \(order)", at: loc)
        }
        if self.isOnChip && order.first != 0 {
          throw TraceError.python(
            "ValueError", "an on-chip tensor keeps its partition dimension first (permute dims[0] must be 0)", at: loc)
        }
        return .native(
          self.with(shape: order.map { self.shape[$0] }, strides: order.map { self.strides[$0] }, offset: self.offset))
      }
    default: return nil
    }
  }

  /// A bound method with a Python signature.
  func method(_ signature: String, _ body: @escaping BuiltinFunction.Body) -> Value {
    .builtin(BuiltinFunction(signature, body))
  }

  // MARK: - Comparisons: identity, never elementwise

  func compare(
    _ op: ComparisonOperator, _ other: Value, reflected: Bool, _ ev: Evaluator, at location: SourceLocation
  ) throws(TraceError) -> Value? {
    // `t != None`, `t == other`: identity, as NKI's tensors compare (elementwise math is an ISA call).
    switch op {
    case .equal:
      if case .native(let o) = other { return .bool(o === self) }
      return .bool(false)
    case .notEqual:
      if case .native(let o) = other { return .bool(o !== self) }
      return .bool(true)
    default: return nil
    }
  }

  // MARK: - Views

  /// `t.reshape(shape)`: the same elements in another shape; the view must be contiguous.
  func reshaped(_ newShape: [Int], at loc: SourceLocation) throws(TraceError) -> NkiTensor {
    var s = newShape
    if let i = s.firstIndex(of: -1) {
      let known = s.enumerated().filter { $0.offset != i }.map(\.element).reduce(1, *)
      guard known > 0, elementCount % known == 0 else {
        throw TraceError.python(
          "ValueError", "cannot reshape a tensor of size \(elementCount) into shape \(newShape)", at: loc)
      }
      s[i] = elementCount / known
    }
    guard s.reduce(1, *) == elementCount, s.allSatisfy({ $0 >= 1 }) else {
      throw TraceError.python(
        "ValueError",
        "cannot reshape a tensor of \(elementCount) elements \(shape) into shape \(s) (reshape keeps the element count)",
        at: loc)
    }
    if isOnChip {
      guard s.first == shape.first else {
        throw TraceError.python(
          "ValueError",
          "reshape of an on-chip tensor must keep the partition dimension (\(shape.first ?? 1)), got \(s)", at: loc)
      }
      // Row-major within each partition, partitions as they are.
      guard Array(shape.dropFirst()).isContiguousFree(strides: Array(strides.dropFirst())) else {
        throw TraceError.python(
          "ValueError", "reshape needs a contiguous view; `\(name)` \(shape) with strides \(strides) is not", at: loc)
      }
      let inner = RowMajorIndex.strides(of: Array(s.dropFirst()))
      let innerStride = strides.count > 1 ? strides.last ?? 1 : 1
      return with(shape: s, strides: [strides.first ?? 1] + inner.map { $0 * innerStride }, offset: offset)
    }
    guard isContiguous else {
      throw TraceError.python(
        "ValueError", "reshape needs a contiguous view; `\(name)` \(shape) with strides \(strides) is not", at: loc)
    }
    return with(shape: s, strides: RowMajorIndex.strides(of: s), offset: offset)
  }

  /// `t.ap(pattern, offset, scalar_offset, vector_offset, indirect_dim, dtype)`: a raw access pattern
  /// over the storage (not composable with the view's own pattern).
  func accessPattern(_ a: BoundArguments, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value {
    let pairs = try ev.iterate(a[0] ?? .none, at: loc)
    var shape: [Int] = []
    var strides: [Int] = []
    for p in pairs {
      let pair = try ev.iterate(p, at: loc)
      guard pair.count == 2 else {
        throw TraceError.python("ValueError", "an access pattern is a list of [stride, count] pairs", at: loc)
      }
      strides.append(try ev.intValue(pair[0], at: loc))
      shape.append(try ev.intValue(pair[1], at: loc))
    }
    guard !shape.isEmpty, shape.allSatisfy({ $0 >= 1 }) else {
      throw TraceError.python(
        "ValueError", "an access pattern needs [stride, count] pairs with counts of at least 1", at: loc)
    }
    var off = offset
    if let o = a[1], !o.isNone { off = try ev.intValue(o, at: loc) }
    if let d = a[5], !d.isNone {
      guard case .native(let o) = d, let nd = o as? NkiDType else {
        throw TraceError.python("TypeError", "ap(dtype=...) needs an nki dtype, not \(d.typeName)", at: loc)
      }
      let newType = try nd.storedType(at: loc)
      if newType != dtype || nd.packing != packing {
        return try reinterpreted(
          as: newType, packing: nd.packing, shape: shape, strides: strides, offset: off, a, ev, at: loc)
      }
    }
    if let v = a[3], !v.isNone {
      return .native(try indirectlyPlaced(shape: shape, strides: strides, offset: off, by: v, a, ev, at: loc))
    }
    var runtime = runtimeOffsets
    if let so = a[2], !so.isNone {
      let dim = try ev.intValue(a[4] ?? .int(0), at: loc)
      guard case .native(let o) = so, let t = o as? NkiTensor else {
        throw TraceError.python("TypeError", "scalar_offset must be a [1, 1] tensor or a register", at: loc)
      }
      guard dim >= 0 && dim < storageShape.count else {
        throw TraceError.python(
          "ValueError", "indirect_dim \(dim) is out of range for `\(name)` of rank \(storageShape.count)", at: loc)
      }
      let unit = storageShape[(dim + 1)...].reduce(1, *)
      runtime.append((source: try t.irView(at: loc), stride: unit))
    }
    return .native(with(shape: shape, strides: strides, offset: off, runtimeOffsets: runtime))
  }
}

extension NkiTensor {
  /// `t.ap(pattern, offset, vector_offset=idx, indirect_dim=d)`: the pattern with each partition
  /// placed by `idx` (an `[P, 1]` integer tile on chip) in steps of storage dimension `d`.
  func indirectlyPlaced(
    shape: [Int], strides: [Int], offset: Int, by v: Value, _ a: BoundArguments, _ ev: Evaluator,
    at loc: SourceLocation
  ) throws(TraceError) -> NkiTensor {
    guard case .native(let o) = v, let idx = o as? NkiTensor else {
      throw TraceError.python("TypeError", "vector_offset must be an on-chip [P, 1] tensor, not \(v.typeName)", at: loc)
    }
    guard !isOnChip else {
      throw TraceError.unsupported("ap(vector_offset=...) of an on-chip tensor (`\(name)`)", at: loc)
    }
    guard packing == 1 else {
      throw TraceError.unsupported("ap(vector_offset=...) of a packed \(dtypeName) tensor (`\(name)`)", at: loc)
    }
    if let so = a[2], !so.isNone {
      throw TraceError.unsupported("ap(vector_offset=...) together with scalar_offset", at: loc)
    }
    guard runtimeOffsets.isEmpty, vectorOffset == nil else {
      throw TraceError.unsupported("ap(vector_offset=...) of a view with a runtime offset", at: loc)
    }
    let dim = try ev.intValue(a[4] ?? .int(0), at: loc)
    guard dim >= 0 && dim < self.shape.count else {
      throw TraceError.python(
        "ValueError", "indirect_dim \(dim) is out of range for `\(name)` of rank \(self.shape.count)", at: loc)
    }
    return NkiTensor(
      storage: storage, space: space, dtype: dtype, storageShape: storageShape, shape: shape, strides: strides,
      offset: offset, vectorOffset: (indices: try idx.irView(at: loc), unit: self.strides[dim]), name: name,
      tracer: tracer)
  }

  /// The IR view of the access at index 0 of a `vector_offset` view (on the storage's flat
  /// alias), how far one unit of an index moves along it, and the index tile
  /// (``Operation/IndirectDMA``); nil for a view without `vector_offset`.
  func indirectAccess(at loc: SourceLocation) throws(TraceError) -> (
    view: View, offsetSteps: [Int], indices: View
  )? {
    guard let vo = vectorOffset, !shape.isEmpty else { return nil }
    var zeroed = strides
    zeroed[0] = 0
    // On the storage's flat alias, so that an index may cross the storage's own dimensions
    // (bounds are those of the whole storage, as the hardware's are).
    return (try with(shape: shape, strides: zeroed, offset: offset).flatView(at: loc), [vo.unit], vo.indices)
  }

  /// `t.ap(pattern, offset, dtype=d)` with `d` another dtype: the pattern and offset address the
  /// storage as elements of `d` (a bitcast view of the whole storage tensor,
  /// ``KernelBuilder/declareBitcast(name:of:as:location:)``; none when only the packing changes,
  /// as from `float8_e5m2` to `float8_e5m2_x4`).
  ///
  /// The view's own offset is counted in `d`'s elements; runtime offsets are refused with it.
  func reinterpreted(
    as newType: DType, packing newPacking: Int, shape: [Int], strides: [Int], offset: Int, _ a: BoundArguments,
    _ ev: Evaluator, at loc: SourceLocation
  ) throws(TraceError) -> Value {
    if let so = a[2], !so.isNone {
      throw TraceError.unsupported("ap(dtype=...) together with scalar_offset", at: loc)
    }
    if let v = a[3], !v.isNone {
      throw TraceError.unsupported("ap(dtype=...) together with vector_offset", at: loc)
    }
    guard runtimeOffsets.isEmpty else {
      throw TraceError.unsupported("ap(dtype=...) of a view with a runtime offset", at: loc)
    }
    var view = storage
    if newType != dtype {
      do {
        view = try tracer.builder.declareBitcast(
          name: "\(name)_as_\(newType.nkiName)", of: storage, as: newType, location: loc)
      } catch {
        throw TraceError(.kernel(error), at: loc)
      }
    }
    let decl = tracer.builder.tensor(view)
    let newName = newPacking == 1 ? newType.nkiName : "\(newType.nkiName)_x\(newPacking)"
    let elementBytes = newType.byteSize * newPacking
    guard (decl.shape.last ?? 0) % newPacking == 0 else {
      throw TraceError.python(
        "ValueError",
        "cannot view `\(name)` as \(newName): the last dimension of its storage holds \((decl.shape.last ?? 0) * newType.byteSize) bytes, not a multiple of \(elementBytes)",
        at: loc)
    }
    var start = offset
    if a[1]?.isNone ?? true {
      // The view's own offset, counted in the old dtype's elements.
      let bytes = self.offset * dtype.byteSize * packing
      guard bytes % elementBytes == 0 else {
        throw TraceError.python(
          "ValueError",
          "the offset of `\(name)` (\(self.offset) \(dtypeName) elements) is not a whole number of \(newName) elements",
          at: loc)
      }
      start = bytes / elementBytes
    }
    return .native(
      NkiTensor(
        storage: view, space: space, dtype: newType, storageShape: NkiTensor.packedShape(decl.shape, newPacking),
        shape: shape, strides: strides, offset: start, packing: newPacking, name: decl.name, tracer: tracer))
  }
}

extension Array where Element == Int {
  /// Whether a free shape with these strides is row-major contiguous up to a common inner stride.
  func isContiguousFree(strides: [Int]) -> Bool {
    guard let inner = strides.last else { return true }
    var expected = inner
    for d in indices.reversed() where self[d] != 1 {
      if strides[d] != expected { return false }
      expected *= self[d]
    }
    return true
  }
}
