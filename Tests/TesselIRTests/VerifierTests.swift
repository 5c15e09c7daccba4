import TesselIR
import Testing

/// Builds a kernel with `body` and returns the verifier's error, if any.
func verifyError(target: Target = .trn2, _ body: (inout KernelBuilder) throws -> Void) -> KernelError? {
  var b = KernelBuilder(name: "bad")
  do {
    try body(&b)
    _ = try b.finish(target: target)
    return nil
  } catch let e as KernelError {
    return e
  } catch {
    return nil
  }
}

@Suite("Verifier rules, each with a failing case")
struct VerifierTests {
  let here = SourceLocation(file: "k.py", line: 7, column: 5)

  @Test func partitionDimensionLimit() {
    let e = verifyError { b in
      _ = b.declareTensor(name: "big", space: .sbuf, shape: [256, 4], dtype: .float32, location: here)
    }
    #expect(e?.message == "Size of partition dimension 256 exceeds architecture limitation of 128 (tensor `big`).")
    #expect(e?.location == here)
  }

  @Test func psumTileLimit() {
    let e = verifyError { b in _ = b.declareTensor(name: "acc", space: .psum, shape: [128, 1024], dtype: .float32) }
    guard case .psumTileTooLarge(_, 4096, 2048)? = e?.kind else {
      Issue.record("got \(String(describing: e))")
      return
    }
  }

