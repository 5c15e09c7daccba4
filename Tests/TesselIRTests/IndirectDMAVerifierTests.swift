import TesselIR
import Testing

/// The verifier rules of ``Operation/IndirectDMA``, each with a failing case, and the analyses'
/// treatment of its run-time placed side.
@Suite("Indirect DMA: verifier rules and analyses")
struct IndirectDMAVerifierTests {
  /// A gather of `data` [20, 4] rows into an SBUF tile by `idx`, with the pieces replaceable.
  func gather(
    idxShape: [Int] = [8, 1], idxDType: DType = .int32, idxSpace: MemorySpace = .sbuf, dataSpace: MemorySpace = .hbm,
    steps: [Int] = [1, 0], dstShape: [Int] = [8, 4], side: Operation.IndirectDMA.Side = .source
  ) -> KernelError? {
    verifyError { b in
      let data = b.declareTensor(name: "data", space: dataSpace, shape: [20, 4], dtype: .float32)
      let idx = b.declareTensor(name: "idx", space: idxSpace, shape: idxShape, dtype: idxDType)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: dstShape, dtype: .float32)
      let row = View(
        tensor: data, start: [AffineExpr(), AffineExpr()],
        dims: [.broadcast(rank: 2, count: 8), .along(1, of: 2, count: 4)])
      let tile = View.whole(t, shape: dstShape)
      b.emit(
        .indirectDMA(
          dst: side == .source ? tile : row, src: side == .source ? row : tile, indices: .whole(idx, shape: idxShape),
          side: side, offsetSteps: steps))
    }
  }

  @Test func aWellFormedGatherAndScatterVerify() {
    #expect(gather() == nil)
    #expect(gather(side: .destination) == nil)
  }

  @Test func theIndexedSideIsInHBM() {
    #expect(
      gather(dataSpace: .sbuf)?.message
        == "Expected operand 'src' of 'indirect_dma' to be in address space 'hbm', but got a tile in 'sbuf' instead")
  }

  @Test func theIndicesAreAnSBUFColumnOfIntegersOnePerPartition() {
    #expect(gather(idxShape: [8, 2])?.kind == .shapeMismatch(operands: ["indices"], shapes: [[8, 2]]))
    #expect(gather(idxShape: [4, 1])?.kind == .shapeMismatch(operands: ["indices"], shapes: [[4, 1]]))
    #expect(
      gather(idxDType: .float32)?.message.contains("indirect DMA indices must be an integer tile, got float32") == true)
    #expect(gather(idxSpace: .hbm)?.message.contains("to be in address space 'sbuf'") == true)
  }

  @Test func theOffsetStepsFitTheTensorAndMoveIt() {
    #expect(gather(steps: [1])?.message.contains("do not fit tensor `data` of rank 2") == true)
    #expect(gather(steps: [0, 0]) != nil)
  }

  @Test func bothSidesHaveOneShape() {
    #expect(gather(dstShape: [8, 3])?.kind == .shapeMismatch(operands: ["dst", "src"], shapes: [[8, 3], [8, 4]]))
  }

  @Test("a scatter in every iteration of an affine_range is not an exhibited dependence (its rows are run-time data)")
  func dependenceAnalysisLeavesTheIndexedSideOut() throws {
    var b = KernelBuilder(name: "k")
    let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [20, 4], dtype: .float32)
    let idx = b.declareTensor(name: "idx", space: .sbuf, shape: [8, 1], dtype: .int32)
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [8, 4], dtype: .float32)
    b.emit(.memset(dst: .whole(idx, shape: [8, 1]), value: 0))
    b.emit(.memset(dst: .whole(t, shape: [8, 4]), value: 0))
    _ = b.beginLoop(name: "i", kind: .affine, stop: 4)
    b.emit(
      .indirectDMA(
        dst: View(
          tensor: out, start: [AffineExpr(), AffineExpr()],
          dims: [.broadcast(rank: 2, count: 8), .along(1, of: 2, count: 4)]),
        src: .whole(t, shape: [8, 4]), indices: .whole(idx, shape: [8, 1]), side: .destination, offsetSteps: [1, 0]))
    try b.endLoop()
    b.setOutputs([out])
    let k = try b.finish(target: .trn2)
    #expect(DependenceAnalysis().diagnose(k).isEmpty)
  }
}
