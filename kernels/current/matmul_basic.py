"""One matrix multiplication tile, result = lhsT.T @ rhs (current NKI dialect).

lhsT is [K, M] and rhs is [K, N] with K <= 128 (the contraction runs over the partitions of both
operands), M <= 128 and N <= 512. Entry point: matmul_basic_kernel(lhsT, rhs) -> [M, N].
# reference: referenceMatmul(transposedA:_:m:k:n:)
"""
import nki
import nki.isa as nisa
import nki.language as nl


@nki.jit
def matmul_basic_kernel(lhsT, rhs):
    k_dim, m_dim = lhsT.shape
    k_rhs, n_dim = rhs.shape
    assert k_dim == k_rhs, f"contraction sizes differ: lhsT has {k_dim}, rhs has {k_rhs}"
    assert k_dim <= nl.tile_size.pmax, f"K = {k_dim} does not fit the {nl.tile_size.pmax} partitions"
    assert m_dim <= nl.tile_size.gemm_stationary_fmax, f"M = {m_dim} is too wide for the stationary operand"
    assert n_dim <= nl.tile_size.gemm_moving_fmax, f"N = {n_dim} is too wide for the moving operand"
    result = nl.ndarray((m_dim, n_dim), dtype=lhsT.dtype, buffer=nl.shared_hbm)

    stationary = nl.ndarray((k_dim, m_dim), dtype=lhsT.dtype, buffer=nl.sbuf)
    moving = nl.ndarray((k_dim, n_dim), dtype=rhs.dtype, buffer=nl.sbuf)
    nisa.dma_copy(dst=stationary, src=lhsT)
    nisa.dma_copy(dst=moving, src=rhs)

    # The Tensor engine writes fp32 into PSUM; a fresh PSUM tile is overwritten by the first matmul.
    product = nl.ndarray((m_dim, n_dim), dtype=nl.float32, buffer=nl.psum)
    nisa.nc_matmul(dst=product, stationary=stationary, moving=moving)

    out_tile = nl.ndarray((m_dim, n_dim), dtype=result.dtype, buffer=nl.sbuf)
    nisa.tensor_copy(dst=out_tile, src=product)
    nisa.dma_copy(dst=result, src=out_tile)
    return result
