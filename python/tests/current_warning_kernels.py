"""A current-dialect kernel whose trace warns, for the bridge's warning tests (``# line: NAME``
marks the line the warning must name)."""

import nki
import nki.isa as nisa
import nki.language as nl


@nki.jit
def copy_with_dtype(a):
    """Copies ``a`` through SBUF with ``tensor_copy(dtype=...)``, which NKI 0.6 does not take: the
    trace warns that the destination's dtype decides."""
    out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
    x = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.sbuf)
    y = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.sbuf)
    nisa.dma_copy(dst=x, src=a)
    nisa.tensor_copy(dst=y, src=x, dtype=a.dtype)  # line: ignored-dtype
    nisa.dma_copy(dst=out, src=y)
    return out
