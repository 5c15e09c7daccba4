"""A tile rebound in a Python `range` loop (NKI runs it as nl.sequential_range): out of scope after the loop.

Accumulate into a tile declared before the loop instead: `m[...] = nl.maximum(m, t)`.
"""
# args: a: float32[512, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def k(a):
    out = nl.ndarray((128, 64), dtype=a.dtype, buffer=nl.shared_hbm)
    m = nl.load(a[0:128, :])
    for i in range(1, 4):
        t = nl.load(a[i * 128:(i + 1) * 128, :])
        m = nl.maximum(m, t)
    nl.store(out, value=m)  # error: Local variable 'm' is referenced outside of its parent scope
    return out
