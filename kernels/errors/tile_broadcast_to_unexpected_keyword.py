"""`t.broadcast_to(shape, dtype=...)`: the method takes only a shape; another keyword is a TypeError."""
# args: a: float32[128, 1]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def tile_broadcast_to_unexpected_keyword(a):
    out = nl.ndarray((128, 64), dtype=a.dtype, buffer=nl.shared_hbm)
    t = nl.load(a)
    nl.store(out, t.broadcast_to((128, 64), dtype=nl.float32))  # error: TypeError: tensor.broadcast_to() got an unexpected keyword argument 'dtype'
    return out
