"""An if on an affine_range index: the body is traced once, so the condition cannot be decided."""
# args: a: float32[256, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    out = nl.ndarray((256, 64), dtype=a.dtype, buffer=nl.shared_hbm)
    for i in nl.affine_range(2):
        if i == 0:  # error: unsupported: dynamic control-flow depending on a loop index or program id (the body is traced once); use nl.static_range to unroll
            t = nl.load(a[0:128, 0:64])
            nl.store(out[0:128, 0:64], value=t)
    return out
