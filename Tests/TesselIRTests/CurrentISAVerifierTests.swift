import TesselIR
import Testing

/// The verifier rules of the current dialect's long-tail ISA operations, each with a failing case.
@Suite("Verifier rules of the current-dialect ISA operations")
struct CurrentISAVerifierTests {
  /// Declares `name` and returns its whole view.
  static func tile(
    _ b: inout KernelBuilder, _ name: String, _ shape: [Int], _ dtype: DType = .float32, _ space: MemorySpace = .sbuf
  ) -> View {
    .whole(b.declareTensor(name: name, space: space, shape: shape, dtype: dtype), shape: shape)
  }

  @Test func dmaTransposeRules() {
    let axes = verifyError { b in
      let s = Self.tile(&b, "s", [4, 8, 2], .bfloat16)
      let d = Self.tile(&b, "d", [8, 4, 2], .bfloat16)
      b.emit(.dmaTranspose(dst: d, src: s, axes: [1, 0, 2]))
    }
    #expect(
      axes?.message
        == "invalid op axes=[1, 0, 2] for 'dma_transpose': supported axes are (1, 0), (2, 1, 0) and (3, 1, 2, 0)")
    let wide = verifyError { b in
      let s = Self.tile(&b, "s", [4, 8])
      let d = Self.tile(&b, "d", [8, 4])
      b.emit(.dmaTranspose(dst: d, src: s, axes: [1, 0], hardwareDGE: true))
    }
    #expect(
      wide?.message
        == "invalid dtype float32 for operand 'src' of 'dma_transpose': dma_transpose with dge_mode=hwdge moves 2-byte elements"
    )
    let wideDefault = verifyError { b in
      let s = Self.tile(&b, "s", [4, 8])
      let d = Self.tile(&b, "d", [8, 4])
      b.emit(.dmaTranspose(dst: d, src: s, axes: [1, 0]))
    }
    #expect(wideDefault == nil, "the default DGE mode transposes 4-byte elements: \(String(describing: wideDefault))")
    let shape = verifyError { b in
      let s = Self.tile(&b, "s", [4, 8], .bfloat16)
      let d = Self.tile(&b, "d", [4, 8], .bfloat16)
      b.emit(.dmaTranspose(dst: d, src: s, axes: [1, 0]))
    }
    guard case .shapeMismatch(_, [[4, 8], [4, 8]])? = shape?.kind else {
      Issue.record("got \(String(describing: shape))")
      return
    }
  }

  @Test func topEightRules() {
    let narrow = verifyError { b in
      let s = Self.tile(&b, "s", [4, 7])
      let d = Self.tile(&b, "d", [4, 8])
      b.emit(.max8(dst: d, src: s))
    }
    #expect(narrow?.message == "'max8' needs 8 to 16384 elements per partition in 'src', got 7")
    let index = verifyError { b in
      let s = Self.tile(&b, "s", [4, 9])
      let v = Self.tile(&b, "v", [4, 8])
      let d = Self.tile(&b, "d", [4, 8], .int32)
      b.emit(.findIndex8(dst: d, data: s, vals: v))
    }
    #expect(
      index?.message
        == "invalid dtype int32 for operand 'dst' of 'nc_find_index8': nc_find_index8 writes uint32 or uint16 indices")
  }

  @Test func streamShuffleRules() {
    let missing = verifyError { b in
      let s = Self.tile(&b, "s", [1, 4])
      let d = Self.tile(&b, "d", [2, 4])
      b.emit(.streamShuffle(dst: d, src: s, mask: [0, 1] + Array(repeating: 0, count: 30)))
    }
    #expect(
      missing?.message
        == "'nc_stream_shuffle' reads partition 1 of 'src', which has 1 partition (shuffle_mask[1] for dst partition 1)"
    )
    let mask = verifyError { b in
      let s = Self.tile(&b, "s", [32, 4])
      let d = Self.tile(&b, "d", [32, 4])
      b.emit(.streamShuffle(dst: d, src: s, mask: Array(repeating: 40, count: 32)))
    }
    #expect(mask?.message.contains("32 entries, each 0...31 or 255") == true)
    let start = verifyError { b in
      let s = Self.tile(&b, "s", [64, 4])
      let d = Self.tile(&b, "d", [128, 4])
      var half = d
      half.start[0] = AffineExpr(constant: 32)
      half.dims[0].count = 64
      b.emit(.streamShuffle(dst: half, src: s, mask: Array(repeating: 0, count: 32)))
    }
    #expect(start?.message.contains("with 64 active partitions the start partition must be one of [0, 64]") == true)
  }

  @Test func rangeSelectRules() {
    func build(_ b: inout KernelBuilder, fill: Float, bounds: DType = .float32, target: Target = .trn2) {
      let t = Self.tile(&b, "t", [4, 16])
      let d = Self.tile(&b, "d", [4, 16])
      let b0 = Self.tile(&b, "b0", [4, 1], bounds)
      let b1 = Self.tile(&b, "b1", [4, 1], bounds)
      b.emit(
        .rangeSelect(
          dst: d, onTrue: t, cmp0: .greaterEqual, cmp1: .less, bound0: b0, bound1: b1, rangeStart: 0, onFalse: fill,
          reduceDst: nil))
    }
    let fill = verifyError { b in build(&b, fill: 0) }
    #expect(fill?.message.contains("requires on_false_value = FP32_MIN") == true)
    let bounds = verifyError { b in build(&b, fill: -.greatestFiniteMagnitude, bounds: .bfloat16) }
    #expect(bounds?.message == "invalid dtype bfloat16 for operand 'bound0' of 'range_select': bounds must be float32")
    let old = verifyError(target: .trn1) { b in build(&b, fill: -.greatestFiniteMagnitude) }
    #expect(old?.message == "'range_select' is available only on trn2 (gen3) and newer; the target is trn1 (gen2)")
    #expect(verifyError { b in build(&b, fill: -.greatestFiniteMagnitude) } == nil)
  }

  @Test func dmaComputeRules() {
    let psum = verifyError { b in
      let s = Self.tile(&b, "s", [4, 8], .float32, .psum)
      let d = Self.tile(&b, "d", [4, 8])
      b.emit(.dmaCompute(dst: d, srcs: [s]))
    }
    #expect(
      psum?.message
        == "Expected operand 'srcs[0]' of 'dma_compute' to be in address space 'sbuf|hbm', but got a tile in 'psum' instead"
    )
    let count = verifyError { b in
      let s = Self.tile(&b, "s", [4, 8])
      let t = Self.tile(&b, "t", [4, 9])
      let d = Self.tile(&b, "d", [4, 8])
      b.emit(.dmaCompute(dst: d, srcs: [s, t]))
    }
    guard case .shapeMismatch? = count?.kind else {
      Issue.record("got \(String(describing: count))")
      return
    }
  }

  @Test func mxRules() {
    func quantize(_ b: inout KernelBuilder, partitions: Int = 32, dtype: DType = .float8e4m3fn, scaleRows: Int = 4) {
      let s = Self.tile(&b, "s", [partitions, 8], .bfloat16)
      let d = Self.tile(&b, "d", [partitions, 2, 4], dtype)
      let sc = Self.tile(&b, "sc", [scaleRows, 2], .uint8)
      b.emit(.quantizeMX(dst: d, src: s, dstScale: sc))
    }
    #expect(verifyError(target: .trn3) { quantize(&$0) } == nil)
    let trn2 = verifyError { quantize(&$0) }
    #expect(trn2?.message == "'quantize_mx' is available only on trn3 (gen4) and newer; the target is trn2 (gen3)")
    let parts = verifyError(target: .trn3) { quantize(&$0, partitions: 16, scaleRows: 2) }
    #expect(parts?.message.contains("quantize_mx needs 32, 64, 96 or 128 partitions") == true)
    let scales = verifyError(target: .trn3) { quantize(&$0, partitions: 64, scaleRows: 8) }
    guard case .shapeMismatch(["dst_scale", "src"], _)? = scales?.kind else {
      Issue.record("got \(String(describing: scales))")
      return
    }
    let matmulDst = verifyError(target: .trn3) { b in
      let st = Self.tile(&b, "st", [32, 2, 4], .float8e5m2)
      let mv = Self.tile(&b, "mv", [32, 3, 4], .float8e5m2)
      let ss = Self.tile(&b, "ss", [4, 2], .uint8)
      let ms = Self.tile(&b, "ms", [4, 3], .uint8)
      let d = Self.tile(&b, "d", [2, 3])
      b.emit(.matmulMX(dst: d, stationary: st, moving: mv, stationaryScale: ss, movingScale: ms, accumulation: .auto))
    }
    #expect(
      matmulDst?.message
        == "Expected operand 'dst' of 'nc_matmul_mx' to be in address space 'psum', but got a tile in 'sbuf' instead")
  }
}
