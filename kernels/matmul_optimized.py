"""Large matrix multiplication blocked on all three dimensions.

Computes result = lhsT.T @ rhs for HBM tensors lhsT [K, M] and rhs [K, N] (float32 or
bfloat16; result [M, N] in lhsT's dtype). Blocks are TILES_IN_BLOCK_K * 128 rows of K,
TILES_IN_BLOCK_M * 128 columns of M and TILES_IN_BLOCK_N * 512 columns of N; each dimension
must be a multiple of its block.

Loop structure, outermost first:
  n  (N blocks, affine)       an SBUF accumulator holds the whole [M, BLOCK_N] result strip
  k  (K blocks, SEQUENTIAL)   every K block adds into that accumulator, so iterations depend
                              on each other and must run in order: nl.sequential_range
  m  (M blocks, affine)       load the [BLOCK_K, BLOCK_M] block of lhsT
  bn, bm (tiles, affine)      one PSUM tile accumulates the TILES_IN_BLOCK_K products of this
                              K block, then is added to the SBUF accumulator
The rhs block [BLOCK_K, BLOCK_N] is loaded once per (n, k) and reused for every M block.
Accumulation is fp32 throughout (PSUM, then the SBUF accumulator); the result is cast to the
output dtype once, when each 128-row strip is stored.

Entry point: matmul_optimized_kernel(lhsT, rhs, TILES_IN_BLOCK_M=2, TILES_IN_BLOCK_N=2,
TILES_IN_BLOCK_K=2) -> result (shared HBM). Block sizes are compile-time constants; the
defaults keep test shapes small (M, K multiples of 256, N a multiple of 1024).
"""
# reference: referenceMatmul(transposedA:_:m:k:n:)

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def matmul_optimized_kernel(lhsT, rhs, TILES_IN_BLOCK_M=2, TILES_IN_BLOCK_N=2,
                            TILES_IN_BLOCK_K=2):
    K, M = lhsT.shape
    K_rhs, N = rhs.shape
    assert K == K_rhs, "lhsT and rhs must share the contraction dimension"

    TILE_K = nl.tile_size.pmax                  # 128
    TILE_M = nl.tile_size.gemm_stationary_fmax  # 128
    TILE_N = nl.tile_size.gemm_moving_fmax      # 512
    BLOCK_K = TILE_K * TILES_IN_BLOCK_K
    BLOCK_M = TILE_M * TILES_IN_BLOCK_M
    BLOCK_N = TILE_N * TILES_IN_BLOCK_N
    assert K % BLOCK_K == 0 and M % BLOCK_M == 0 and N % BLOCK_N == 0
    m_tiles = M // TILE_M

    result = nl.ndarray((M, N), dtype=lhsT.dtype, buffer=nl.shared_hbm)

    i_k = nl.arange(TILE_K)[:, None]        # partition index of an input tile
    i_p = nl.arange(TILE_M)[:, None]        # partition index of an output tile
    i_block_m = nl.arange(BLOCK_M)[None, :]
    i_block_n = nl.arange(BLOCK_N)[None, :]
    i_m = nl.arange(TILE_M)[None, :]
    i_n = nl.arange(TILE_N)[None, :]

    for n in nl.affine_range(N // BLOCK_N):
        # acc[i_p, t, f] = result[t * 128 + i_p, n * BLOCK_N + f], in fp32.
        acc = nl.zeros((nl.par_dim(TILE_M), m_tiles, BLOCK_N), dtype=nl.float32,
                       buffer=nl.sbuf)

        for k in nl.sequential_range(K // BLOCK_K):
            rhs_block = nl.ndarray((nl.par_dim(TILE_K), TILES_IN_BLOCK_K, BLOCK_N),
                                   dtype=rhs.dtype, buffer=nl.sbuf)
            for bk in nl.affine_range(TILES_IN_BLOCK_K):
                rhs_block[i_k, bk, i_block_n] = nl.load(
                    rhs[(k * TILES_IN_BLOCK_K + bk) * TILE_K + i_k, n * BLOCK_N + i_block_n])

            for m in nl.affine_range(M // BLOCK_M):
                lhsT_block = nl.ndarray((nl.par_dim(TILE_K), TILES_IN_BLOCK_K, BLOCK_M),
                                        dtype=lhsT.dtype, buffer=nl.sbuf)
                for bk in nl.affine_range(TILES_IN_BLOCK_K):
                    lhsT_block[i_k, bk, i_block_m] = nl.load(
                        lhsT[(k * TILES_IN_BLOCK_K + bk) * TILE_K + i_k, m * BLOCK_M + i_block_m])

                for bn in nl.affine_range(TILES_IN_BLOCK_N):
                    for bm in nl.affine_range(TILES_IN_BLOCK_M):
                        res_psum = nl.zeros((TILE_M, TILE_N), dtype=nl.float32, buffer=nl.psum)
                        for bk in nl.affine_range(TILES_IN_BLOCK_K):
                            res_psum += nisa.nc_matmul(
                                stationary=lhsT_block[i_k, bk, bm * TILE_M + i_m],
                                moving=rhs_block[i_k, bk, bn * TILE_N + i_n])

                        # Add this K block's contribution to the running fp32 sum.
                        t = m * TILES_IN_BLOCK_M + bm
                        acc[i_p, t, bn * TILE_N + i_n] = nl.add(
                            acc[i_p, t, bn * TILE_N + i_n], res_psum)

        # Store the finished strip, one 128-row tile at a time, as wide [128, BLOCK_N] DMAs.
        for t in nl.affine_range(m_tiles):
            out_tile = nl.copy(acc[i_p, t, i_block_n], dtype=result.dtype)
            nl.store(result[t * TILE_M + i_p, n * BLOCK_N + i_block_n], value=out_tile)

    return result
