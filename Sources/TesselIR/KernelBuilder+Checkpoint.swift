/// Checkpoints: returning a builder to an earlier state without copying what it has built.
///
/// A front end that traces a loop body speculatively (symbolically, then once per index if the
/// body branches on its index) takes a checkpoint before the attempt and restores it if the
/// attempt is abandoned. Copying the builder would do the same, but the first change after the
/// copy duplicates every instruction so far, which makes tracing quadratic in the kernel's
/// size. A checkpoint records counts; the changes made to existing instructions and tensors
/// after it are journaled and undone on restore.
///
/// ```swift
/// let mark = builder.checkpoint()
/// // ... emit instructions, end loops, retarget a matmul ...
/// if abandoned { builder.restore(mark) } else { builder.discard(mark) }
/// ```
extension KernelBuilder {
  /// The state of a builder when ``checkpoint()`` was called.
  public struct Checkpoint: Sendable {
    let instructions: Int
    let tensors: Int
    let indexVars: Int
    let parameters: Int
    let devicePrints: Int
    let openLoops: [Int]
    let outputs: [TensorID]
    let grid: [Int]
    let program: Int
    let nonMatmulWrites: [TensorID: Int]
    /// The journal's length at the checkpoint.
    let journal: Int
    /// The checkpoints open before this one.
    let depth: Int
  }

  /// A change to an existing instruction or tensor, with what to put back.
  enum JournalEntry: Sendable {
    case instruction(Int, Instruction)
    case tensor(Int, TensorDecl)
    case instructions([Instruction])
    case tensors([TensorDecl])
  }

  /// Marks the current state; pass the result to ``restore(_:)`` or ``discard(_:)``.
  ///
  /// Checkpoints nest: an inner one is restored or discarded before an outer one.
  public mutating func checkpoint() -> Checkpoint {
    defer { openCheckpoints += 1 }
    return Checkpoint(
      instructions: kernel.instructions.count, tensors: kernel.tensors.count, indexVars: kernel.indexVars.count,
      parameters: kernel.parameters.count, devicePrints: kernel.devicePrints.count, openLoops: openLoops,
      outputs: kernel.outputs, grid: kernel.grid, program: program, nonMatmulWrites: nonMatmulWrites,
      journal: journal.count,
      depth: openCheckpoints)
  }

  /// Returns to the state of `mark`: what was added since is dropped, what was changed is put
  /// back, and `mark` (with any checkpoint taken after it) is closed.
  public mutating func restore(_ mark: Checkpoint) {
    while journal.count > mark.journal, let entry = journal.popLast() {
      switch entry {
      case .instruction(let i, let old) where i < kernel.instructions.count: kernel.instructions[i] = old
      case .tensor(let i, let old) where i < kernel.tensors.count: kernel.tensors[i] = old
      case .instructions(let old): kernel.instructions = old
      case .tensors(let old): kernel.tensors = old
      case .instruction, .tensor: break
      }
    }
    KernelBuilder.truncate(&kernel.instructions, to: mark.instructions)
    KernelBuilder.truncate(&kernel.tensors, to: mark.tensors)
    KernelBuilder.truncate(&kernel.indexVars, to: mark.indexVars)
    KernelBuilder.truncate(&kernel.parameters, to: mark.parameters)
    KernelBuilder.truncate(&kernel.devicePrints, to: mark.devicePrints)
    openLoops = mark.openLoops
    kernel.outputs = mark.outputs
    kernel.grid = mark.grid
    program = mark.program
    nonMatmulWrites = mark.nonMatmulWrites
    close(mark)
  }

  /// Keeps everything done since `mark` and closes it (with any checkpoint taken after it).
  public mutating func discard(_ mark: Checkpoint) {
    close(mark)
  }

  private mutating func close(_ mark: Checkpoint) {
    openCheckpoints = mark.depth
    if openCheckpoints == 0 { journal.removeAll(keepingCapacity: true) }
  }

  /// Journals a change about to be made, while a checkpoint is open.
  mutating func note(_ entry: JournalEntry) {
    if openCheckpoints > 0 { journal.append(entry) }
  }

  private static func truncate<T>(_ array: inout [T], to count: Int) {
    if array.count > count { array.removeSubrange(count...) }
  }
}
