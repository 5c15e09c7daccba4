"""An nisa instruction Tessel does not implement yet."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    t = nl.load(a)
    u = nisa.max8(src=t)  # error: unsupported: nisa.max8
    return a
