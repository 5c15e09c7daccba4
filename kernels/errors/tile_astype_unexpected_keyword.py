"""A misspelled keyword of a tile method (`t.astype(dtyp=...)`) is Python's TypeError, never ignored."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def tile_astype_unexpected_keyword(a):
    out = nl.ndarray((128, 64), dtype=nl.bfloat16, buffer=nl.shared_hbm)
    t = nl.load(a)
    nl.store(out, t.astype(dtyp=nl.bfloat16))  # error: TypeError: tensor.astype() got an unexpected keyword argument 'dtyp'
    return out
