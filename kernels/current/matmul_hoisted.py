"""A tiled matrix multiplication with the operand loads hoisted out of the inner loops (current NKI dialect).

result = lhsT.T @ rhs for lhsT [K, M] and rhs [K, N], K and M multiples of 128, N a multiple of
512. Each 128-column strip of lhsT is loaded once per m into a [128, K/128, 128] tile, each
512-column strip of rhs once per (m, n) into a [128, K/128, 512] tile; the contraction loop then
only multiplies. Entry point: matmul_hoisted_kernel(lhsT, rhs) -> [M, N].
# reference: referenceMatmul(transposedA:_:m:k:n:)
"""
import nki
import nki.isa as nisa
import nki.language as nl


@nki.jit
def matmul_hoisted_kernel(lhsT, rhs):
    k_dim, m_dim = lhsT.shape
    k_rhs, n_dim = rhs.shape
    assert k_dim == k_rhs, f"contraction sizes differ: lhsT has {k_dim}, rhs has {k_rhs}"
    tile_k = nl.tile_size.pmax
    tile_m = nl.tile_size.gemm_stationary_fmax
    tile_n = nl.tile_size.gemm_moving_fmax
    assert k_dim % tile_k == 0 and m_dim % tile_m == 0 and n_dim % tile_n == 0, "K, M need multiples of 128, N of 512"
    k_tiles = k_dim // tile_k
    result = nl.ndarray((m_dim, n_dim), dtype=lhsT.dtype, buffer=nl.shared_hbm)

    for m in nl.affine_range(m_dim // tile_m):
        lhs_strip = nl.ndarray((tile_k, k_tiles, tile_m), dtype=lhsT.dtype, buffer=nl.sbuf)
        for k in nl.affine_range(k_tiles):
            nisa.dma_copy(dst=lhs_strip[:, k, :], src=lhsT[k * tile_k:(k + 1) * tile_k, m * tile_m:(m + 1) * tile_m])

        for n in nl.affine_range(n_dim // tile_n):
            rhs_strip = nl.ndarray((tile_k, k_tiles, tile_n), dtype=rhs.dtype, buffer=nl.sbuf)
            for k in nl.affine_range(k_tiles):
                nisa.dma_copy(
                    dst=rhs_strip[:, k, :], src=rhs[k * tile_k:(k + 1) * tile_k, n * tile_n:(n + 1) * tile_n])

            acc = nl.ndarray((tile_m, tile_n), dtype=nl.float32, buffer=nl.psum)
            for k in nl.sequential_range(k_tiles):
                nisa.nc_matmul(acc, lhs_strip[:, k, :], rhs_strip[:, k, :])

            out_tile = nl.ndarray((tile_m, tile_n), dtype=result.dtype, buffer=nl.sbuf)
            nisa.tensor_copy(out_tile, acc)
            nisa.dma_copy(dst=result[m * tile_m:(m + 1) * tile_m, n * tile_n:(n + 1) * tile_n], src=out_tile)
    return result
