"""A matmul assigned (=) instead of accumulated (+=) into a PSUM tile shared by the K iterations."""
# args: lhsT: bfloat16[512, 128], rhs: bfloat16[512, 512]

from neuronxcc import nki
import neuronxcc.nki.isa as nisa
import neuronxcc.nki.language as nl


@nki.jit
def dep_psum_overwrite(lhsT, rhs):
    result = nl.ndarray((128, 512), dtype=nl.float32, buffer=nl.shared_hbm)
    res_psum = nl.zeros((128, 512), dtype=nl.float32, buffer=nl.psum)
    for k in nl.affine_range(4):
        lhsT_tile = nl.load(lhsT[k * 128:(k + 1) * 128, 0:128])
        rhs_tile = nl.load(rhs[k * 128:(k + 1) * 128, 0:512])
        res_psum[...] = nisa.nc_matmul(lhsT_tile, rhs_tile)  # error: Unexpected output dependencies: `res_psum[0, 0]` is written by 'nc_matmul' (line 16) in iteration k = 0 and by 'nc_matmul' (line 16) in iteration k = 1 of affine_range `k`; make the iterations touch disjoint elements (index by `k`) or use nl.sequential_range
    res_sbuf = nl.copy(res_psum)
    nl.store(result, value=res_sbuf)
    return result
