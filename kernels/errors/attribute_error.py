"""An attribute tiles do not have."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    n = a.numel  # error: AttributeError: tile has no attribute 'numel'
    return a
