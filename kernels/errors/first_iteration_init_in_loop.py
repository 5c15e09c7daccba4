"""`m = t` on the first iteration and `m = nl.maximum(m, t)` after it: `m` is a tile of the loop body.

The `if` on the loop index makes Tessel trace the loop once per index, but on hardware it is one
loop whose body tiles are new in every iteration: after the loop `m` is out of scope. Accumulate
into a tile declared before the loop instead: `m[...] = nl.maximum(m, t)`.
"""
# args: a: float32[512, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def k(a):
    out = nl.ndarray((128, 64), dtype=a.dtype, buffer=nl.shared_hbm)
    for i in nl.sequential_range(4):
        t = nl.load(a[i * 128:(i + 1) * 128, :])
        if i == 0:
            m = t
        else:
            m = nl.maximum(m, t)
    nl.store(out, value=m)  # error: Local variable 'm' is referenced outside of its parent scope
    return out
