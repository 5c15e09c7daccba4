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
    // Whatever memory the tensor reuses, nothing has written it yet.
    for shared in watched { region(of: shared.tensor.index).update(repeating: Poison.value) }
    var watch = WriteWatch(tensors: watched.map(\.tensor.index), in: self, writers: instances)
    for instance in 0..<instances {
      try runInstance(instance, parallel: interpreter.workerCount > 1)
      for (w, shared) in watched.enumerated() {
        if let c = watch.check(w, in: self, writer: instance, unordered: { $0 != instance }) {
          throw differingWrites(shared, element: c.element, instances: (c.earlier, instance), values: c.values)
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

/// Which writer last changed each element of some HBM tensors, for writers that nothing orders
/// (SPMD program instances; the programs of a multi-core launch between two rendezvous).
///
/// Unordered writers that write one element must write equal values, or the result depends on
/// which came last. The watch keeps each tensor's values as of its last check; after a writer
/// ran, every element whose bits differ from them is one it changed. A change to an element
/// another unordered writer changed is the conflict. A writer storing the value already there
/// changes nothing, which is what equal writes are. Created tensors should start as the
/// never-written pattern (``Poison``), which no write produces, so that every write changes them.
///
/// Besides the tensor, each element costs its value at the last check (4 bytes) and its writer
/// (``WriterIDs``).
struct WriteWatch {
  /// An element two unordered writers changed.
  struct Conflict {
    /// The element (row-major).
    var element: Int
    /// The writer that changed it first.
    var earlier: Int
    /// The value the earlier writer left, then the value the later one wrote.
    var values: (Float, Float)
  }

  /// The watched tensors (indices into ``Kernel/tensors``).
  let tensors: [Int]
  private var writers: [WriterIDs]
  private var before: [[Float]]
  private let writerCount: Int

  /// Watches `tensors` from their current values in `state`, for writer ids below `writers`.
  init(tensors: [Int], in state: ExecutionState, writers: Int) {
    self.tensors = tensors
    writerCount = writers
    self.writers = tensors.map {
      WriterIDs(count: state.interpreter.kernel.tensors[$0].elementCount, instances: writers)
    }
    before = tensors.map { Array(state.region(of: $0)) }
  }

  /// Records the elements of watched tensor `w` changed since its last check as changed by
  /// `writer` (nil: by an accumulation, checked against nothing), and returns the first that a
  /// writer for which `unordered` is true changed before.
  mutating func check(
    _ w: Int, in state: ExecutionState, writer: Int?, unordered: (Int) -> Bool
  ) -> Conflict? {
    let now = UnsafeBufferPointer(state.region(of: tensors[w]))
    return before[w].withUnsafeMutableBufferPointer { old in
      for e in 0..<Swift.min(now.count, old.count) where now[e].bitPattern != old[e].bitPattern {
        if let writer {
          if let earlier = writers[w][e], earlier != writer, unordered(earlier) {
            return Conflict(element: e, earlier: earlier, values: (old[e], now[e]))
          }
          writers[w][e] = writer
        }
        old[e] = now[e]
      }
      return nil
    }
  }

  /// Forgets every writer: what comes next is ordered after everything so far (a rendezvous).
  mutating func forgetWriters() {
    writers = tensors.indices.map { writers[$0].cleared() }
  }
}

/// The writer (program instance, or instruction) of each element of a watched tensor, in the
/// fewest bytes the writer ids need.
struct WriterIDs {
  /// Per element, little-endian in `width` bytes: 0 when no writer wrote it, else writer + 1.
  private var bytes: [UInt8]
  private let width: Int

  /// No writer yet for any of `count` elements, for writer ids below `instances`.
  init(count: Int, instances: Int) {
    width = instances < 255 ? 1 : instances < 65535 ? 2 : 4
    bytes = [UInt8](repeating: 0, count: count * width)
  }

  /// The same ids with no writer for any element.
  func cleared() -> WriterIDs {
    var c = self
    c.bytes = [UInt8](repeating: 0, count: bytes.count)
    return c
  }

  /// The writer of element `e`, nil when none did.
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
