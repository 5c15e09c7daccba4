"""A tile[mask] on a matmul operand whose one condition names both its partition axis (the contraction) and its free axis."""
# args: a: float32[8, 6], b: float32[8, 5]

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def matmul_operand_mask_both_axes(a, b):
    out = nl.ndarray((6, 5), dtype=nl.float32, buffer=nl.shared_hbm)
    i_k, i_m = nl.mgrid[0:8, 0:6]
    at = nl.load(a)
    bt = nl.load(b)
    res = nisa.nc_matmul(at[i_k, i_m][i_k + i_m < 8], bt)  # error: unsupported: an operand mask (tile[mask]) that excludes elements of `at`, read as 'stationary' of 'nc_matmul': a condition over both its partition axis (the contraction) and its free axis (the output's rows) selects neither whole contraction rows nor whole output rows; split it into one condition per axis
    nl.store(out, nl.copy(res))
    return out
