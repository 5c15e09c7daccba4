"""nl.load of an SBUF tile: load moves data from HBM into SBUF."""
# args: a: float32[128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def load_from_sbuf(a):
    out = nl.ndarray((128, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    t = nl.load(a)
    u = nl.load(t)  # error: Expected operand 'src' of 'load' to be in address space 'hbm', but got a tile in 'sbuf' instead
    nl.store(out, value=u)
    return out
