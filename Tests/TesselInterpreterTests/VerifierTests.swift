import TesselIR
import TesselInterpreter
import TesselMachine
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
    let e = verifyError { b in _ = b.declareTensor(name: "big", space: .sbuf, shape: [256, 4], dtype: .float32, location: here) }
    #expect(e?.message == "Size of partition dimension 256 exceeds architecture limitation of 128 (tensor `big`).")
    #expect(e?.location == here)
  }

  @Test func psumTileLimit() {
    let e = verifyError { b in _ = b.declareTensor(name: "acc", space: .psum, shape: [128, 1024], dtype: .float32) }
    guard case .psumTileTooLarge(_, 4096, 2048)? = e?.kind else { Issue.record("got \(String(describing: e))"); return }
  }

  @Test func computeEngineCannotReadHBM() {
    let e = verifyError { b in
      let a = b.addParameter(name: "a", shape: [128, 4], dtype: .float32)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 4], dtype: .float32)
      b.emit(.activation(dst: .whole(t, shape: [128, 4]), src: .whole(a, shape: [128, 4]), function: .exp, scale: .scalar(1), bias: nil, reduceOp: nil, reduceDst: nil), location: here)
    }
    #expect(e?.message == "Expected operand 'data' of 'activation' to be in address space 'psum|sbuf', but got a tile in 'hbm' instead")
  }

  @Test func loadMustReadHBM() {
    let e = verifyError { b in
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [4, 4], dtype: .float32)
      let u = b.declareTensor(name: "u", space: .sbuf, shape: [4, 4], dtype: .float32)
      b.emit(.load(dst: .whole(u, shape: [4, 4]), src: .whole(t, shape: [4, 4])))
    }
    #expect(e?.message == "Expected operand 'src' of 'load' to be in address space 'hbm', but got a tile in 'sbuf' instead")
  }

  @Test func matmulMustWritePSUM() {
    let e = verifyError { b in
      let s = b.declareTensor(name: "s", space: .sbuf, shape: [128, 128], dtype: .bfloat16)
      let d = b.declareTensor(name: "d", space: .sbuf, shape: [128, 128], dtype: .float32)
      b.emit(.matmul(dst: .whole(d, shape: [128, 128]), stationary: .whole(s, shape: [128, 128]), moving: .whole(s, shape: [128, 128]), accumulation: .auto))
    }
    #expect(e?.message.hasPrefix("Expected operand 'dst' of 'nc_matmul' to be in address space 'psum'") == true)
  }

  @Test("matmul free sizes per target: moving 1024 fails on trn2, passes on trn3")
  func matmulFreeSizes() {
    func build(_ b: inout KernelBuilder, moving: Int) {
      let s = b.declareTensor(name: "s", space: .sbuf, shape: [128, 128], dtype: .float32)
      let m = b.declareTensor(name: "m", space: .sbuf, shape: [128, moving], dtype: .float32)
      let d = b.declareTensor(name: "d", space: .psum, shape: [128, 512], dtype: .float32)
      b.emit(.matmul(dst: View(tensor: d, start: [0, 0], dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: moving == 1024 ? 512 : moving)]),
                     stationary: .whole(s, shape: [128, 128]), moving: .whole(m, shape: [128, moving]), accumulation: .auto))
    }
    let e = verifyError { b in build(&b, moving: 1024) }
    guard case .matmulFreeSizeTooLarge("moving", 1024, 512)? = e?.kind else { Issue.record("got \(String(describing: e))"); return }
    let e2 = verifyError { b in
      let s = b.declareTensor(name: "s", space: .sbuf, shape: [128, 256], dtype: .float32)
      let d = b.declareTensor(name: "d", space: .psum, shape: [128, 128], dtype: .float32)
      b.emit(.matmul(dst: .whole(d, shape: [128, 128]), stationary: .whole(s, shape: [128, 256]), moving: View(tensor: s, start: [0, 0], dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: 128)]), accumulation: .auto))
    }
    guard case .matmulFreeSizeTooLarge("stationary", 256, 128)? = e2?.kind else { Issue.record("got \(String(describing: e2))"); return }
  }

  @Test func contractionOnPartitionAxis() {
    let e = verifyError { b in
      let s = b.declareTensor(name: "s", space: .sbuf, shape: [64, 128], dtype: .bfloat16)
      let m = b.declareTensor(name: "m", space: .sbuf, shape: [128, 512], dtype: .bfloat16)
      let d = b.declareTensor(name: "d", space: .psum, shape: [128, 512], dtype: .float32)
      b.emit(.matmul(dst: .whole(d, shape: [128, 512]), stationary: .whole(s, shape: [64, 128]), moving: .whole(m, shape: [128, 512]), accumulation: .auto))
    }
    guard case .matmulContraction(64, 128)? = e?.kind else { Issue.record("got \(String(describing: e))"); return }
  }

  @Test func gpsimdNeverTouchesPSUM() {
    let e = verifyError { b in
      let p = b.declareTensor(name: "p", space: .psum, shape: [8, 8], dtype: .float32)
      b.emit(.iota(dst: .whole(p, shape: [8, 8]), expression: AffineCondition(coefficients: [1, 1], offset: 0, comparison: .equal)))
    }
    #expect(e?.message == "Expected operand 'dst' of 'iota' to be in address space 'sbuf', but got a tile in 'psum' instead")
  }

  @Test func onlyDMAReachesHBMAndTensorEngineOnlyMatmul() {
    let e = verifyError { b in
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [8, 8], dtype: .float32)
      b.emit(.memset(dst: .whole(t, shape: [8, 8]), value: 0), engine: .tensor)
    }
    guard case .wrongEngine(.tensor, _)? = e?.kind else { Issue.record("got \(String(describing: e))"); return }
    let e2 = verifyError { b in
      let a = b.addParameter(name: "a", shape: [8, 8], dtype: .float32)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [8, 8], dtype: .float32)
      b.emit(.load(dst: .whole(t, shape: [8, 8]), src: .whole(a, shape: [8, 8])), engine: .vector)
    }
    guard case .wrongEngine(.vector, [.dma])? = e2?.kind else { Issue.record("got \(String(describing: e2))"); return }
  }

  @Test func partitionMismatchWording() {
    let e = verifyError { b in
      let x = b.declareTensor(name: "x", space: .sbuf, shape: [128, 512], dtype: .float32)
      let y = b.declareTensor(name: "y", space: .sbuf, shape: [1, 512], dtype: .float32)
      b.emit(.tensorTensor(dst: .whole(x, shape: [128, 512]), a: .whole(x, shape: [128, 512]), b: .whole(y, shape: [1, 512]), op: .add))
    }
    #expect(e?.message == "number of partitions (dimension 0 size of a tile) mismatch in parameters (data1[128, 512], data2[1, 512], dst[128, 512]) of 'tensor_tensor'")
  }

  @Test("static out-of-bounds over a loop's range, with NKI's wording")
  func outOfBounds() {
    let e = verifyError { b in
      let a = b.addParameter(name: "x", shape: [4000, 8], dtype: .float32)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 8], dtype: .float32)
      let i = b.beginLoop(name: "i", kind: .affine, stop: 32)
      b.emit(.load(dst: .whole(t, shape: [128, 8]), src: View(tensor: a, start: [AffineExpr(i) * 128, 0], dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: 8)])), location: here)
      try b.endLoop()
    }
    #expect(e?.message == "Out-of-bound access for tensor `x` on dimension 0: index range [0, 4095] exceed dimension size of 4000")
    #expect(e?.location == here)
  }

  @Test("masked out-of-bounds is caught at run time over the mask's extent")
  func maskedOutOfBounds() throws {
    var b = KernelBuilder(name: "k")
    let a = b.addParameter(name: "x", shape: [100, 8], dtype: .float32)
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 8], dtype: .float32)
    // mask p < 120 still reaches row 119 of a 100-row tensor.
    b.emit(.load(dst: .whole(t, shape: [128, 8]), src: .whole(a, shape: [100, 8]).withDims([.along(0, of: 2, count: 128), .along(1, of: 2, count: 8)])),
           mask: [AffineCondition(coefficients: [-1, 0], offset: 119, comparison: .greaterEqual)], location: here)
    let k = try b.finish(target: .trn2)
    #expect(throws: KernelError.self) { try Interpreter(kernel: k).run([Array(repeating: 1, count: 800)]) }
    do { _ = try Interpreter(kernel: k).run([Array(repeating: 1, count: 800)]) } catch {
      #expect(error.message == "Out-of-bound access for tensor `x` on dimension 0: index range [0, 119] exceed dimension size of 100")
    }
  }

  @Test func bitwiseNeedsIntegers() {
    let e = verifyError { b in
      let x = b.declareTensor(name: "x", space: .sbuf, shape: [8, 8], dtype: .float32)
      b.emit(.tensorTensor(dst: .whole(x, shape: [8, 8]), a: .whole(x, shape: [8, 8]), b: .whole(x, shape: [8, 8]), op: .bitwiseAnd))
    }
    guard case .invalidDType("data1", .float32, _)? = e?.kind else { Issue.record("got \(String(describing: e))"); return }
  }

  @Test func loopVariableOutOfScope() {
    let e = verifyError { b in
      let a = b.addParameter(name: "a", shape: [256, 8], dtype: .float32)
      let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 8], dtype: .float32)
      let i = b.beginLoop(name: "i", kind: .affine, stop: 2)
      try b.endLoop()
      b.emit(.load(dst: .whole(t, shape: [128, 8]), src: View(tensor: a, start: [AffineExpr(i) * 128, 0], dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: 8)])))
    }
    #expect(e?.message == "Local variable 'i' is referenced outside of its parent scope")
  }

  @Test func reductionAxesAreFreeAxes() {
    let e = verifyError { b in
      let x = b.declareTensor(name: "x", space: .sbuf, shape: [8, 8], dtype: .float32)
      let y = b.declareTensor(name: "y", space: .sbuf, shape: [8], dtype: .float32)
      b.emit(.tensorReduce(dst: .whole(y, shape: [8]), src: .whole(x, shape: [8, 8]), op: .add, axes: [0], negate: false))
    }
    guard case .invalidOp? = e?.kind else { Issue.record("got \(String(describing: e))"); return }
  }

  @Test func activationScaleAndBiasRules() {
    let e = verifyError { b in
      let x = b.declareTensor(name: "x", space: .sbuf, shape: [8, 8], dtype: .float32)
      let s = b.declareTensor(name: "s", space: .sbuf, shape: [8, 1], dtype: .bfloat16)
      b.emit(.activation(dst: .whole(x, shape: [8, 8]), src: .whole(x, shape: [8, 8]), function: .exp, scale: .view(.whole(s, shape: [8, 1])), bias: nil, reduceOp: nil, reduceDst: nil))
    }
    guard case .invalidDType("scale", .bfloat16, _)? = e?.kind else { Issue.record("got \(String(describing: e))"); return }
  }

  @Test func maskWithNotEqualIsRejected() {
    let e = verifyError { b in
      let x = b.declareTensor(name: "x", space: .sbuf, shape: [8, 8], dtype: .float32)
      b.emit(.memset(dst: .whole(x, shape: [8, 8]), value: 1), mask: [AffineCondition(coefficients: [1, 0], offset: -3, comparison: .notEqual)])
    }
    guard case .invalidMask? = e?.kind else { Issue.record("got \(String(describing: e))"); return }
  }
}

