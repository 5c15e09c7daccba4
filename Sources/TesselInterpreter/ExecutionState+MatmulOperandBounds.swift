import TesselIR

extension ExecutionState {
  /// Bounds-checks the operands of a masked `nc_matmul` over the elements it reads.
  ///
  /// A mask over the output's rows or columns, moved onto the operand whose free axis they are,
  /// and a contraction mask over the operands' rows limit the operand elements read, as NKI's
  /// masks limit accesses: `stationary[i_p, i_f + off][i_f + off < n]` may reach past its tile
  /// where the mask excludes it. An operand no mask can be moved onto is checked whole.
  func checkMatmulOperandBounds(_ ci: CompiledInstruction) throws(KernelError) {
    let kernel = interpreter.kernel
    let envp = UnsafePointer(env)
    for s in ci.instruction.operation.sources {
      guard let moved = ci.matmulOperandMask(operand: s.name), moved.counts.count == 2, s.view.dims.count == 2
      else {
        try checkWholeBounds(s.view, ci)
        continue
      }
      let v = s.view
      let t = kernel[v.tensor]
      let starts = v.start.map { $0.evaluate { env[$0.index] } }
      let offsets = moved.mask.map { $0.offset.value(envp) }
      var lo = Array(repeating: Int.max, count: t.shape.count)
      var hi = Array(repeating: Int.min, count: t.shape.count)
      for i in 0..<moved.counts[0] {
        for j in 0..<moved.counts[1] {
          var kept = true
          for (c, o) in zip(moved.mask, offsets) where o &+ c.coefficients[0] &* i &+ c.coefficients[1] &* j < 0 {
            kept = false
            break
          }
          guard kept else { continue }
          for kd in 0..<t.shape.count {
            let x = starts[kd] + v.dims[0].steps[kd] * i + v.dims[1].steps[kd] * j
            lo[kd] = Swift.min(lo[kd], x)
            hi[kd] = Swift.max(hi[kd], x)
          }
        }
      }
      for kd in 0..<t.shape.count where lo[kd] <= hi[kd] && (lo[kd] < 0 || hi[kd] >= t.shape[kd]) {
        throw KernelError(
          .outOfBounds(tensor: t.name, dimension: kd, low: lo[kd], high: hi[kd], size: t.shape[kd]),
          operation: ci.instruction.operation.nkiName, at: ci.instruction.location)
      }
    }
  }
}
