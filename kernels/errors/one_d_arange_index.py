"""Indexing a tensor with a 1-D nl.arange: use [:, None] / [None, :] or nl.mgrid."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    t = nl.load(a[nl.arange(128)])  # error: IndexError: indexing tensor `a` with 1d arange is not supported
    return a
