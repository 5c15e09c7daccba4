extension DependenceAnalysis {
  /// Checks that no two programs of a kernel traced one program at a time (each instruction
  /// stamped with its ``Instruction/program``) write one element of an HBM tensor, and throws the
  /// first such pair.
  ///
  /// Only for such kernels: the programs of a two-core launch that meet at barriers may write
  /// one element in turn.
  ///
  /// - Parameter kernel: a verified kernel.
  /// - Throws: ``DependenceError`` with an SPMD scope naming the two programs.
  public func checkPrograms(_ kernel: Kernel) throws(DependenceError) {
    let structure = LoopStructure(kernel)
    var examined = 0
    if let e = programConflicts(collectAccesses(kernel, structure), kernel, structure, examined: &examined, limit: 1)
      .first
    {
      throw e
    }
  }

  /// Whether instructions of two different programs (``Instruction/program``) write one element
  /// of an HBM tensor: the SPMD check for a launch whose programs were traced one by one (a
  /// kernel specialised per program instance), where each program's instructions are its own
  /// and carry no program-id variable.
  ///
  /// Reads are not checked, as for an SPMD grid (``spmdConflict(_:_:_:_:)``).
  ///
  /// - Parameters:
  ///   - accesses: every access of the kernel (``collectAccesses(_:_:)``).
  ///   - examined: pairs solved so far (at most ``pairLimit`` in all).
  ///   - limit: stop after this many dependences.
  func programConflicts(
    _ accesses: [Access], _ kernel: Kernel, _ structure: LoopStructure, examined: inout Int, limit: Int
  ) -> [DependenceError] {
    let programs = (kernel.instructions.map(\.program).max() ?? 0) + 1
    guard programs > 1 else { return [] }
    let writes = accesses.filter { acc in
      let t = acc.view.tensor.index
      guard acc.kind != .read, kernel.tensors.indices.contains(t) else { return false }
      return kernel.tensors[t].space == .hbm || kernel.tensors[t].space == .sharedHBM
    }
    var found: [DependenceError] = []
    for (a, b) in candidatePairs(writes, kernel: kernel, isPrivate: { _ in false })
    where kernel.instructions[a.instruction].program != kernel.instructions[b.instruction].program
      && a.box.overlaps(b.box)
    {
      examined += 1
      if examined > pairLimit { return found }
      var p = Problem()
      var ok = true
      for side in 0..<2 {
        for v in variables(side == 0 ? a : b) {
          guard let r = range(of: v, kernel, structure) else {
            ok = false
            break
          }
          p.refs[side][v] = p.newRef(r)
        }
      }
      guard ok, p.addOverlap(a, b), !p.overflow else { continue }
      guard case .feasible(let point) = p.system.solve(budget: budget), let ea = p.element(a, side: 0) else { continue }
      let pa = kernel.instructions[a.instruction].program
      let pb = kernel.instructions[b.instruction].program
      found.append(
        makeError(
          a, b, iterations: ([pa], [pb]), element: p.value(of: ea, at: point), scope: .spmd(grid: [programs]), kernel))
      if found.count >= limit { return found }
    }
    return found
  }
}
