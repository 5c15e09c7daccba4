"""A matmul whose moving operand has 1024 free elements; the Tensor engine takes at most 512."""
# args: lhsT: bfloat16[128, 128], rhs: bfloat16[128, 1024]

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def matmul_moving_too_large(lhsT, rhs):
    result = nl.ndarray((128, 1024), dtype=nl.float32, buffer=nl.shared_hbm)
    lhsT_tile = nl.load(lhsT)
    rhs_tile = nl.load(rhs)
    res = nisa.nc_matmul(stationary=lhsT_tile, moving=rhs_tile)  # error: free size 1024 of moving in 'nc_matmul' exceeds architecture limitation of 512
    res_sbuf = nl.copy(res)
    nl.store(result, value=res_sbuf)
    return result
