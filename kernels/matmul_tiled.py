"""Tiled matrix multiplication: loop over output tiles, accumulate K tiles in PSUM.

Computes result = lhsT.T @ rhs for HBM tensors lhsT [K, M] and rhs [K, N], with K and M
multiples of 128 and N a multiple of 512 (float32 or bfloat16; the result [M, N] has lhsT's
dtype). Each [128, 512] output tile owns one PSUM accumulator; for every 128-row slice of K the
kernel loads a [128, 128] stationary tile and a [128, 512] moving tile and adds their product
into the accumulator with `res_psum += nisa.nc_matmul(...)` (the first write of an
accumulation group overwrites, later ones add). Every input tile is reloaded for every output
tile that needs it; matmul_hoisted.py removes that waste.

Entry point: matmul_tiled_kernel(lhsT, rhs) -> result (shared HBM).
"""
# reference: referenceMatmul(transposedA:_:m:k:n:)

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def matmul_tiled_kernel(lhsT, rhs):
    K, M = lhsT.shape
    K_rhs, N = rhs.shape
    assert K == K_rhs, "lhsT and rhs must share the contraction dimension"

    TILE_K = nl.tile_size.pmax                  # 128: contraction, on partitions
    TILE_M = nl.tile_size.gemm_stationary_fmax  # 128: stationary free size
    TILE_N = nl.tile_size.gemm_moving_fmax      # 512: moving free size
    assert K % TILE_K == 0 and M % TILE_M == 0 and N % TILE_N == 0

    result = nl.ndarray((M, N), dtype=lhsT.dtype, buffer=nl.shared_hbm)

    for m in nl.affine_range(M // TILE_M):
        for n in nl.affine_range(N // TILE_N):
            res_psum = nl.zeros((TILE_M, TILE_N), dtype=nl.float32, buffer=nl.psum)

            for k in nl.affine_range(K // TILE_K):
                lhsT_tile = nl.load(lhsT[k * TILE_K:(k + 1) * TILE_K,
                                         m * TILE_M:(m + 1) * TILE_M])
                rhs_tile = nl.load(rhs[k * TILE_K:(k + 1) * TILE_K,
                                       n * TILE_N:(n + 1) * TILE_N])
                # stationary.T @ moving, summed over the K tiles in fp32.
                res_psum += nisa.nc_matmul(stationary=lhsT_tile, moving=rhs_tile)

            res_sbuf = nl.copy(res_psum, dtype=result.dtype)
            nl.store(result[m * TILE_M:(m + 1) * TILE_M, n * TILE_N:(n + 1) * TILE_N],
                     value=res_sbuf)

    return result


if __name__ == "__main__":
    # NumPy driver for the real toolchain (CPU simulation); Tessel never runs this block.
    import numpy as np

    lhsT = np.random.rand(256, 256).astype(np.float32)
    rhs = np.random.rand(256, 1024).astype(np.float32)
    out = nki.simulate_kernel(matmul_tiled_kernel, lhsT, rhs)
    assert np.allclose(out, lhsT.T @ rhs, rtol=1e-4, atol=1e-4)
    print("matmul_tiled_kernel matches NumPy")
