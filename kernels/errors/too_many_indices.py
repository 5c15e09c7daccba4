"""Indexing a 2-D tensor with three indices."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    t = nl.load(a[0:128, 0:64, 0])  # error: IndexError: too many indices for tensor `a`: it has 2 dimensions but 3 were indexed
    return a
