"""A tile declared inside a loop and used after it: the body was traced once (NKI's scope error)."""
# args: a: float32[512, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def k(a):
    out = nl.ndarray((128, 64), dtype=a.dtype, buffer=nl.shared_hbm)
    for i in nl.affine_range(4):
        t = nl.load(a[i * 128:(i + 1) * 128, 0:64])
    nl.store(out, value=t)  # error: Local variable 't' is referenced outside of its parent scope
    return out
