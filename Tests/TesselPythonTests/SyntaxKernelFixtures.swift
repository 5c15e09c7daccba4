/// Realistic NKI kernel files, written for these tests, covering the syntax real kernels use.
enum SyntaxKernelFixtures {
  /// Legacy-dialect tensor addition: `nl.arange`, `nl.mgrid`, masks, an SPMD grid launch.
  static let tensorAdd = #"""
    """
    Element-wise tensor addition, tiled over the partition dimension.

    Shows both ways of building index grids: nl.arange with [:, None] / [None, :]
    and nl.mgrid.
    """
    import numpy as np
    import neuronxcc.nki as nki
    import neuronxcc.nki.language as nl
    from neuronxcc.nki import baremetal, simulate_kernel


    @nki.jit
    def tensor_add_kernel(a_input, b_input):
      """Adds two [N, 512] tensors, N a multiple of 128."""
      c_output = nl.ndarray(a_input.shape, dtype=a_input.dtype, buffer=nl.shared_hbm)

      # Partition indices as a column, free indices as a row.
      i_p = nl.arange(128)[:, None]
      i_f = nl.arange(512)[None, :]

      num_tiles = (a_input.shape[0] + 127) // 128
      for t in nl.affine_range(num_tiles):
        rows = t * 128 + i_p
        a_tile = nl.load(a_input[rows, i_f], mask=(rows < a_input.shape[0]))
        b_tile = nl.load(b_input[rows, i_f], mask=(rows < a_input.shape[0]))
        c_tile = nl.add(a_tile, b_tile)
        nl.store(c_output[rows, i_f], value=c_tile, mask=(rows < a_input.shape[0]))

      return c_output


    @nki.jit(mode="simulation")
    def tensor_add_spmd(a_input, b_input):
      c_output = nl.ndarray(a_input.shape, dtype=a_input.dtype, buffer=nl.shared_hbm)
      offset_x = nl.program_id(0) * 128
      offset_y = nl.program_id(axis=1) * 512
      ix_, iy_ = nl.mgrid[0:128, 0:512]
      ix, iy = offset_x + ix_, offset_y + iy_
      c_output[ix, iy] = nl.load(a_input[ix, iy]) + nl.load(b_input[ix, iy])
      return c_output


    def run(a, b):
      grid_x = a.shape[0] // 128
      grid_y = a.shape[1] // 512
      return simulate_kernel(baremetal(tensor_add_spmd)[grid_x, grid_y], a, b)
    """#

  /// A tiled matmul: `nl.affine_range` loops, `+=` into a PSUM accumulator, slices of
  /// slices, `nl.ds`, and a transpose.
  static let tiledMatmul = #"""
    import neuronxcc.nki as nki
    import neuronxcc.nki.isa as nisa
    import neuronxcc.nki.language as nl


    @nki.jit
    def matmul_tiled(lhsT, rhs):
      """Computes lhsT.T @ rhs with [K, M] x [K, N] -> [M, N] tiles."""
      K, M = lhsT.shape
      K_, N = rhs.shape
      assert K == K_, f"contraction dims differ: {K} vs {K_}"

      TILE_M = nl.tile_size.gemm_stationary_fmax  # 128
      TILE_K = nl.tile_size.pmax  # 128
      TILE_N = nl.tile_size.gemm_moving_fmax  # 512

      result = nl.ndarray((M, N), dtype=lhsT.dtype, buffer=nl.shared_hbm)

