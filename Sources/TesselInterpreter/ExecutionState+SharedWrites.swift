import TesselIR
import TesselNumerics

extension ExecutionState {
  /// Runs the SPMD program instances one after another and checks that instances writing the same
  /// elements of a ``Kernel/sharedWrites`` tensor write equal values.
  ///
  /// The tensors are ones the kernel creates, so before the launch every element holds the
  /// never-written pattern (``Poison``), which no write produces. Each instance's writes are the
  /// elements whose bits it changed: an element an earlier instance changed and a later one
  /// changes again was written with two different values, a located dependence error. An instance
  /// writing the value already there changes nothing, which is what equal writes are.
  ///
  /// Besides the tensor, each element costs its value before the instance (4 bytes) and the
  /// instance that wrote it (1 byte for grids up to 254 instances, 2 up to 65534, else 4).
  func runInstancesCheckingSharedWrites() throws(KernelError) {
    let k = interpreter.kernel
    let instances = Swift.max(1, k.instanceCount)
    let watched = k.sharedWrites
    var writers = watched.map { WriterIDs(count: k[$0.tensor].elementCount, instances: instances) }
    var snapshots = watched.map { [Float](repeating: 0, count: k[$0.tensor].elementCount) }
    // Whatever memory the tensor reuses, nothing has written it yet.
    for shared in watched { region(of: shared.tensor.index).update(repeating: Poison.value) }
    for instance in 0..<instances {
      for (w, shared) in watched.enumerated() {
        let now = UnsafeBufferPointer(region(of: shared.tensor.index))
        snapshots[w].withUnsafeMutableBufferPointer { s in _ = s.initialize(from: now) }
      }
      try runInstance(instance, parallel: interpreter.workerCount > 1)
      for (w, shared) in watched.enumerated() {
        let now = region(of: shared.tensor.index)
        let conflict: (element: Int, earlier: Int)? = snapshots[w].withUnsafeBufferPointer { before in
          for e in 0..<now.count where now[e].bitPattern != before[e].bitPattern {
            if let earlier = writers[w][e], earlier != instance { return (e, earlier) }
            writers[w][e] = instance
          }
          return nil
        }
        if let c = conflict {
          throw differingWrites(
            shared, element: c.element, instances: (c.earlier, instance),
            values: (snapshots[w][c.element], now[c.element]))
        }
      }
    }
  }

  /// The dependence error for two program instances that wrote different values to one element.
  private func differingWrites(
    _ shared: Kernel.SharedWrite, element: Int, instances: (Int, Int), values: (Float, Float)
  ) -> KernelError {
    let k = interpreter.kernel
    var e = shared.overlap
    e.tensor = k[shared.tensor].name
    e.element = RowMajorIndex.index(ofFlat: element, in: k[shared.tensor].shape)
    e.first.iteration = RowMajorIndex.index(ofFlat: instances.0, in: k.grid)
    e.second.iteration = RowMajorIndex.index(ofFlat: instances.1, in: k.grid)
    e.differingValues = [values.0, values.1]
    return KernelError(.dependence(e), at: e.location)
  }
}

/// The program instance that wrote each element of a watched tensor, in the fewest bytes the
/// grid needs.
struct WriterIDs {
  /// Per element, little-endian in `width` bytes: 0 when no instance wrote it, else instance + 1.
  private var bytes: [UInt8]
  private let width: Int

  /// No writer yet for any of `count` elements, for ids below `instances`.
  init(count: Int, instances: Int) {
    width = instances < 255 ? 1 : instances < 65535 ? 2 : 4
    bytes = [UInt8](repeating: 0, count: count * width)
  }

  /// The instance that wrote element `e`, nil when none did.
  subscript(e: Int) -> Int? {
    get {
      var v = 0
      for b in 0..<width { v |= Int(bytes[e * width + b]) << (8 * b) }
      return v == 0 ? nil : v - 1
    }
    set {
      let v = newValue.map { $0 + 1 } ?? 0
      for b in 0..<width { bytes[e * width + b] = UInt8(truncatingIfNeeded: v >> (8 * b)) }
    }
  }
}
