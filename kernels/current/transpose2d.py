"""Transposes a bf16 [rows, cols] tensor (rows, cols <= 128) with a DMA transpose (current NKI dialect)."""
import nki
import nki.isa as nisa
import nki.language as nl


@nki.jit
def transpose2d_kernel(x):
    rows, cols = x.shape
    out = nl.ndarray((cols, rows), dtype=x.dtype, buffer=nl.shared_hbm)
    t = nl.ndarray((cols, rows), dtype=x.dtype, buffer=nl.sbuf)
    nisa.dma_transpose(dst=t, src=x)
    nisa.dma_copy(dst=out, src=t)
    return out
