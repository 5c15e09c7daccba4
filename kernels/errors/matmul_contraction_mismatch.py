"""Stationary has 64 partitions and moving 128: the contraction axis is the partition axis of both."""
# args: lhsT: bfloat16[64, 128], rhs: bfloat16[128, 512]

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def matmul_contraction_mismatch(lhsT, rhs):
    result = nl.ndarray((128, 512), dtype=nl.float32, buffer=nl.shared_hbm)
    lhsT_tile = nl.load(lhsT)
    rhs_tile = nl.load(rhs)
    res = nisa.nc_matmul(lhsT_tile, rhs_tile)  # error: contraction dimension mismatch in 'nc_matmul': stationary has 64 partitions, moving has 128; the contraction axis must be the partition dimension of both operands
    res_sbuf = nl.copy(res)
    nl.store(result, value=res_sbuf)
    return result
