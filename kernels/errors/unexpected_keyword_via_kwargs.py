"""A misspelled keyword passed through a helper's **kwargs (`keepdim=` for `keepdims=`): the TypeError is at the call that receives it."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl


def row_sum(t, **kw):
    return nl.sum(t, **kw)  # error: TypeError: nl.sum() got an unexpected keyword argument 'keepdim'


@nki.jit
def k(a):
    out = nl.ndarray((128, 1), dtype=a.dtype, buffer=nl.shared_hbm)
    t = nl.load(a)
    s = row_sum(t, axis=1, keepdim=True)
    nl.store(out, value=s)
    return out
