"""nl.transpose of a 3-D tile: only 2-D tiles transpose."""
# args: a: float32[16, 4, 8]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    t = nl.load(a)
    u = nl.transpose(t)  # error: exceed max supported number of dimensions of 2
    return a
