"""A mask over nl.arange indices on a square nc_matmul: its extent is both the output's rows and its columns."""
# args: lhsT: float32[128, 128], rhs: float32[128, 128]

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def matmul_arange_mask(lhsT, rhs):
    result = nl.ndarray((128, 128), dtype=nl.float32, buffer=nl.shared_hbm)
    lhsT_tile = nl.load(lhsT)
    rhs_tile = nl.load(rhs)
    i_f = nl.arange(128)[None, :]
    res_psum = nisa.nc_matmul(lhsT_tile, rhs_tile, mask=(i_f < 100))  # error: unsupported: mask= on nisa.nc_matmul over nl.arange indices of extent 128: the output is [128, 128], so it could mask its rows or its columns (mask the operands instead, e.g. `moving[i_p, i_f][i_f < n]`, or a loop index)
    res_sbuf = nl.copy(res_psum)
    nl.store(result, value=res_sbuf)
    return result
