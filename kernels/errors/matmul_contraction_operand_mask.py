"""A tile[mask] on a matmul operand's partition axis: it would mask the contraction, which operand masking does not do."""
# args: a: float32[8, 6], b: float32[8, 5]

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def matmul_contraction_operand_mask(a, b):
    out = nl.ndarray((6, 5), dtype=nl.float32, buffer=nl.shared_hbm)
    i_k, i_m = nl.mgrid[0:8, 0:6]
    at = nl.load(a)
    bt = nl.load(b)
    res = nisa.nc_matmul(at[i_k, i_m][i_k < 3], bt)  # error: unsupported: an operand mask (tile[mask]) that excludes elements of `at`, read as 'stationary' of 'nc_matmul': it masks the operand's partition axis, the matmul's contraction; NKI's operand masking of a matmul masks an operand's free axis (the output's rows for 'stationary')
    nl.store(out, nl.copy(res))
    return out
