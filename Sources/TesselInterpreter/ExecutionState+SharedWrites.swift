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
  func runInstancesCheckingSharedWrites() throws(KernelError) {
    let k = interpreter.kernel
    let instances = Swift.max(1, k.instanceCount)
    let watched = k.sharedWrites
    var writers = watched.map { [Int32](repeating: -1, count: k[$0.tensor].elementCount) }
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
          writers[w].withUnsafeMutableBufferPointer { writer in
            for e in 0..<now.count where now[e].bitPattern != before[e].bitPattern {
              if writer[e] >= 0 && Int(writer[e]) != instance { return (e, Int(writer[e])) }
              writer[e] = Int32(instance)
            }
            return nil
          }
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