  @Test func computeEngineCannotReadHBM() {
    let e = verifyError { b in
      let a = b.addParameter(name: "a", shape: [128, 4], dtype: .float32)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 4], dtype: .float32)
      b.emit(
        .activation(
          dst: .whole(t, shape: [128, 4]), src: .whole(a, shape: [128, 4]), function: .exp, scale: .scalar(1),
          bias: nil, reduceOp: nil, reduceDst: nil), location: here)
    }
    #expect(
      e?.message
        == "Expected operand 'data' of 'activation' to be in address space 'psum|sbuf', but got a tile in 'hbm' instead"
    )
  }

  @Test func loadMustReadHBM() {
    let e = verifyError { b in
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [4, 4], dtype: .float32)
      let u = b.declareTensor(name: "u", space: .sbuf, shape: [4, 4], dtype: .float32)
      b.emit(.load(dst: .whole(u, shape: [4, 4]), src: .whole(t, shape: [4, 4])))
    }
    #expect(
      e?.message == "Expected operand 'src' of 'load' to be in address space 'hbm', but got a tile in 'sbuf' instead")
  }

  @Test func matmulMustWritePSUM() {
    let e = verifyError { b in
      let s = b.declareTensor(name: "s", space: .sbuf, shape: [128, 128], dtype: .bfloat16)
      let d = b.declareTensor(name: "d", space: .sbuf, shape: [128, 128], dtype: .float32)
      b.emit(
        .matmul(
          dst: .whole(d, shape: [128, 128]), stationary: .whole(s, shape: [128, 128]),
          moving: .whole(s, shape: [128, 128]), accumulation: .auto))
    }
    #expect(e?.message.hasPrefix("Expected operand 'dst' of 'nc_matmul' to be in address space 'psum'") == true)
  }

  @Test("matmul free sizes per target: moving 1024 fails on trn2, passes on trn3")
  func matmulFreeSizes() {
    func build(_ b: inout KernelBuilder, moving: Int) {
      let s = b.declareTensor(name: "s", space: .sbuf, shape: [128, 128], dtype: .float32)
      let m = b.declareTensor(name: "m", space: .sbuf, shape: [128, moving], dtype: .float32)
      let d = b.declareTensor(name: "d", space: .psum, shape: [128, 512], dtype: .float32)
      b.emit(
        .matmul(
          dst: View(
            tensor: d, start: [0, 0],
            dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: moving == 1024 ? 512 : moving)]),
          stationary: .whole(s, shape: [128, 128]), moving: .whole(m, shape: [128, moving]), accumulation: .auto))
    }
    let e = verifyError { b in build(&b, moving: 1024) }
    guard case .matmulFreeSizeTooLarge("moving", 1024, 512)? = e?.kind else {
      Issue.record("got \(String(describing: e))")
      return
    }
    let e2 = verifyError { b in
      let s = b.declareTensor(name: "s", space: .sbuf, shape: [128, 256], dtype: .float32)
      let d = b.declareTensor(name: "d", space: .psum, shape: [128, 128], dtype: .float32)
      b.emit(
        .matmul(
          dst: .whole(d, shape: [128, 128]), stationary: .whole(s, shape: [128, 256]),
          moving: View(tensor: s, start: [0, 0], dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: 128)]),
          accumulation: .auto))
    }
    guard case .matmulFreeSizeTooLarge("stationary", 256, 128)? = e2?.kind else {
      Issue.record("got \(String(describing: e2))")
      return
    }
  }

  @Test func contractionOnPartitionAxis() {
    let e = verifyError { b in
      let s = b.declareTensor(name: "s", space: .sbuf, shape: [64, 128], dtype: .bfloat16)
      let m = b.declareTensor(name: "m", space: .sbuf, shape: [128, 512], dtype: .bfloat16)
      let d = b.declareTensor(name: "d", space: .psum, shape: [128, 512], dtype: .float32)
      b.emit(
        .matmul(
          dst: .whole(d, shape: [128, 512]), stationary: .whole(s, shape: [64, 128]),
          moving: .whole(m, shape: [128, 512]), accumulation: .auto))
    }
    guard case .matmulContraction(64, 128)? = e?.kind else {
      Issue.record("got \(String(describing: e))")
      return
    }
  }

  @Test func gpsimdNeverTouchesPSUM() {
    let e = verifyError { b in
      let p = b.declareTensor(name: "p", space: .psum, shape: [8, 8], dtype: .float32)
      b.emit(
        .iota(
          dst: .whole(p, shape: [8, 8]),
          expression: AffineCondition(coefficients: [1, 1], offset: 0, comparison: .equal)))
    }
    #expect(
      e?.message == "Expected operand 'dst' of 'iota' to be in address space 'sbuf', but got a tile in 'psum' instead")
  }

  @Test func onlyDMAReachesHBMAndTensorEngineOnlyMatmul() {
    let e = verifyError { b in
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [8, 8], dtype: .float32)
      b.emit(.memset(dst: .whole(t, shape: [8, 8]), value: 0), engine: .tensor)
    }
    guard case .wrongEngine(.tensor, _)? = e?.kind else {
      Issue.record("got \(String(describing: e))")
      return
    }
    let e2 = verifyError { b in
      let a = b.addParameter(name: "a", shape: [8, 8], dtype: .float32)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [8, 8], dtype: .float32)
      b.emit(.load(dst: .whole(t, shape: [8, 8]), src: .whole(a, shape: [8, 8])), engine: .vector)
    }
    guard case .wrongEngine(.vector, [.dma])? = e2?.kind else {
      Issue.record("got \(String(describing: e2))")
      return
    }
  }

  @Test func partitionMismatchWording() {
    let e = verifyError { b in
      let x = b.declareTensor(name: "x", space: .sbuf, shape: [128, 512], dtype: .float32)
      let y = b.declareTensor(name: "y", space: .sbuf, shape: [1, 512], dtype: .float32)
      b.emit(
        .tensorTensor(
          dst: .whole(x, shape: [128, 512]), a: .whole(x, shape: [128, 512]), b: .whole(y, shape: [1, 512]), op: .add))
    }
    #expect(
      e?.message
        == "number of partitions (dimension 0 size of a tile) mismatch in parameters (data1[128, 512], data2[1, 512], dst[128, 512]) of 'tensor_tensor'"
    )
  }

  @Test("static out-of-bounds over a loop's range, with NKI's wording")
  func outOfBounds() {
    let e = verifyError { b in
      let a = b.addParameter(name: "x", shape: [4000, 8], dtype: .float32)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 8], dtype: .float32)
      let i = b.beginLoop(name: "i", kind: .affine, stop: 32)
      b.emit(
        .load(
          dst: .whole(t, shape: [128, 8]),
          src: View(
            tensor: a, start: [AffineExpr(i) * 128, 0],
            dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: 8)])), location: here)
      try b.endLoop()
    }
    #expect(
      e?.message
        == "Out-of-bound access for tensor `x` on dimension 0: index range [0, 4095] exceed dimension size of 4000")
    #expect(e?.location == here)
  }

  @Test func bitwiseNeedsIntegers() {
    let e = verifyError { b in
      let x = b.declareTensor(name: "x", space: .sbuf, shape: [8, 8], dtype: .float32)
      b.emit(
        .tensorTensor(
          dst: .whole(x, shape: [8, 8]), a: .whole(x, shape: [8, 8]), b: .whole(x, shape: [8, 8]), op: .bitwiseAnd))
    }
    guard case .invalidDType("data1", .float32, _)? = e?.kind else {
      Issue.record("got \(String(describing: e))")
      return
    }
  }

  @Test func loopVariableOutOfScope() {
    let e = verifyError { b in
      let a = b.addParameter(name: "a", shape: [256, 8], dtype: .float32)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 8], dtype: .float32)
      let i = b.beginLoop(name: "i", kind: .affine, stop: 2)
      try b.endLoop()
      b.emit(
        .load(
          dst: .whole(t, shape: [128, 8]),
          src: View(
            tensor: a, start: [AffineExpr(i) * 128, 0],
            dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: 8)])))
    }
    #expect(e?.message == "Local variable 'i' is referenced outside of its parent scope")
  }

  @Test func reductionAxesAreFreeAxes() {
    let e = verifyError { b in
      let x = b.declareTensor(name: "x", space: .sbuf, shape: [8, 8], dtype: .float32)
      let y = b.declareTensor(name: "y", space: .sbuf, shape: [8], dtype: .float32)
      b.emit(
        .tensorReduce(dst: .whole(y, shape: [8]), src: .whole(x, shape: [8, 8]), op: .add, axes: [0], negate: false))
    }
    guard case .invalidOp? = e?.kind else {
      Issue.record("got \(String(describing: e))")
      return
    }
  }

  @Test func activationScaleAndBiasRules() {
    let e = verifyError { b in
      let x = b.declareTensor(name: "x", space: .sbuf, shape: [8, 8], dtype: .float32)
      let s = b.declareTensor(name: "s", space: .sbuf, shape: [8, 1], dtype: .bfloat16)
      b.emit(
        .activation(
          dst: .whole(x, shape: [8, 8]), src: .whole(x, shape: [8, 8]), function: .exp,
          scale: .view(.whole(s, shape: [8, 1])), bias: nil, reduceOp: nil, reduceDst: nil))
    }
    guard case .invalidDType("scale", .bfloat16, _)? = e?.kind else {
      Issue.record("got \(String(describing: e))")
      return
    }
  }

  @Test func maskWithNotEqualIsRejected() {
    let e = verifyError { b in
      let x = b.declareTensor(name: "x", space: .sbuf, shape: [8, 8], dtype: .float32)
      b.emit(
        .memset(dst: .whole(x, shape: [8, 8]), value: 1),
        mask: [AffineCondition(coefficients: [1, 0], offset: -3, comparison: .notEqual)])
    }
    guard case .invalidMask? = e?.kind else {
      Issue.record("got \(String(describing: e))")
      return
    }
  }
}
