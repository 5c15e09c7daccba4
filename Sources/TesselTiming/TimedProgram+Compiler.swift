import TesselIR

/// What the Neuron compiler does to the instruction stream that the timing model reproduces:
/// the instructions hardware would not execute as traced.
struct CompilerTransformations: Sendable {
  /// Instructions that do not execute: a copy of a temporary that the compiler writes in place,
  /// a zero fill of PSUM that the first matmul of an accumulation group overwrites anyway.
  var fused: Set<Int> = []
  /// The producer of each fused copy, with the copy's destination it also writes.
  var fusedInto: [Int: [View]] = [:]
  /// Loop-invariant instructions, by the loops (begin indices) whose first iteration runs them:
  /// the compiler hoists them out of those loops.
  var hoisted: [Int: [Int]] = [:]
  /// Tensors written by hoisted instructions (they must not rotate between iterations).
  var hoistedDestinations: Set<Int> = []

  init(kernel: Kernel) {
    let instructions = kernel.instructions
    var readers = Array(repeating: [Int](), count: kernel.tensors.count)
    var writers = Array(repeating: [Int](), count: kernel.tensors.count)
    for (i, inst) in instructions.enumerated() {
      for t in Set(inst.operation.sources.map(\.view.tensor.index)) { readers[t].append(i) }
      for t in Set(inst.operation.destinations.map(\.tensor.index)) { writers[t].append(i) }
    }
    let outputs = Set(kernel.outputs.map(\.index))

    // `t[...] = nl.op(...)` traces as the op into a temporary and a copy into `t`; the compiler
    // writes `t` directly.
    for (i, inst) in instructions.enumerated() where i > 0 {
      guard case .tensorCopy(let dst, let src) = inst.operation, inst.mask == instructions[i - 1].mask else { continue }
      let t = src.tensor.index
      let decl = kernel[src.tensor]
      guard decl.role == .local, decl.space.isOnChip, !outputs.contains(t), writers[t] == [i - 1], readers[t] == [i],
        src.isWhole(of: decl.shape), dst.shape == src.shape, kernel[dst.tensor].space.isOnChip,
        instructions[i - 1].operation.destination?.tensor == src.tensor
      else { continue }
      switch instructions[i - 1].operation.costRule {
      case .stream, .transpose, .partitionBroadcast: break
      default: continue
      }
      fused.insert(i)
      fusedInto[i - 1, default: []].append(dst)
    }

    // `acc = nl.zeros(..., buffer=nl.psum)` before `acc += nc_matmul(...)`: the first matmul of
    // the accumulation group overwrites, so the compiler drops the zero fill.
    for (i, inst) in instructions.enumerated() {
      guard case .memset(let dst, 0) = inst.operation, kernel[dst.tensor].space == .psum,
        dst.isWhole(of: kernel[dst.tensor].shape)
      else { continue }
      let t = dst.tensor.index
      let next = (writers[t] + readers[t]).filter { $0 > i }.min()
      guard let j = next, case .matmul(let d, _, _, let acc) = instructions[j].operation, acc != .overwrite,
        d == dst, !readers[t].contains(j)
      else { continue }
      fused.insert(i)
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
      switch op.costRule {
      case .control: continue
      case .matmul: if case .matmul(_, _, _, let acc) = op, acc != .overwrite { continue }
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
