"""nl.matmul needs its PSUM accumulator in fp32 on trn2: a bf16 PSUM tile += matmul."""
# args: a: bfloat16[128, 128], b: bfloat16[128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a, b):
    out = nl.ndarray((128, 512), dtype=nl.float32, buffer=nl.shared_hbm)
    x = nl.load(a)
    y = nl.load(b)
    acc = nl.zeros((128, 512), dtype=nl.bfloat16, buffer=nl.psum)
    acc += nisa.nc_matmul(x, y)  # error: invalid dtype bfloat16 for operand 'dst' of 'nc_matmul': nc_matmul dst dtype must be float32 on gen3
    nl.store(out, value=acc)
    return out
