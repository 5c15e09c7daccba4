"""An if on a tile's value: tensor values are not known at trace time."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    t = nl.load(a)
    if t:  # error: TypeError: dynamic control-flow depending on tensor value is not supported
        pass
    return a
