"""The FP8 double-row matmul mode multiplies fp8 operands only."""
# args: lhsT: bfloat16[128, 2, 128], rhs: bfloat16[128, 2, 512]

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def double_row_bf16(lhsT, rhs):
    result = nl.ndarray((128, 512), dtype=nl.float32, buffer=nl.shared_hbm)
    res_psum = nisa.nc_matmul(nl.load(lhsT), nl.load(rhs), perf_mode='double_row_gen3')  # error: invalid dtype bfloat16 for operand 'stationary' of 'nc_matmul': the double-row mode multiplies fp8 operands
    nl.store(result, value=nl.copy(res_psum))
    return result
