"""A mask over nl.arange indices on nc_matmul: a matmul's mask may only name loop indices; mask the operands."""
# args: lhsT: float32[128, 128], rhs: float32[128, 512]

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def matmul_arange_mask(lhsT, rhs):
    result = nl.ndarray((128, 512), dtype=nl.float32, buffer=nl.shared_hbm)
    lhsT_tile = nl.load(lhsT)
    rhs_tile = nl.load(rhs)
    i_f = nl.arange(512)[None, :]
    res_psum = nisa.nc_matmul(lhsT_tile, rhs_tile, mask=(i_f < 100))  # error: unsupported: mask= on nisa.nc_matmul over nl.arange indices (a matmul's mask may only depend on loop indices and program ids; mask the operands instead, e.g. `moving[i_p, i_f][i_f < n]`)
    res_sbuf = nl.copy(res_psum)
    nl.store(result, value=res_sbuf)
    return result
