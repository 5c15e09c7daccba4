import Dispatch
import Foundation
import TesselIR
import TesselMachine
import TesselNumerics

/// PSUM accumulation groups: per element, whether the last write was a matmul (the next one adds).
extension ExecutionState {
  /// A summary of a PSUM tensor's accumulation flags.
  enum AccumulationState: UInt8 {
    /// No element is in an accumulation group (the flags may be stale).
    case none = 0
    /// Every element is (the flags may be stale).
    case all = 1
    /// The flags are exact.
    case mixed = 2
  }

  /// The main state of a run: allocates the arena, points the lent tensors at the caller's
  /// memory and poisons the memory that needs it.
  ///
  /// - Parameter lent: tensors whose elements live in caller memory for this run (each one
  ///   must have a binding slot, ``Interpreter/bindSlots``).
  // MARK: - Accumulation groups

  /// Makes a tensor's flags exact (fills them from the summary).
  @inline(__always)
  func materializeFlags(_ t: Int) -> UnsafeMutablePointer<UInt8>? {
    guard let flags = groups.flags[t] else { return nil }
    let state = groups.state[t]
    if state != .mixed {
      flags.update(repeating: state.rawValue, count: Swift.max(1, interpreter.kernel.tensors[t].elementCount))
      groups.state[t] = .mixed
    }
    return flags
  }

  /// Clears the accumulation-group flags of PSUM elements written by a non-matmul instruction.
  func clearAccumulation(_ ci: CompiledInstruction) {
    let t = ci.facts.destination
    if groups.state[t] == .none { return }
    if ci.coversDestination {
      groups.state[t] = .none
      return
    }
    guard let it = ci.destinationRows, let flags = materializeFlags(t) else { return }
    let base = tensorBase(t)
    let fv = ci.views[0]
    it.forEachRow(start: SIMD4(fv.offset(UnsafePointer(env)) - base, 0, 0, 0), mask: [], env: UnsafePointer(env)) {
      off, _, lo, hi in
      let st = it.innerStrides[0]
      for j in lo..<hi { flags[off[0] + j * st] = 0 }
    }
  }
}

/// The accumulation groups of a state's PSUM tensors: per element, whether the last write was a
/// matmul, so that the next matmul adds instead of overwriting.
struct AccumulationGroups {
  /// Per PSUM tensor: one flag per element (nil for other tensors).
  ///
  /// Only meaningful while the
  /// tensor's ``state`` is `mixed`.
  var flags: [UnsafeMutablePointer<UInt8>?]
  /// Per tensor, a summary of its flags.
  var state: [ExecutionState.AccumulationState]
  /// PSUM tensors, for resets at instance start.
  let psumTensors: [Int]
  /// PSUM tensors declared directly inside each loop (by the loop's instruction index): every
  /// iteration allocates them afresh, so their accumulation groups start over.
  let freshEachIteration: [[Int]]

  /// One flag per element of the on-chip region, laid out as the arena's (tiles that never live
  /// at once share flags as they share elements); aliases have flags of their own.
  let regionFlags: UnsafeMutablePointer<UInt8>

  /// No element in a group.
  init(_ interpreter: Interpreter) {
    let k = interpreter.kernel
    var flags = [UnsafeMutablePointer<UInt8>?](repeating: nil, count: k.tensors.count)
    var fresh = Array(repeating: [Int](), count: interpreter.program.count)
    var psum: [Int] = []
    // Left uninitialized (so a run does not touch a page per 4 KiB of every PSUM tile): flags
    // are read only while the tensor's state is `mixed`, which `materializeFlags` fills them for.
    regionFlags = .allocate(capacity: Swift.max(1, interpreter.onChipCount))
    for (i, t) in k.tensors.enumerated() where t.space == .psum {
      flags[i] =
        t.alias == nil
        ? regionFlags + (interpreter.tensorOffsets[i] - interpreter.hbmCount)
        : UnsafeMutablePointer<UInt8>.allocate(capacity: Swift.max(1, t.elementCount))
      psum.append(i)
      if let l = t.enclosingLoop, l < fresh.count { fresh[l].append(i) }
    }
    self.flags = flags
    state = Array(repeating: .none, count: k.tensors.count)
    psumTensors = psum
    freshEachIteration = fresh
  }

  /// Frees the flags.
  mutating func release(_ kernel: Kernel) {
    for (i, f) in flags.enumerated() where kernel.tensors[i].alias != nil { f?.deallocate() }
    regionFlags.deallocate()
    flags = []
  }
}
