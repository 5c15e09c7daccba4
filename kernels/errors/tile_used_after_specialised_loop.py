"""A tile made in a loop body that branches on an outer index, used after that loop ends.

Branching on the index makes Tessel trace the body once per index; the scope rule is the same as
for any loop: declare the tile before the loop and write into it (`t[...] = ...`).
"""
# args: a: float32[512, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def k(a):
    out = nl.ndarray((512, 64), dtype=a.dtype, buffer=nl.shared_hbm)
    for i in nl.affine_range(4):
        for j in nl.affine_range(1):
            if i % 2 == 0:
                t = nl.load(a[i * 128:(i + 1) * 128, :])
            else:
                t = nl.exp(nl.load(a[i * 128:(i + 1) * 128, :]))
        u = nl.add(t, 1.0)  # error: Local variable 't' is referenced outside of its parent scope
        nl.store(out[i * 128:(i + 1) * 128, :], value=u)
    return out
