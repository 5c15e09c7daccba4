"""A matmul of int8 tiles: the Tensor engine multiplies only floating-point operands."""
# args: lhsT: int8[128, 128], rhs: int8[128, 512]

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def matmul_int_operands(lhsT, rhs):
    result = nl.ndarray((128, 512), dtype=nl.float32, buffer=nl.shared_hbm)
    lhsT_tile = nl.load(lhsT)
    rhs_tile = nl.load(rhs)
    res = nisa.nc_matmul(lhsT_tile, rhs_tile)  # error: invalid dtype int8 for operand 'stationary' of 'nc_matmul': the Tensor engine multiplies fp8, bf16, fp16, tf32 or fp32
    res_sbuf = nl.copy(res)
    nl.store(result, value=res_sbuf)
    return result
