"""A single-tile matrix multiplication on the Tensor Engine.

Computes result = lhsT.T @ rhs. lhsT is an HBM tensor [K, M] (the left operand already
transposed, so the contraction dimension K is the partition axis of both operands), rhs is
[K, N]. Limits of one Tensor Engine instruction: K <= 128 (partitions), M <= 128 (stationary
free size), N <= 512 (moving free size, one PSUM bank of fp32). The tutorial size is
K = 128, M = 64, N = 512. Inputs float32 or bfloat16; the result [M, N] has lhsT's dtype.

Entry point: matmul_basic_kernel(lhsT, rhs) -> result (shared HBM).
"""
# reference: referenceMatmul(transposedA:_:m:k:n:)

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def matmul_basic_kernel(lhsT, rhs):
    K, M = lhsT.shape
    K_rhs, N = rhs.shape
    assert K == K_rhs, "lhsT and rhs must share the contraction dimension"
    assert K <= nl.tile_size.pmax, "K must fit the 128 partitions"
    assert M <= nl.tile_size.gemm_stationary_fmax, "M must be at most 128"
    assert N <= nl.tile_size.gemm_moving_fmax, "N must be at most 512"
    result = nl.ndarray((M, N), dtype=lhsT.dtype, buffer=nl.shared_hbm)

    # Both operands keep K on the partition axis.
    i_k, i_m = nl.mgrid[0:K, 0:M]
    j_k, j_n = nl.mgrid[0:K, 0:N]
    lhsT_tile = nl.load(lhsT[i_k, i_m])
    rhs_tile = nl.load(rhs[j_k, j_n])

    # transpose_x=True says the left operand is already [K, M]: the product is
    # lhsT_tile.T @ rhs_tile, accumulated in fp32 in PSUM.
    result_psum = nl.matmul(lhsT_tile, rhs_tile, transpose_x=True)

    # PSUM -> SBUF (casting to the output dtype) -> HBM.
    result_sbuf = nl.copy(result_psum, dtype=result.dtype)
    o_m, o_n = nl.mgrid[0:M, 0:N]
    nl.store(result[o_m, o_n], value=result_sbuf)
    return result


if __name__ == "__main__":
    # NumPy driver for the real toolchain (CPU simulation); Tessel never runs this block.
    import numpy as np

    lhsT = np.random.rand(128, 64).astype(np.float32)
    rhs = np.random.rand(128, 512).astype(np.float32)
    out = nki.simulate_kernel(matmul_basic_kernel, lhsT, rhs)
    assert np.allclose(out, lhsT.T @ rhs, rtol=1e-4, atol=1e-4)
    print("matmul_basic_kernel matches NumPy")
