"""A subscript mixing a slice with an nl.arange index."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    i_p = nl.arange(128)[:, None]
    t = nl.load(a[i_p, 0:64])  # error: IndexError: Mixing basic tensor indexing and advanced tensor indexing is not supported
    return a
