"""nl.sum over axis 2 of a 2-D tile."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    t = nl.load(a)
    s = nl.sum(t, axis=2)  # error: IndexError: axis 2 is out of bounds for a tile of rank 2
    return a
