import TesselIR

/// What the Neuron compiler does to the instruction stream that the timing model reproduces:
/// the instructions hardware would not execute as traced.
struct CompilerTransformations: Sendable {
  /// Instructions that do not execute: a zero fill of PSUM that the first matmul of an
  /// accumulation group overwrites anyway. (Copies of temporaries into their final place are
  /// folded in the IR itself, by ``Kernel/foldingResultCopies()``.)
  var fused: Set<Int> = []
  /// Loop-invariant instructions, by the loops (begin indices) whose first iteration runs them:
  /// the compiler hoists them out of those loops.
  var hoisted: [Int: [Int]] = [:]
  /// Tensors written by hoisted instructions (they must not rotate between iterations).
  var hoistedDestinations: Set<Int> = []
  /// Activations that also compute a later sum of their result, by the folded `tensor_reduce`
  /// (which is in ``fused``): the compiler merges the two into one ACT instruction with an
  /// accumulating reduction.
  var foldedReductions: [Int: Int] = [:]

  init(kernel: Kernel) {
    let instructions = kernel.instructions
    var readers = Array(repeating: [Int](), count: kernel.tensors.count)
    var writers = Array(repeating: [Int](), count: kernel.tensors.count)
    for (i, inst) in instructions.enumerated() {
      for t in Set(inst.operation.sources.map(\.view.tensor.index)) { readers[t].append(i) }
      for t in Set(inst.operation.destinations.map(\.tensor.index)) { writers[t].append(i) }
    }

    // `acc = nl.zeros(..., buffer=nl.psum)` before `acc += nc_matmul(...)`: the first matmul of
    // the accumulation group overwrites, so the compiler drops the zero fill.
    for (i, inst) in instructions.enumerated() {
      guard case .memset(let fill) = inst.operation, fill.value == 0, kernel[fill.dst.tensor].space == .psum,
        fill.dst.isWhole(of: kernel[fill.dst.tensor].shape)
      else { continue }
      let t = fill.dst.tensor.index
      let next = (writers[t] + readers[t]).filter { $0 > i }.min()
      guard let j = next, case .matmul(let m) = instructions[j].operation, m.accumulation != .overwrite,
        m.dst == fill.dst, !readers[t].contains(j)
      else { continue }
      fused.insert(i)
    }

    // `e = nl.exp(x); s = nl.sum(e, axis=1)`: the activation accumulates the sum as it writes
    // (`reduce_op=nl.add`), so the separate reduction disappears.
    for (i, inst) in instructions.enumerated() {
      guard case .activation(let act) = inst.operation, act.reduce == nil, inst.engine == .scalar, inst.mask.isEmpty
      else { continue }
      let t = act.dst.tensor.index
      guard let j = readers[t].first(where: { $0 > i }), instructions[j].mask.isEmpty,
        case .tensorReduce(let r) = instructions[j].operation, r.op == .add, !r.negate, r.src == act.dst,
        Set(r.axes) == Set(1..<r.src.dims.count), r.src.runtimeOffsets.isEmpty
      else { continue }
      let between = (i + 1)..<j
      let sum = r.dst.tensor.index
      let quiet =
        !instructions[between].contains { $0.operation.cost == .control }
        && !writers[t].contains { between.contains($0) }
        && !(readers[sum] + writers[sum]).contains { between.contains($0) }
      guard quiet else { continue }
      fused.insert(j)
      foldedReductions[i] = j
    }

    // Loop-invariant code motion: an instruction whose operands do not depend on a loop's
    // variable, whose inputs the loop does not write, and whose outputs nothing else in the loop
    // writes, runs once per entry of the loop.
    var open: [Int] = []
    var enclosing = Array(repeating: [Int](), count: instructions.count)
    for (i, inst) in instructions.enumerated() {
      switch inst.operation {
      case .loopBegin: open.append(i)
      case .loopEnd: _ = open.popLast()
      default: enclosing[i] = open
      }
    }
    func end(_ b: Int) -> Int {
      if case .loopBegin(let l) = instructions[b].operation { return l.end }
      return b
    }
    for (i, inst) in instructions.enumerated() where !fused.contains(i) && !enclosing[i].isEmpty {
      let op = inst.operation
      switch op.cost {
      case .control: continue
      case .matmul: if case .matmul(let m) = op, m.accumulation != .overwrite { continue }
      default: break
      }
      let views = op.sources.map(\.view) + op.destinations
      var vars = Set<IndexVar>()
      for v in views { vars.formUnion(v.variables) }
      for c in inst.mask { for t in c.offset.terms { vars.insert(t.variable) } }
      let inputs = Set(op.sources.map(\.view.tensor.index))
      let outs = Set(op.destinations.map(\.tensor.index))
      var hoistedFrom: [Int] = []
      for b in enclosing[i].reversed() {
        guard case .loopBegin(let l) = instructions[b].operation, !vars.contains(l.variable) else { break }
        let body = (b + 1)..<end(b)
        let inputsWritten = inputs.contains { t in writers[t].contains { body.contains($0) } }
        let outputsShared = outs.contains { t in writers[t].contains { $0 != i && body.contains($0) } }
        let outputsReadBefore = outs.contains { t in readers[t].contains { body.contains($0) && $0 < i } }
        guard !inputsWritten, !outputsShared, !outputsReadBefore else { break }
        hoistedFrom.append(b)
      }
      if !hoistedFrom.isEmpty {
        hoisted[i] = hoistedFrom
        hoistedDestinations.formUnion(outs)
      }
    }
  }
}
