"""A file in the current NKI dialect (`import nki`): refused, never run with the legacy dialect's meaning."""
# args: a: float32[128, 64]

import nki  # error: unsupported: the current NKI dialect (`import nki`, NKI 0.3 and later); Tessel runs the legacy `neuronxcc.nki` dialect, and will not run this file with legacy meaning
import nki.language as nl
import nki.isa as nisa


@nki.jit
def k(a):
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    t = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.sbuf)
    nisa.dma_copy(dst=t, src=a)
    nisa.dma_copy(dst=out, src=t)
    return out
