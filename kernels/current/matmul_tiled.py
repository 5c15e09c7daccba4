"""A tiled matrix multiplication, result = lhsT.T @ rhs (current NKI dialect).

The PSUM tile of each output block is a fresh nl.ndarray: the first nc_matmul into it overwrites,
the following ones over the contraction tiles accumulate.
"""
import nki
import nki.isa as nisa
import nki.language as nl


@nki.jit
def matmul_tiled_kernel(lhsT, rhs):
    k_dim, m_dim = lhsT.shape
    k_dim2, n_dim = rhs.shape
    assert k_dim == k_dim2, "the contraction dimension must match"
    tile_m, tile_k, tile_n = 128, 128, 512
    result = nl.ndarray((m_dim, n_dim), dtype=lhsT.dtype, buffer=nl.shared_hbm)
    for m in nl.affine_range(m_dim // tile_m):
        for n in nl.affine_range(n_dim // tile_n):
            acc = nl.ndarray((tile_m, tile_n), dtype=nl.float32, buffer=nl.psum)
            for k in nl.sequential_range(k_dim // tile_k):
                stationary = nl.ndarray((tile_k, tile_m), dtype=lhsT.dtype, buffer=nl.sbuf)
                moving = nl.ndarray((tile_k, tile_n), dtype=rhs.dtype, buffer=nl.sbuf)
                nisa.dma_copy(stationary, lhsT[k * tile_k:(k + 1) * tile_k, m * tile_m:(m + 1) * tile_m])
                nisa.dma_copy(moving, rhs[k * tile_k:(k + 1) * tile_k, n * tile_n:(n + 1) * tile_n])
                nisa.nc_matmul(acc, stationary, moving)
            out_tile = nl.ndarray((tile_m, tile_n), dtype=lhsT.dtype, buffer=nl.sbuf)
            nisa.tensor_copy(out_tile, acc)
            nisa.dma_copy(result[m * tile_m:(m + 1) * tile_m, n * tile_n:(n + 1) * tile_n], out_tile)
    return result
