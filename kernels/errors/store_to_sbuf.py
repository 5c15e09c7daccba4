"""nl.store into an SBUF tile: store writes HBM; assign (t[...] = x) to copy between tiles."""
# args: a: float32[128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def store_to_sbuf(a):
    out = nl.ndarray((128, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    t = nl.load(a)
    u = nl.ndarray((128, 512), dtype=nl.float32, buffer=nl.sbuf)
    nl.store(u, value=t)  # error: Expected operand 'dst' of 'store' to be in address space 'hbm', but got a tile in 'sbuf' instead
    nl.store(out, value=u)
    return out
