import TesselIR

extension DSLExamples {
  /// One `.py` kernel of `kernels/` and its DSL twin at one set of traced arguments: what a pairwise
  /// test needs to trace both front ends the same way and compare their IR and outputs.
  ///
  /// ```swift
  /// for p in DSLExamples.pairings {
  ///   let swiftIR = try p.kernel.build().printed(canonicalNames: true)
  ///   // trace kernels/\(p.file) `p.entryPoint` with the parameters' shapes, p.literals, p.kernel.grid
  /// }
  /// ```
  public struct Pairing: Sendable {
    /// The file in `kernels/` (`softmax.py`, `current/softmax.py`).
    public var file: String
    /// The `@nki.jit` function (`softmax_kernel`).
    public var entryPoint: String
    /// Non-tensor arguments by parameter name, as Python literals (`"use_causal_mask": "True"`).
    public var literals: [String: String]
    /// The DSL kernel; its parameters give the HBM tensors' names, shapes and dtypes, its grid the
    /// launch grid.
    public var kernel: SwiftKernel
  }

  /// Every `kernels/*.py` entry point paired with its DSL version, at small shapes that exercise
  /// the tiling (ragged tiles where the kernel masks).
  public static var pairings: [Pairing] {
    [
      Pairing(
        file: "tensor_add.py", entryPoint: "tensor_add_kernel", literals: [:], kernel: tensorAdd(rows: 300, cols: 700)),
      Pairing(
        file: "tensor_add_spmd.py", entryPoint: "tensor_add_spmd_kernel", literals: [:],
        kernel: tensorAddSPMD(rows: 256, cols: 1024)),
      Pairing(
        file: "transpose2d.py", entryPoint: "transpose2d_kernel", literals: ["shape2d": "(3, 4)"],
        kernel: transpose2D(count: 200, rows: 3, cols: 4)),
      Pairing(
        file: "transpose2d.py", entryPoint: "transpose_matrix_kernel", literals: [:],
        kernel: transposeMatrix(m: 256, n: 384)),
      Pairing(
        file: "avgpool2d.py", entryPoint: "avgpool2d_kernel", literals: ["pool_size": "2"],
        kernel: avgPool2D(channels: 200, height: 8, width: 12, pool: 2)),
      Pairing(
        file: "matmul_basic.py", entryPoint: "matmul_basic_kernel", literals: [:],
        kernel: matmulBasic(k: 128, m: 64, n: 512)),
      Pairing(
        file: "matmul_tiled.py", entryPoint: "matmul_tiled_kernel", literals: [:],
        kernel: matmulTiled(k: 256, m: 256, n: 1024)),
      Pairing(
        file: "matmul_hoisted.py", entryPoint: "matmul_hoisted_kernel", literals: [:],
        kernel: matmulHoisted(k: 256, m: 256, n: 1024)),
      Pairing(
        file: "matmul_block_free.py", entryPoint: "matmul_block_free_kernel",
        literals: ["TILES_IN_BLOCK_M": "2", "TILES_IN_BLOCK_N": "2"], kernel: matmulBlockFree(k: 256, m: 256, n: 1024)),
      Pairing(
        file: "matmul_optimized.py", entryPoint: "matmul_optimized_kernel",
        literals: ["TILES_IN_BLOCK_M": "2", "TILES_IN_BLOCK_N": "2", "TILES_IN_BLOCK_K": "2"],
        kernel: matmulOptimized(k: 512, m: 256, n: 1024)),
      Pairing(
        file: "rmsnorm.py", entryPoint: "rmsnorm_kernel", literals: ["eps": "1e-6"],
        kernel: rmsNorm(rows: 300, cols: 256)),
      Pairing(
        file: "layernorm.py", entryPoint: "layernorm_kernel", literals: ["eps": "1e-5"],
        kernel: layerNorm(rows: 300, cols: 256)),
      Pairing(
        file: "layernorm_bn.py", entryPoint: "layernorm_bn_kernel", literals: ["eps": "1e-5"],
        kernel: layerNormBN(rows: 300, cols: 1024)),
      Pairing(file: "softmax.py", entryPoint: "softmax_kernel", literals: [:], kernel: softmax(rows: 300, cols: 64)),
      Pairing(
        file: "attention.py", entryPoint: "attention_kernel",
        literals: ["use_causal_mask": "False", "softmax_scale": "0.125"], kernel: attention(seq: 256, dHead: 64)),
      Pairing(
        file: "attention.py", entryPoint: "attention_kernel",
        literals: ["use_causal_mask": "True", "softmax_scale": "0.125"],
        kernel: attention(seq: 256, dHead: 64, causal: true)),
      Pairing(
        file: "mamba.py", entryPoint: "mamba_kernel", literals: ["seq_tile": "512"],
        kernel: mamba(batch: 2, channels: 128, seqLen: 1024, stateSize: 4)),
      Pairing(file: "rotary.py", entryPoint: "rotary_kernel", literals: [:], kernel: rotary(seq: 200, dHead: 64)),
    ] + currentPairings
  }

  /// Every `kernels/current/*.py` entry point with a DSL twin (``Current``), at shapes with
  /// ragged tiles where the kernel allows them.
  public static var currentPairings: [Pairing] {
    [
      Pairing(
        file: "current/tensor_add.py", entryPoint: "tensor_add_kernel", literals: [:],
        kernel: Current.tensorAdd(rows: 200, cols: 700)),
      Pairing(
        file: "current/softmax.py", entryPoint: "softmax_kernel", literals: [:],
        kernel: Current.softmax(rows: 200, cols: 64)),
      Pairing(
        file: "current/fused_vector.py", entryPoint: "fused_vector", literals: [:],
        kernel: Current.fusedVector(rows: 7, cols: 13)),
      Pairing(
        file: "current/top8.py", entryPoint: "top8_kernel", literals: [:], kernel: Current.top8(rows: 7, cols: 40)),
      Pairing(
        file: "current/transpose2d.py", entryPoint: "transpose2d_kernel", literals: [:],
        kernel: Current.transpose2D(rows: 7, cols: 13)),
      Pairing(
        file: "current/matmul_tiled.py", entryPoint: "matmul_tiled_kernel", literals: [:],
        kernel: Current.matmulTiled(k: 256, m: 256, n: 1024)),
      Pairing(
        file: "current/matmul_basic.py", entryPoint: "matmul_basic_kernel", literals: [:],
        kernel: Current.matmulBasic(k: 128, m: 64, n: 512)),
      Pairing(
        file: "current/matmul_hoisted.py", entryPoint: "matmul_hoisted_kernel", literals: [:],
        kernel: Current.matmulHoisted(k: 256, m: 256, n: 1024)),
      Pairing(
        file: "current/rmsnorm.py", entryPoint: "rmsnorm_kernel", literals: ["eps": "1e-6"],
        kernel: Current.rmsNorm(rows: 200, cols: 256)),
      Pairing(
        file: "current/layernorm.py", entryPoint: "layernorm_kernel", literals: ["eps": "1e-5"],
        kernel: Current.layerNorm(rows: 200, cols: 256)),
      Pairing(
        file: "current/avgpool2d.py", entryPoint: "avgpool2d_kernel", literals: ["pool_size": "2"],
        kernel: Current.avgPool2D(channels: 200, height: 8, width: 12, pool: 2)),
      Pairing(
        file: "current/causal_mask.py", entryPoint: "causal_mask_kernel", literals: [:],
        kernel: Current.causalMask(rows: 7, cols: 13)),
    ]
  }
}