      for m in nl.affine_range(M // TILE_M):
        for n in nl.affine_range(N // TILE_N):
          res_psum = nl.zeros((TILE_M, TILE_N), nl.float32, buffer=nl.psum)

          for k in nl.affine_range(K // TILE_K):
            lhsT_tile = nl.load(lhsT[k * TILE_K:(k + 1) * TILE_K,
                                     m * TILE_M:(m + 1) * TILE_M])
            rhs_tile = nl.load(rhs[nl.ds(k * TILE_K, TILE_K), n * TILE_N:(n + 1) * TILE_N])
            # Accumulate partial sums in PSUM.
            res_psum += nisa.nc_matmul(lhsT_tile[...], rhs_tile)

          res_sb = nl.copy(res_psum, dtype=result.dtype)
          nl.store(result[m * TILE_M:(m + 1) * TILE_M, n * TILE_N:(n + 1) * TILE_N],
                   value=res_sb)

      return result


    @nki.jit
    def matmul_transposed(lhs, rhs, out_dtype=None, *, transpose_x: bool = True):
      M, K = lhs.shape
      out = nl.ndarray((M, rhs.shape[1]), dtype=out_dtype or lhs.dtype, buffer=nl.shared_hbm)
      x = nl.load(lhs)
      y = nl.load(rhs)
      psum = nl.matmul(x, y, transpose_x=not transpose_x)
      nl.store(out, value=psum)
      return out
    """#

  /// A layernorm with `nisa.bn_stats` / `nisa.bn_aggr`, masks and `nisa.tensor_scalar`.
  static let layerNorm = #"""
    import math

    import numpy as np
    import neuronxcc.nki as nki
    import neuronxcc.nki.isa as nisa
    import neuronxcc.nki.language as nl


    @nki.jit
    def layernorm_kernel(input_tensor, epsilon, gamma_vector, beta_vector):
      output_tensor = nl.ndarray(input_tensor.shape, dtype=input_tensor.dtype,
                                 buffer=nl.shared_hbm)
      assert input_tensor.shape[1] == gamma_vector.shape[0] == beta_vector.shape[0]

      i_p_io, i_f_io, i_p_param = nl.mgrid[0:nl.tile_size.pmax, 0:input_tensor.shape[1], 0:1]
      num_rows = input_tensor.shape[0]

      gamma_sb = nl.load(gamma_vector.reshape((1, gamma_vector.shape[0]))[i_p_param, i_f_io])
      beta_sb = nl.load(beta_vector.reshape((1, beta_vector.shape[0]))[i_p_param, i_f_io])

      for i in nl.affine_range(math.ceil(num_rows / nl.tile_size.pmax)):
        row_mask = (i * nl.tile_size.pmax + i_p_io < num_rows)
        input_sb = nl.load(input_tensor[i * nl.tile_size.pmax + i_p_io, i_f_io], mask=row_mask)

        # bn_stats has a free-dimension limit, so tile the free dimension.
        i_f_bn, i_f_stats = nl.mgrid[0:nl.tile_size.bn_stats_fmax, 0:6]
        num_bn_stats = math.ceil(input_tensor.shape[1] / nl.tile_size.bn_stats_fmax)
        stats = nl.ndarray((nl.tile_size.pmax, 6 * num_bn_stats), dtype=np.float32)
        for j in nl.affine_range(num_bn_stats):
          stats[i_p_io, j * 6 + i_f_stats] = nisa.bn_stats(
              input_sb[i_p_io, j * nl.tile_size.bn_stats_fmax + i_f_bn],
              mask=(j * nl.tile_size.bn_stats_fmax + i_f_bn < input_tensor.shape[1]),
              dtype=np.float32)

        mean_var = nisa.bn_aggr(stats[i_p_io, nl.arange(6 * num_bn_stats)[None, :]])
        mean = mean_var[i_p_io, 0]
        var = mean_var[i_p_io, 1]
        scale_var = nl.rsqrt(var + epsilon)

        normed = nisa.tensor_scalar(data=input_sb, op0=np.subtract, operand0=mean,
                                    op1=np.multiply, operand1=scale_var)
        output_sb = normed * gamma_sb.broadcast_to((nl.tile_size.pmax, gamma_vector.shape[0])) \
            + beta_sb.broadcast_to((nl.tile_size.pmax, beta_vector.shape[0]))

        nl.store(output_tensor[i * nl.tile_size.pmax + i_p_io, i_f_io], value=output_sb,
                 mask=row_mask)

      return output_tensor
    """#

  /// A driver file: `__main__`, argparse, NumPy reference code, torch, pytest, a class,
  /// comprehensions, lambdas, f-strings, `with`, `try`/`except` and `*args`/`**kwargs`.
  static let driver = #"""
    #!/usr/bin/env python3
    """Benchmarks and checks the softmax kernel against NumPy and PyTorch."""
    from __future__ import annotations

    import argparse
    import os
    import sys
    from dataclasses import dataclass
    from typing import Optional, Tuple

    import numpy as np
    import pytest

    try:
        import torch
        import torch.nn.functional as F
    except ImportError:  # torch is optional
        torch = None

    from neuronxcc import nki
    import neuronxcc.nki.language as nl

    DTYPES = {"fp32": np.float32, "fp16": np.float16, 'bf16': nl.bfloat16}


    @nki.jit
    def softmax_kernel(x, axis=-1):
        out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
        tile = nl.load(x)
        shifted = nl.subtract(tile, nl.max(tile, axis=1, keepdims=True))
        e = nl.exp(shifted)
        nl.store(out, value=nl.divide(e, nl.sum(e, axis=1, keepdims=True)))
        return out


    def softmax_ref(x: np.ndarray, axis: int = -1) -> np.ndarray:
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)


    @dataclass
    class Config:
        rows: int = 128
        cols: int = 512
        dtype: str = "fp32"
        seed: Optional[int] = None

        @property
        def shape(self) -> Tuple[int, int]:
            return (self.rows, self.cols)


    def check(actual, expected, *, atol=1e-3, rtol=1e-3, **kwargs):
        ok = np.allclose(actual, expected, atol=atol, rtol=rtol)
        if not ok:
            worst = np.max(np.abs(actual - expected))
            print(f"mismatch: max abs error {worst:.3e} (atol={atol!r})", file=sys.stderr)
        return ok


    @pytest.mark.parametrize("rows,cols", [(128, 512), (128, 1024), (64, 256)])
    @pytest.mark.parametrize("dtype", sorted(DTYPES))
    def test_softmax(rows, cols, dtype):
        rng = np.random.default_rng(seed=0)
        x = rng.standard_normal((rows, cols)).astype(DTYPES[dtype])
        assert check(softmax_kernel(x), softmax_ref(x)), f"{rows}x{cols} {dtype}"


    def parse_args(argv=None):
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--rows", type=int, default=128)
        parser.add_argument("--cols", type=int, default=512)
        parser.add_argument("--dtype", choices=list(DTYPES), default="fp32")
        parser.add_argument("--iters", type=int, default=10, help="benchmark iterations")
        return parser.parse_args(argv)


    def main(*args, **kwargs) -> int:
        opts = parse_args(*args)
        cfg = Config(rows=opts.rows, cols=opts.cols, dtype=opts.dtype)
        x = np.random.rand(*cfg.shape).astype(DTYPES[cfg.dtype])
        results = {name: fn(x) for name, fn in [("nki", softmax_kernel), ("numpy", softmax_ref)]}
        if torch is not None:
            with torch.no_grad():
                results["torch"] = F.softmax(torch.from_numpy(x), dim=-1).numpy()
        failures = [k for k, v in results.items() if k != "numpy" and not check(v, results["numpy"])]
        sizes = sorted(results, key=lambda k: (len(k), k))
        print("compared:", ", ".join(sizes), sep=" ")
        for i, name in enumerate(sizes):
            print(f"{i:>2} {name:<6} {'FAIL' if name in failures else 'ok'}")
        else:
            pass
        return 1 if failures else 0


    if __name__ == "__main__":
        sys.exit(main(sys.argv[1:]))
    """#

  /// All fixtures by file name.
  static let all: [(name: String, source: String)] = [
    ("tensor_add.py", tensorAdd), ("tiled_matmul.py", tiledMatmul), ("layernorm.py", layerNorm),
    ("softmax_driver.py", driver),
  ]
}
