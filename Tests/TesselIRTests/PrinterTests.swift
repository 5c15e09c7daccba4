import TesselIR
import Testing

@Suite("IR printer")
struct PrinterTests {
  @Test("the printed IR of a tiled kernel is stable text")
  func golden() throws {
    var b = KernelBuilder(name: "scale_rows")
    let a = b.addParameter(name: "a", shape: [256, 64], dtype: .bfloat16)
    let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [256, 64], dtype: .bfloat16)
    let i = b.beginLoop(name: "i", kind: .affine, stop: 2)
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 64], dtype: .float32)
    let rows = View(
      tensor: a, start: [AffineExpr(i) * 128, 0], dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: 64)])
    b.emit(
      .load(dst: .whole(t, shape: [128, 64]), src: rows),
      mask: [
        AffineCondition(
          coefficients: [-1, 0], offset: AffineExpr(constant: 199) - AffineExpr(i) * 128, comparison: .greaterEqual)
      ])
    b.emit(
      .activation(
        dst: .whole(t, shape: [128, 64]), src: .whole(t, shape: [128, 64]), function: .exp, scale: .scalar(0.5),
        bias: nil, reduceOp: nil, reduceDst: nil))
    b.emit(.store(dst: View(tensor: out, start: rows.start, dims: rows.dims), src: .whole(t, shape: [128, 64])))
    try b.endLoop()
    b.setOutputs([out])
    let k = try b.finish(target: .trn2)
    #expect(
      k.printed() == """
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
  @Test("the listing numbers tensors without gaps; unnamed temporaries print as their number; shared names get .1, .2")
  func numberingAndNames() throws {
    var b = KernelBuilder(name: "k")
    let a = b.addParameter(name: "a", shape: [128, 8], dtype: .float32)
    let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [128, 8], dtype: .float32)
    let unused = b.declareTensor(name: "unused", space: .sbuf, shape: [128, 8], dtype: .float32)
    let t0 = b.declareTensor(name: "t", space: .sbuf, shape: [128, 8], dtype: .float32)
    let tmp = b.declareTensor(name: "%t4", space: .sbuf, shape: [128, 8], dtype: .float32)
    let t1 = b.declareTensor(name: "t", space: .sbuf, shape: [128, 8], dtype: .float32)
    let taken = b.declareTensor(name: "t.1", space: .sbuf, shape: [128, 8], dtype: .float32)
    _ = unused
    let w = { (x: TensorID) in View.whole(x, shape: [128, 8]) }
    b.emit(.load(dst: w(t0), src: w(a)))
    b.emit(.tensorCopy(dst: w(tmp), src: w(t0)))
    b.emit(.tensorCopy(dst: w(taken), src: w(tmp)))
    b.emit(.tensorCopy(dst: w(t1), src: w(taken)))
    b.emit(.store(dst: w(out), src: w(t1)))
    b.setOutputs([out])
    let text = try b.finish(target: .trn2).printed()
    #expect(
      text == """
        kernel k(a: hbm float32[128, 8]) -> (out)
          %1 out: shared_hbm float32[128, 8]
          %2 t: sbuf float32[128, 8]
          %3: sbuf float32[128, 8]
          %4 t.2: sbuf float32[128, 8]
          %5 t.1: sbuf float32[128, 8]
          t[0:128, 0:8] = load(a[0:128, 0:8])  [dma]
          %3[0:128, 0:8] = tensor_copy(t[0:128, 0:8])  [vector]
          t.1[0:128, 0:8] = tensor_copy(%3[0:128, 0:8])  [vector]
          t.2[0:128, 0:8] = tensor_copy(t.1[0:128, 0:8])  [vector]
          out[0:128, 0:8] = store(t.2[0:128, 0:8])  [dma]

        """)
  }

  @Test func unmodelledMasksAreRejectedNotIgnored() {
    let e = verifyError { b in
      let s = b.declareTensor(name: "s", space: .sbuf, shape: [8, 6], dtype: .float32)
      let d = b.declareTensor(name: "d", space: .sbuf, shape: [8, 2], dtype: .float32)
      b.emit(
        .bnAggr(dst: .whole(d, shape: [8, 2]), src: .whole(s, shape: [8, 6])),
        mask: [AffineCondition(coefficients: [1, 0], offset: 0, comparison: .greaterEqual)])
    }
    guard case .unsupported? = e?.kind else {
      Issue.record("got \(String(describing: e))")
      return
    }
  }
}
