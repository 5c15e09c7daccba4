"""`acc = nl.maximum(acc, t)` rebinds acc to a tile of the loop body: after the loop it is out of scope.

Accumulate into a tile declared before the loop instead: `acc[...] = nl.maximum(acc, t)`.
"""
# args: a: float32[512, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def k(a):
    out = nl.ndarray((128, 64), dtype=a.dtype, buffer=nl.shared_hbm)
    acc = nl.full((128, 64), -1e30, dtype=nl.float32)
    for i in nl.sequential_range(4):
        t = nl.load(a[i * 128:(i + 1) * 128, 0:64])
        acc = nl.maximum(acc, t)
    nl.store(out, value=acc)  # error: Local variable 'acc' is referenced outside of its parent scope
    return out
