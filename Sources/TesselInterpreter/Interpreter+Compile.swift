import TesselIR

extension Interpreter {
  /// Lowers every instruction's views to flat arena offsets and precomputes its counters.
  static func compile(_ kernel: Kernel, offsets: [Int]) -> [CompiledInstruction] {
    let slots: (IndexVar) -> Int = { $0.index }
    func flat(_ v: View) -> FlatView {
      let t = kernel[v.tensor]
      let ts = t.strides
      var base = offsets[v.tensor.index]
      var terms: [Int: Int] = [:]
      for (k, e) in v.start.enumerated() {
        base += e.constant * ts[k]
        for term in e.terms { terms[term.variable.index, default: 0] += term.coefficient * ts[k] }
      }
      var strides = v.dims.map { d in zip(d.steps, ts).reduce(0) { $0 + $1.0 * $1.1 } }
      if strides.isEmpty { strides = [0] }
      return FlatView(
        tensor: v.tensor.index, base: base,
        terms: terms.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map { (slot: $0.key, coef: $0.value) },
        strides: strides)
    }
    func bytes(_ v: View) -> Int { v.elementCount * kernel[v.tensor].dtype.byteSize }

    return kernel.instructions.map { inst in
      let op = inst.operation
      var views: [FlatView] = []
      if let d = op.destination { views.append(flat(d)) }
      for s in op.sources { views.append(flat(s.view)) }
      if case .activation(_, _, _, _, _, _, let rd?) = op { views.append(flat(rd)) }
      var counts: [Int]
      switch op {
      case .tensorReduce(_, let s, _, _, _), .tensorPartitionReduce(_, let s, _), .bnStats(_, let s),
        .bnAggr(_, let s):
        counts = s.shape
      default:
        counts = op.destination?.shape ?? []
      }
      if counts.isEmpty { counts = [1] }
      var mask = inst.mask.flatMap { FlatCondition.normalized($0, slots: slots) }
      // Give every iteration space at least two dimensions (partition and free) so that a row's
      // outer index is its partition.
      if counts.count == 1 {
        counts.append(1)
        for i in views.indices { views[i].strides.append(0) }
        for i in mask.indices { mask[i].coefficients.append(0) }
      }
      var covers = false
      if let d = op.destination, inst.mask.isEmpty {
        covers = View.coversWhole(d, shape: kernel[d.tensor].shape)
      }
      // Lanes of the row walk: the views in order, with [P, 1] operands broadcast along the free
      // dimensions of the iteration space.
      let rank = counts.count
      let laneStrides: [[Int]] = views.prefix(4).map { fv in
        if fv.strides.count == rank { return fv.strides }
        var s = Array(repeating: 0, count: rank)
        s[0] = fv.strides.first ?? 0
        return s
      }
      var laneStridesFixed = laneStrides
      // Operands that are [P, 1] vectors in an iteration space of the same rank broadcast too.
      switch op {
      case .tensorScalar, .activation:
        for lane in 2..<laneStridesFixed.count {
          laneStridesFixed[lane] = [laneStridesFixed[lane][0]] + Array(repeating: 0, count: rank - 1)
        }
      default: break
      }
      var merge = mask.isEmpty
      switch op {
      case .iota, .affineSelect, .activation, .tensorTensorScan, .bnStats, .bnAggr:
        merge = false
      default: break
      }
      let rows = RowIterator(counts: counts, viewStrides: laneStridesFixed, merge: merge)
      let elements = counts.reduce(1, *)
      var flops = elements
      if case .matmul(let d, let s, _, _) = op { flops = 2 * d.elementCount * s.partitionCount }
      switch op {
      case .loopBegin, .loopEnd, .load, .store, .dmaCopy, .loadTranspose: flops = 0
      default: break
      }
      let b = op.sources.map { bytes($0.view) }.reduce(0, +) + op.destinations.map(bytes).reduce(0, +)
      return CompiledInstruction(
        instruction: inst, counts: counts, views: views, mask: mask, rows: rows, coversDestination: covers,
        elements: elements, bytes: b, flops: flops)
    }
  }
}

extension View {
  /// Whether the view writes every element of a tensor of `shape` exactly once (any order).
  static func coversWhole(_ v: View, shape: [Int]) -> Bool {
    guard v.elementCount == shape.reduce(1, *), v.start.allSatisfy({ $0 == AffineExpr() }) else { return false }
    // Each tensor dimension must be walked by exactly one view dimension with step 1 and full count
    // (any permutation of dimensions), ignoring size-1 dimensions on either side.
    var walked = Array(repeating: false, count: shape.count)
    for d in v.dims where d.count > 1 {
      let nz = d.steps.indices.filter { d.steps[$0] != 0 }
      guard nz.count == 1, let k = nz.first, d.steps[k] == 1, d.count == shape[k], !walked[k] else { return false }
      walked[k] = true
    }
    return shape.indices.allSatisfy { walked[$0] || shape[$0] == 1 }
  }
}
