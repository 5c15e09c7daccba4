import TesselIR
import Testing

/// A builder with an HBM input, an output, and a load/store loop: the state checkpoints start from.
private func started() -> (KernelBuilder, input: TensorID, output: TensorID) {
  var b = KernelBuilder(name: "k")
  let a = b.addParameter(name: "a", shape: [128, 64], dtype: .float32)
  let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [128, 64], dtype: .float32)
  let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 64], dtype: .float32)
  b.emit(.load(dst: .whole(t, shape: [128, 64]), src: .whole(a, shape: [128, 64])))
  b.emit(.store(dst: .whole(out, shape: [128, 64]), src: .whole(t, shape: [128, 64])))
  return (b, a, out)
}

@Suite("KernelBuilder checkpoints return to the exact earlier state")
struct KernelBuilderCheckpointTests {
  @Test("restore drops additions and undoes changes to existing instructions and tensors")
  func restoreUndoes() throws {
    var (b, a, out) = started()
    let psum = b.declareTensor(name: "acc", space: .psum, shape: [128, 64], dtype: .float32)
    let outer = b.beginLoop(name: "i", kind: .affine, stop: 4)
    _ = outer
    let before = b.kernel
    let openBefore = b.openLoops
    let mark = b.checkpoint()
    // Additions of every kind, and changes to what existed before the checkpoint.
    let s = b.declareTensor(name: "s", space: .sbuf, shape: [128, 128], dtype: .float32)
    _ = b.beginLoop(name: "j", kind: .sequential, stop: 3)
    b.emit(
      .matmul(
        dst: .whole(psum, shape: [128, 64]), stationary: .whole(s, shape: [128, 128]),
        moving: .whole(s, shape: [128, 64]), accumulation: .auto))
    try b.endLoop()
    try b.endLoop()  // patches the loop begun before the checkpoint
    b.replaceInstruction(at: 0, with: Instruction(.memset(dst: .whole(a, shape: [128, 64]), value: 1)))
    b.renameTensor(out, to: "renamed")
    b.setOutputs([out])
    b.setGrid([2])
    b.program = 1
    #expect(b.kernel != before)
    b.restore(mark)
    #expect(b.kernel == before)
    #expect(b.openLoops == openBefore)
    #expect(b.program == 0)
  }

  @Test("nested checkpoints: an inner one discarded is still undone by the outer restore")
  func nested() throws {
    var (b, _, out) = started()
    let before = b.kernel
    let outer = b.checkpoint()
    b.renameTensor(out, to: "first")
    let inner = b.checkpoint()
    let afterFirst = b.kernel
    b.renameTensor(out, to: "second")
    b.emit(.memset(dst: .whole(out, shape: [128, 64]), value: 0))
    b.restore(inner)
    #expect(b.kernel == afterFirst)
    let again = b.checkpoint()
    b.renameTensor(out, to: "third")
    b.discard(again)
    #expect(b.tensor(out).name == "third")
    b.restore(outer)
    #expect(b.kernel == before)
  }

  @Test("onlyMatmulsWrite follows emits, replacements, checkpoints and truncation")
  func matmulWrites() throws {
    var (b, _, _) = started()
    let psum = b.declareTensor(name: "acc", space: .psum, shape: [128, 64], dtype: .float32)
    let s = b.declareTensor(name: "s", space: .sbuf, shape: [128, 128], dtype: .float32)
    let alias = b.declareAlias(name: "acc_view", of: psum, shape: [128, 64])
    let matmul = Operation.matmul(
      dst: .whole(psum, shape: [128, 64]), stationary: .whole(s, shape: [128, 128]),
      moving: .whole(s, shape: [128, 64]), accumulation: .auto)
    b.emit(matmul)
    #expect(b.onlyMatmulsWrite(psum))
    #expect(b.onlyMatmulsWrite(alias))
    let mark = b.checkpoint()
    let count = b.instructionCount
    // A write through the alias counts for the storage it shares.
    b.emit(.memset(dst: .whole(alias, shape: [128, 64]), value: 0))
    #expect(!b.onlyMatmulsWrite(psum))
    b.restore(mark)
    #expect(b.onlyMatmulsWrite(psum))
    b.replaceInstruction(at: count - 1, with: Instruction(.memset(dst: .whole(psum, shape: [128, 64]), value: 0)))
    #expect(!b.onlyMatmulsWrite(psum))
    b.replaceInstruction(at: count - 1, with: Instruction(matmul))
    #expect(b.onlyMatmulsWrite(psum))
    b.emit(.memset(dst: .whole(psum, shape: [128, 64]), value: 0))
    #expect(!b.onlyMatmulsWrite(psum))
    b.truncate(toInstructionCount: count)
    #expect(b.onlyMatmulsWrite(psum))
    #expect(b.onlyMatmulsWrite(s))
  }
}
