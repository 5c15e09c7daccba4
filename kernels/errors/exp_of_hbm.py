"""nl.exp applied to an HBM tensor: compute engines read only SBUF and PSUM; load it first."""
# args: a: float32[128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def exp_of_hbm(a):
    out = nl.ndarray((128, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    y = nl.exp(a)  # error: Expected operand 'data' of 'activation' to be in address space 'psum|sbuf', but got a tile in 'hbm' instead
    nl.store(out, value=y)
    return out
