"""Returning an SBUF tile instead of an HBM tensor."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    t = nl.load(a)
    return t  # error: Expected operand 'return value' of 'return' to be in address space 'hbm', but got a tile in 'sbuf' instead
