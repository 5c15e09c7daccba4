import TesselIR

/// What a state knows about never-written memory: which tensors may still hold poison, which
/// fresh tiles have not had theirs written yet, and, for tensors written part by part, which
/// elements were.
///
/// A tensor that may hold poison is scanned when it is read (``ExecutionState/checkPoisonedReads(_:pc:)``);
/// the flag clears once every element has been written (``ExecutionState/noteWrite(_:tensor:)``).
struct PoisonTracking {
  /// Per tensor: whether it may still hold never-written elements.
  var mayHold: [Bool]
  /// Per tensor: whether it is a fresh tile whose poison is not written yet (``ExecutionState/settleFresh(_:)``).
  var pending: [Bool]
  /// Per tensor that may hold poison and was partly written: one byte per element, set once written.
  var coverage: [UnsafeMutablePointer<UInt8>?]
  /// Per tensor: how many elements its coverage map has set.
  var coverageCount: [Int]

  /// Nothing written yet: every local (and every alias of one) may hold poison.
  init(_ interpreter: Interpreter) {
    let k = interpreter.kernel
    mayHold = k.tensors.indices.map {
      let owner = k.tensors[k.storage(of: TensorID($0)).index]
      return owner.role == .local && owner.constantValues == nil
    }
    pending = Array(repeating: false, count: k.tensors.count)
    coverage = Array(repeating: nil, count: k.tensors.count)
    coverageCount = Array(repeating: 0, count: k.tensors.count)
  }

  /// Frees the coverage maps.
  mutating func release() {
    for c in coverage { c?.deallocate() }
    coverage = []
  }
}
