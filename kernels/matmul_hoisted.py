"""Tiled matrix multiplication with the input loads hoisted out of the inner loops.

Computes result = lhsT.T @ rhs for HBM tensors lhsT [K, M] and rhs [K, N], with K and M
multiples of 128 and N a multiple of 512 (float32 or bfloat16; result [M, N] in lhsT's dtype).
Compared with matmul_tiled.py, each column strip of lhsT (all K tiles for one 128-wide slice
of M) is loaded once per m and kept in SBUF, and each strip of rhs once per (m, n), instead of
once per (m, n, k).

The strips use the legacy "block dimension" layout: nl.ndarray((K // 128, nl.par_dim(128),
F)) is a list of K // 128 independent [128, F] tiles, indexed strip[k, i_p, i_f].

Entry point: matmul_hoisted_kernel(lhsT, rhs) -> result (shared HBM).
"""
# reference: referenceMatmul(transposedA:_:m:k:n:)

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def matmul_hoisted_kernel(lhsT, rhs):
    K, M = lhsT.shape
    K_rhs, N = rhs.shape
    assert K == K_rhs, "lhsT and rhs must share the contraction dimension"

    TILE_K = nl.tile_size.pmax                  # 128
    TILE_M = nl.tile_size.gemm_stationary_fmax  # 128
    TILE_N = nl.tile_size.gemm_moving_fmax      # 512
    assert K % TILE_K == 0 and M % TILE_M == 0 and N % TILE_N == 0
    k_tiles = K // TILE_K

    result = nl.ndarray((M, N), dtype=lhsT.dtype, buffer=nl.shared_hbm)

    i_k, i_m = nl.mgrid[0:TILE_K, 0:TILE_M]   # a stationary tile
    j_k, j_n = nl.mgrid[0:TILE_K, 0:TILE_N]   # a moving tile
    o_m, o_n = nl.mgrid[0:TILE_M, 0:TILE_N]   # an output tile

    for m in nl.affine_range(M // TILE_M):
        # Hoisted: every K tile of this column strip of lhsT, loaded once.
        lhsT_strip = nl.ndarray((k_tiles, nl.par_dim(TILE_K), TILE_M), dtype=lhsT.dtype,
                                buffer=nl.sbuf)
        for k in nl.affine_range(k_tiles):
            lhsT_strip[k, i_k, i_m] = nl.load(lhsT[k * TILE_K + i_k, m * TILE_M + i_m])

        for n in nl.affine_range(N // TILE_N):
            rhs_strip = nl.ndarray((k_tiles, nl.par_dim(TILE_K), TILE_N), dtype=rhs.dtype,
                                   buffer=nl.sbuf)
            for k in nl.affine_range(k_tiles):
                rhs_strip[k, j_k, j_n] = nl.load(rhs[k * TILE_K + j_k, n * TILE_N + j_n])

            res_psum = nl.zeros((TILE_M, TILE_N), dtype=nl.float32, buffer=nl.psum)
            for k in nl.affine_range(k_tiles):
                res_psum += nl.matmul(lhsT_strip[k, i_k, i_m], rhs_strip[k, j_k, j_n],
                                      transpose_x=True)

            res_sbuf = nl.copy(res_psum, dtype=result.dtype)
            nl.store(result[m * TILE_M + o_m, n * TILE_N + o_n], value=res_sbuf)

    return result
