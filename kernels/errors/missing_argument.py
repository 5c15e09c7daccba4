"""nl.load without its source."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    t = nl.load()  # error: TypeError: nl.load() missing 1 required positional argument: 'src'
    return a
