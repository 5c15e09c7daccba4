"""A bf16 PSUM accumulator for nc_matmul: before trn3 the destination must be fp32."""
# args: lhsT: bfloat16[128, 128], rhs: bfloat16[128, 512]

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def matmul_bf16_psum_trn2(lhsT, rhs):
    result = nl.ndarray((128, 512), dtype=nl.bfloat16, buffer=nl.shared_hbm)
    lhsT_tile = nl.load(lhsT)
    rhs_tile = nl.load(rhs)
    res_psum = nl.zeros((128, 512), dtype=nl.bfloat16, buffer=nl.psum)
    res_psum += nisa.nc_matmul(stationary=lhsT_tile, moving=rhs_tile)  # error: invalid dtype bfloat16 for operand 'dst' of 'nc_matmul': nc_matmul dst dtype must be float32 on gen3
    res_sbuf = nl.copy(res_psum)
    nl.store(result, value=res_sbuf)
    return result
