"""A misspelled keyword of an ISA call (`sclae=` for `scale=`): Python's TypeError, never ignored."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    t = nl.load(a)
    u = nisa.activation(op=nl.exp, data=t, sclae=2.0)  # error: TypeError: nisa.activation() got an unexpected keyword argument 'sclae'
    nl.store(out, u)
    return out
