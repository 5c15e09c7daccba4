"""A trace-time division by zero."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    tiles = a.shape[0] // 0  # error: ZeroDivisionError: integer division or modulo by zero
    return a