@Suite("SBUF and PSUM allocation")
struct AllocatorTests {
  @Test("tiles that do not fit in SBUF fail with what was asked, what is live and the limit", arguments: Target.allCases)
  func sbufOverflow(target: Target) throws {
    var b = KernelBuilder(name: "k")
    let a = b.addParameter(name: "a", shape: [128, 32768], dtype: .float32)
    // 32768 fp32 = 128 KiB per partition each; two live at once exceed every target's SBUF.
    let t1 = b.declareTensor(name: "t1", space: .sbuf, shape: [128, 32768], dtype: .float32)
    let t2 = b.declareTensor(name: "t2", space: .sbuf, shape: [128, 32768], dtype: .float32)
    b.emit(.load(dst: .whole(t1, shape: [128, 32768]), src: .whole(a, shape: [128, 32768])))
    b.emit(.load(dst: .whole(t2, shape: [128, 32768]), src: .whole(a, shape: [128, 32768])))
    b.emit(.tensorTensor(dst: .whole(t1, shape: [128, 32768]), a: .whole(t1, shape: [128, 32768]), b: .whole(t2, shape: [128, 32768]), op: .add))
    let k = try b.finish(target: target)
    #expect {
      _ = try Interpreter(kernel: k, options: RunOptions(target: target))
    } throws: { e in
      guard let e = e as? KernelError, case .capacityExceeded(.sbuf, "t2", 131072, 128, let live, let limit) = e.kind else { return false }
      return live.map(\.name) == ["t1"] && limit == target.sbufBytesPerPartition
    }
  }

  @Test("tiles with disjoint lifetimes share SBUF; a tile declared outside a loop stays live through it")
  func lifetimes() throws {
    var b = KernelBuilder(name: "k")
    let a = b.addParameter(name: "a", shape: [128, 30000], dtype: .float32)
    let acc = b.declareTensor(name: "acc", space: .sbuf, shape: [128, 16], dtype: .float32)
    b.emit(.memset(dst: .whole(acc, shape: [128, 16]), value: 0))
    let i = b.beginLoop(name: "i", kind: .sequential, stop: 3)
    _ = i
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 30000], dtype: .float32)
    b.emit(.load(dst: .whole(t, shape: [128, 30000]), src: .whole(a, shape: [128, 30000])))
    b.emit(.tensorReduce(dst: View(tensor: acc, start: [0, 0], dims: [.along(0, of: 2, count: 128)]), src: .whole(t, shape: [128, 30000]), op: .add, axes: [1], negate: false))
    try b.endLoop()
    let u = b.declareTensor(name: "u", space: .sbuf, shape: [128, 30000], dtype: .float32)
    b.emit(.load(dst: .whole(u, shape: [128, 30000]), src: .whole(a, shape: [128, 30000])))
    let k = try b.finish(target: .trn1)
    let plan = try Allocator(target: .trn1).plan(k)
    let pt = try #require(plan.placements[t]), pu = try #require(plan.placements[u]), pa = try #require(plan.placements[acc])
    #expect(pt.live.upperBound < pu.live.lowerBound, "t and u are never live at once")
    #expect(pu.byteOffset + pu.bytes <= plan.sbufHighWater, "u reuses space, so the high water does not grow")
    #expect(pa.live.lowerBound == 0 && pa.live.upperBound >= pt.live.upperBound)
    #expect(plan.sbufHighWater == 120_000 + 64)
  }

  @Test("PSUM holds eight 2 KiB banks; a ninth live accumulator fails")
  func psumBanks() throws {
    var b = KernelBuilder(name: "k")
    var tiles: [TensorID] = []
    for i in 0..<9 {
      let p = b.declareTensor(name: "ps\(i)", space: .psum, shape: [128, 512], dtype: .float32)
      b.emit(.memset(dst: .whole(p, shape: [128, 512]), value: 0))
      tiles.append(p)
    }
    let s = b.declareTensor(name: "s", space: .sbuf, shape: [128, 512], dtype: .float32)
    for p in tiles { b.emit(.tensorCopy(dst: .whole(s, shape: [128, 512]), src: .whole(p, shape: [128, 512]))) }
    let k = try b.finish(target: .trn2)
    #expect {
      _ = try Allocator(target: .trn2).plan(k)
    } throws: { e in
      guard let e = e as? KernelError, case .capacityExceeded(.psum, "ps8", 2048, 128, let live, 16384) = e.kind else { return false }
      return live.count == 8
    }
  }

  @Test("small tiles start on partition 0, 32, 64 or 96 and pack side by side")
  func partitionStarts() throws {
    var b = KernelBuilder(name: "k")
    var ts: [TensorID] = []
    for i in 0..<4 {
      let t = b.declareTensor(name: "t\(i)", space: .sbuf, shape: [32, 1000], dtype: .float32)
      b.emit(.memset(dst: .whole(t, shape: [32, 1000]), value: 0))
      ts.append(t)
    }
    for t in ts { b.emit(.tensorCopy(dst: .whole(t, shape: [32, 1000]), src: .whole(t, shape: [32, 1000]))) }
    let plan = try Allocator(target: .trn2).plan(try b.finish(target: .trn2))
    let starts = Set(ts.compactMap { plan.placements[$0]?.partitionStart })
    #expect(starts == [0, 32, 64, 96])
    #expect(plan.sbufHighWater == 4000)
  }
}

