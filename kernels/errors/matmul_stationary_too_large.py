"""A matmul whose stationary operand has 256 free elements; the Tensor engine takes at most 128."""
# args: lhsT: bfloat16[128, 256], rhs: bfloat16[128, 512]

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def matmul_stationary_too_large(lhsT, rhs):
    result = nl.ndarray((256, 512), dtype=nl.float32, buffer=nl.shared_hbm)
    lhsT_tile = nl.load(lhsT)
    rhs_tile = nl.load(rhs)
    res = nisa.nc_matmul(stationary=lhsT_tile, moving=rhs_tile)  # error: free size 256 of stationary in 'nc_matmul' exceeds architecture limitation of 128
    res_sbuf = nl.copy(res)
    nl.store(result, value=res_sbuf)
    return result
