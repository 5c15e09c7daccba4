"""broadcast_to a shape the tile cannot be broadcast to."""
# args: a: float32[4, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    t = nl.load(a)
    u = nl.broadcast_to(t, shape=(128, 64))  # error: shape mismatch in parameters (src[4, 64], shape[128, 64]) of 'broadcast_to'
    return a