@Suite("Poisoned memory")
struct PoisonTests {
  @Test("reading never-written elements warns with the location, for float and int tiles", arguments: [DType.float32, .int32, .float8e4m3])
  func uninitializedRead(dtype: DType) throws {
    var b = KernelBuilder(name: "k")
    let here = SourceLocation(file: "k.py", line: 12, column: 3)
    let a = b.addParameter(name: "a", shape: [8, 8], dtype: dtype)
    let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [8, 8], dtype: dtype)
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [8, 8], dtype: dtype)
    let u = b.declareTensor(name: "u", space: .sbuf, shape: [8, 8], dtype: dtype)
    // Only the first 4 partitions are loaded.
    b.emit(.load(dst: .whole(t, shape: [8, 8]), src: .whole(a, shape: [8, 8])), mask: [AffineCondition(coefficients: [-1, 0], offset: 3, comparison: .greaterEqual)])
    b.emit(.tensorCopy(dst: .whole(u, shape: [8, 8]), src: .whole(t, shape: [8, 8])), location: here)
    b.emit(.store(dst: .whole(out, shape: [8, 8]), src: .whole(u, shape: [8, 8])))
    b.setOutputs([out])
    let r = try Interpreter(kernel: try b.finish(target: .trn2)).run([Array(repeating: 1, count: 64)])
    let w = try #require(r.report.warnings.first)
    #expect(w.message == "'tensor_copy' reads 32 of 64 elements of `t` (operand 'data') that were never written")
    #expect(w.location == here)
  }
}

