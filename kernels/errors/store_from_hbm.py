"""nl.store of an HBM tensor: the value must be an SBUF or PSUM tile."""
# args: a: float32[128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def store_from_hbm(a):
    out = nl.ndarray((128, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    nl.store(out, value=a)  # error: Expected operand 'value' of 'store' to be in address space 'sbuf|psum', but got a tile in 'hbm' instead
    return out
