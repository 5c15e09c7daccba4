"""Matrix multiplication with the free dimensions (M and N) blocked.

Computes result = lhsT.T @ rhs for HBM tensors lhsT [K, M] and rhs [K, N] (float32 or
bfloat16; result [M, N] in lhsT's dtype). M is split into blocks of TILES_IN_BLOCK_M * 128
columns and N into blocks of TILES_IN_BLOCK_N * 512 columns; K must be a multiple of 128, M of
BLOCK_M and N of BLOCK_N. For each (M block, N block) the kernel loads the whole K extent of
both blocks into SBUF with wide DMAs (one per K tile, BLOCK_M or BLOCK_N elements wide), then
computes every 128 x 512 output tile of the block from those resident inputs, accumulating
over K in PSUM.

SBUF layout is partition-first: block[i_k, k, f] holds row k * 128 + i_k of the strip, so a
K tile is block[i_k, k, <range of f>] (an arange on the partition axis, a loop index on the
first free axis, an arange on the last).

Entry point: matmul_block_free_kernel(lhsT, rhs, TILES_IN_BLOCK_M=2, TILES_IN_BLOCK_N=2)
-> result (shared HBM). The two block sizes are compile-time constants.
"""
# reference: referenceMatmul(transposedA:_:m:k:n:)

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def matmul_block_free_kernel(lhsT, rhs, TILES_IN_BLOCK_M=2, TILES_IN_BLOCK_N=2):
    K, M = lhsT.shape
    K_rhs, N = rhs.shape
    assert K == K_rhs, "lhsT and rhs must share the contraction dimension"

    TILE_K = nl.tile_size.pmax                  # 128
    TILE_M = nl.tile_size.gemm_stationary_fmax  # 128
    TILE_N = nl.tile_size.gemm_moving_fmax      # 512
    BLOCK_M = TILE_M * TILES_IN_BLOCK_M
    BLOCK_N = TILE_N * TILES_IN_BLOCK_N
    assert K % TILE_K == 0 and M % BLOCK_M == 0 and N % BLOCK_N == 0
    k_tiles = K // TILE_K

    result = nl.ndarray((M, N), dtype=lhsT.dtype, buffer=nl.shared_hbm)

    i_k = nl.arange(TILE_K)[:, None]
    i_block_m = nl.arange(BLOCK_M)[None, :]
    i_block_n = nl.arange(BLOCK_N)[None, :]
    i_m = nl.arange(TILE_M)[None, :]
    i_n = nl.arange(TILE_N)[None, :]
    o_m = nl.arange(TILE_M)[:, None]

    for m in nl.affine_range(M // BLOCK_M):
        lhsT_block = nl.ndarray((nl.par_dim(TILE_K), k_tiles, BLOCK_M), dtype=lhsT.dtype,
                                buffer=nl.sbuf)
        for k in nl.affine_range(k_tiles):
            lhsT_block[i_k, k, i_block_m] = nl.load(lhsT[k * TILE_K + i_k, m * BLOCK_M + i_block_m])

        for n in nl.affine_range(N // BLOCK_N):
            rhs_block = nl.ndarray((nl.par_dim(TILE_K), k_tiles, BLOCK_N), dtype=rhs.dtype,
                                   buffer=nl.sbuf)
            for k in nl.affine_range(k_tiles):
                rhs_block[i_k, k, i_block_n] = nl.load(rhs[k * TILE_K + i_k, n * BLOCK_N + i_block_n])

            for bm in nl.affine_range(TILES_IN_BLOCK_M):
                for bn in nl.affine_range(TILES_IN_BLOCK_N):
                    res_psum = nl.zeros((TILE_M, TILE_N), dtype=nl.float32, buffer=nl.psum)
                    for k in nl.affine_range(k_tiles):
                        res_psum += nisa.nc_matmul(lhsT_block[i_k, k, bm * TILE_M + i_m],
                                                   rhs_block[i_k, k, bn * TILE_N + i_n])

                    res_sbuf = nl.copy(res_psum, dtype=result.dtype)
                    nl.store(result[m * BLOCK_M + bm * TILE_M + o_m,
                                    n * BLOCK_N + bn * TILE_N + i_n],
                             value=res_sbuf)

    return result
