"""A keyword nl.exp does not take."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    t = nl.load(a)
    u = nl.exp(t, axis=1)  # error: TypeError: nl.exp() got an unexpected keyword argument 'axis'
    return a
