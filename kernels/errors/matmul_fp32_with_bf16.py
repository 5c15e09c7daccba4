"""An fp32 stationary operand with a bf16 moving operand: fp32 pairs only with fp32 or tf32."""
# args: lhsT: float32[128, 128], rhs: bfloat16[128, 512]

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def matmul_fp32_with_bf16(lhsT, rhs):
    result = nl.ndarray((128, 512), dtype=nl.float32, buffer=nl.shared_hbm)
    lhsT_tile = nl.load(lhsT)
    rhs_tile = nl.load(rhs)
    res = nisa.nc_matmul(lhsT_tile, rhs_tile)  # error: invalid dtype bfloat16 for operand 'moving' of 'nc_matmul': an fp32 operand must pair with fp32 or tf32 (stationary is float32)
    res_sbuf = nl.copy(res)
    nl.store(result, value=res_sbuf)
    return result
