extension Kernel {
  /// The kernel with its bitcast views materialised: each instruction that names a view
  /// (``BitcastView/isCopy`` false) uses a copy of its own instead, which a bitcast instruction fills
  /// from the view's base just before it (unless the instruction writes the whole copy without
  /// reading it) and, when the instruction writes it, copies back into the base just after it.
  ///
  /// Each copy is declared in the innermost loop open at its instruction, so it belongs to one
  /// iteration. A kernel without views is returned unchanged.
  public func materializingBitcasts() -> Kernel {
    guard tensors.contains(where: { $0.bitcast?.isCopy == false }) else { return self }
    var k = self
    k.instructions = []
    var newIndex = [Int](repeating: 0, count: instructions.count)
    // Where each instruction's group (the bitcasts filling its copies, then itself) starts.
    var groupStart = [Int](repeating: 0, count: instructions.count + 1)
    var open: [Int] = []
    for (pc, inst) in instructions.enumerated() {
      groupStart[pc] = k.instructions.count
      switch inst.operation {
      case .loopBegin:
        newIndex[pc] = k.instructions.count
        open.append(k.instructions.count)
        k.instructions.append(inst)
        continue
      case .loopEnd(let begin):
        _ = open.popLast()
        newIndex[pc] = k.instructions.count
        var i = inst
        i.operation = .loopEnd(begin: newIndex[begin])
        k.instructions.append(i)
        continue
      default: break
      }
      let uses = inst.operation.operands.filter { self[$0.view.tensor].bitcast?.isCopy == false }
      var copies: [TensorID: TensorID] = [:]
      var after: [Instruction] = []
      for use in uses where copies[use.view.tensor] == nil {
        let view = use.view.tensor
        guard let base = self[view].bitcast?.base else { continue }
        var decl = self[view]
        decl.bitcast = BitcastView(base: base, isCopy: true)
        decl.enclosingLoop = open.last
        let copy = TensorID(k.tensors.count)
        k.tensors.append(decl)
        copies[view] = copy
        let mine = uses.filter { $0.view.tensor == view }
        let written = mine.filter { $0.role.isWritten }
        let readsFirst =
          mine.contains { !$0.role.isWritten || $0.role == .accumulator } || !inst.mask.isEmpty
          || !written.contains { $0.view.isWhole(of: decl.shape) }
        let wholeCopy = View.whole(copy, shape: decl.shape)
        let wholeBase = View.whole(base, shape: self[base].shape)
        if readsFirst {
          k.instructions.append(
            Instruction(.bitcast(dst: wholeCopy, src: wholeBase), location: inst.location).inProgram(inst.program))
        }
        if !written.isEmpty {
          after.append(
            Instruction(.bitcast(dst: wholeBase, src: wholeCopy), location: inst.location).inProgram(inst.program))
        }
      }
      newIndex[pc] = k.instructions.count
      var i = inst
      if !copies.isEmpty {
        i.operation = inst.operation.remapped(
          { v in
            var w = v
            if let c = copies[v.tensor] { w.tensor = c }
            return w
          },
          { o in
            if case .view(let v) = o, let c = copies[v.tensor] {
              var w = v
              w.tensor = c
              return .view(w)
            }
            return o
          })
      }
      k.instructions.append(i)
      k.instructions += after
    }
    for (n, inst) in k.instructions.enumerated() {
      if case .loopBegin(var l) = inst.operation {
        l.end = newIndex[l.end]
        k.instructions[n].operation = .loopBegin(l)
      }
    }
    groupStart[instructions.count] = k.instructions.count
    k.rendezvous = rendezvous.map { groupStart[Swift.min(Swift.max($0, 0), instructions.count)] }
    for t in k.tensors.indices {
      if let e = k.tensors[t].enclosingLoop, e < newIndex.count, k.tensors[t].bitcast?.isCopy != true {
        k.tensors[t].enclosingLoop = newIndex[e]
      }
    }
    return k
  }
}

extension Instruction {
  /// The instruction stamped with program `program` (``program``).
  func inProgram(_ program: Int) -> Instruction {
    var i = self
    i.program = program
    return i
  }
}