extension View {
  /// The same start with other dimensions.
  func withDims(_ dims: [Dim]) -> View { View(tensor: tensor, start: start, dims: dims) }
}

@Suite("IR printer")
struct PrinterTests {
  @Test("the printed IR of a tiled kernel is stable text")
  func golden() throws {
    var b = KernelBuilder(name: "scale_rows")
    let a = b.addParameter(name: "a", shape: [256, 64], dtype: .bfloat16)
    let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [256, 64], dtype: .bfloat16)
    let i = b.beginLoop(name: "i", kind: .affine, stop: 2)
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 64], dtype: .float32)
    let rows = View(tensor: a, start: [AffineExpr(i) * 128, 0], dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: 64)])
    b.emit(.load(dst: .whole(t, shape: [128, 64]), src: rows), mask: [AffineCondition(coefficients: [-1, 0], offset: AffineExpr(constant: 199) - AffineExpr(i) * 128, comparison: .greaterEqual)])
    b.emit(.activation(dst: .whole(t, shape: [128, 64]), src: .whole(t, shape: [128, 64]), function: .exp, scale: .scalar(0.5), bias: nil, reduceOp: nil, reduceDst: nil))
    b.emit(.store(dst: View(tensor: out, start: rows.start, dims: rows.dims), src: .whole(t, shape: [128, 64])))
    try b.endLoop()
    b.setOutputs([out])
    let k = try b.finish(target: .trn2)
    #expect(k.printed() == """
      kernel scale_rows(a: hbm bfloat16[256, 64]) -> (out)
        %1 out: shared_hbm bfloat16[256, 64]
        %2 t: sbuf float32[128, 64]
        affine_range i in 0..<2 {
          t[0:128, 0:64] = load(a[128*i:128*i + 128, 0:64])  [dma] mask(-i0 - 128*i + 199 >= 0)
          t[0:128, 0:64] = activation(exp, t[0:128, 0:64], scale: 0.5)  [scalar]
          out[128*i:128*i + 128, 0:64] = store(t[0:128, 0:64])  [dma]
        }

      """)
  }

  /// Masks on instructions Tessel does not mask are rejected, never ignored (masks on matmul and
  /// transpose are honoured: MaskedTensorEngineTests).
  @Test func unmodelledMasksAreRejectedNotIgnored() {
    let e = verifyError { b in
      let s = b.declareTensor(name: "s", space: .sbuf, shape: [8, 8], dtype: .float32)
      let d = b.declareTensor(name: "d", space: .sbuf, shape: [8, 8], dtype: .float32)
      b.emit(.tensorTensorScan(dst: .whole(d, shape: [8, 8]), data0: .whole(s, shape: [8, 8]), data1: .whole(s, shape: [8, 8]),
                               initial: .scalar(0), op0: .multiply, op1: .add),
             mask: [AffineCondition(coefficients: [1, 0], offset: 0, comparison: .greaterEqual)])
    }
    guard case .unsupported? = e?.kind else { Issue.record("got \(String(describing: e))"); return }
  }
}
