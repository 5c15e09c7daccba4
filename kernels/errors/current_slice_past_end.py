"""A current-dialect slice whose negative start lies before the tensor's start: not clamped."""
# args: a: float32[128, 64]

import nki
import nki.language as nl
import nki.isa as nisa


@nki.jit
def k(a):
    out = nl.ndarray((128, 32), dtype=a.dtype, buffer=nl.shared_hbm)
    t = nl.ndarray((128, 32), dtype=a.dtype, buffer=nl.sbuf)
    nisa.dma_copy(dst=t, src=a[:, -96:-64])  # error: Out-of-bound access for tensor `a` on dimension 1: index range [-32, -1] exceed dimension size of 64
    nisa.dma_copy(dst=out, src=t)
    return out
