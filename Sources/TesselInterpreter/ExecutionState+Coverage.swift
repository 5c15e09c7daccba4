import Dispatch
import Foundation
import TesselIR
import TesselMachine
import TesselNumerics

/// Write coverage of tensors that may still hold never-written elements.
extension ExecutionState {
  // MARK: - Coverage

  /// Records a write to a tensor that may still hold poison: a write covering the whole tensor
  /// clears the flag at once; partial unmasked writes (or masked ones whose mask keeps every
  /// element) are counted in a per-element map until every element has been written.
  func noteWrite(_ ci: CompiledInstruction, tensor d: Int) {
    let envp = UnsafePointer(env)
    let full = ci.mask.isEmpty || ci.maskKeepsAll(envp)
    if ci.coversDestination || (full && ci.facts.coversIfUnmasked) {
      poison.mayHold[d] = false
      poison.coverage[d]?.deallocate()
      poison.coverage[d] = nil
      return
    }
    guard full, let dst = ci.instruction.operation.destination, interpreter.kernel.tensors[d].role == .local else {
      return
    }
    let n = interpreter.kernel.tensors[d].elementCount
    let map: UnsafeMutablePointer<UInt8>
    if let m = poison.coverage[d] {
      map = m
    } else {
      map = zeroedBytes(n)
      poison.coverage[d] = map
      poison.coverageCount[d] = 0
    }
    let base = tensorBase(d)
    let fv = ci.views[0]
    let it = RowIterator(counts: dst.shape.isEmpty ? [1] : dst.shape, viewStrides: [fv.strides], merge: true)
    var added = 0
    let st = it.innerStrides[0]
    it.forEachRow(start: SIMD4(fv.offset(envp) - base, 0, 0, 0), mask: [], env: envp) { off, _, lo, hi in
      if st == 1 {
        // A contiguous row: flags are 0 or 1, so the row's new elements are counted without a
        // branch (the loop vectorises).
        let from = Swift.max(off[0] &+ lo, 0)
        let to = Swift.min(off[0] &+ hi, n)
        guard from < to else { return }
        var fresh = 0
        for i in from..<to {
          fresh &+= Int(map[i] ^ 1)
          map[i] = 1
        }
        added &+= fresh
        return
      }
      for j in lo..<hi {
        let i = off[0] &+ j &* st
        if i >= 0 && i < n && map[i] == 0 {
          map[i] = 1
          added &+= 1
        }
      }
    }
    poison.coverageCount[d] += added
    if poison.coverageCount[d] >= n {
      poison.mayHold[d] = false
      map.deallocate()
      poison.coverage[d] = nil
    }
  }
}

/// A new byte map of `n` zeros (at least one byte), for per-element flags.
func zeroedBytes(_ n: Int) -> UnsafeMutablePointer<UInt8> {
  let map = UnsafeMutablePointer<UInt8>.allocate(capacity: Swift.max(1, n))
  map.initialize(repeating: 0, count: Swift.max(1, n))
  return map
}
