extension Kernel {
  /// Instructions `range` as a kernel of their own, over just the tensors they touch.
  ///
  /// Tensors are renumbered in order of first use (`tensors[i]` is the original ID of the new
  /// tensor `i`), loop markers are rebased to the new instruction indices, and index variables
  /// keep their IDs. The range must hold whole loops. The REPL and ``CoreSession``-style eager
  /// execution run such fragments against data they keep themselves.
  public func fragment(_ range: Range<Int>, name: String = "fragment") -> (kernel: Kernel, tensors: [TensorID]) {
    var ids: [TensorID] = []
    var index: [TensorID: TensorID] = [:]
    for inst in instructions[range] {
      for v in inst.operation.sources.map(\.view) + inst.operation.destinations where index[v.tensor] == nil {
        index[v.tensor] = TensorID(ids.count)
        ids.append(v.tensor)
      }
    }
    func r(_ v: View) -> View { View(tensor: index[v.tensor] ?? v.tensor, start: v.start, dims: v.dims) }
    func ro(_ o: Operand) -> Operand {
      if case .view(let v) = o { return .view(r(v)) }
      return o
    }
    let base = range.lowerBound
    let body: [Instruction] = instructions[range].map { inst in
      var i = inst
      switch inst.operation {
      case .loopBegin(var l):
        l.end -= base
        i.operation = .loopBegin(l)
      case .loopEnd(let b):
        i.operation = .loopEnd(begin: b - base)
      default:
        i.operation = inst.operation.remapped(r, ro)
      }
      return i
    }
    var decls = ids.map { self[$0] }
    for j in decls.indices {
      if let e = decls[j].enclosingLoop, range.contains(e) {
        decls[j].enclosingLoop = e - base
      } else {
        decls[j].enclosingLoop = nil
      }
    }
    return (Kernel(name: name, tensors: decls, indexVars: indexVars, instructions: body), ids)
  }
}
