"""An argument given both by position and by keyword."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def k(a):
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    t = nl.load(a, src=a)  # error: TypeError: nl.load() got multiple values for argument 'src'
    nl.store(out, t)
    return out
