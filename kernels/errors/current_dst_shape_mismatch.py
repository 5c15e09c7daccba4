"""A current-dialect kernel whose destination and source shapes differ: refused at the call."""
# args: a: float32[128, 64]

import nki
import nki.language as nl
import nki.isa as nisa


@nki.jit
def k(a):
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    t = nl.ndarray((128, 32), dtype=a.dtype, buffer=nl.sbuf)
    nisa.dma_copy(dst=t, src=a)  # error: shape mismatch in parameters (dst[128, 32], src[128, 64]) of 'dma_copy'
    nisa.dma_copy(dst=out, src=t)
    return out
