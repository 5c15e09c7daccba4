"""The fused Vector-engine instructions: (x * 2) + y, and each row's largest |x|."""

import nki
import nki.isa as nisa
import nki.language as nl


@nki.jit
def fused_vector(x, y):
    rows, cols = x.shape
    out = nl.ndarray((rows, cols), dtype=x.dtype, buffer=nl.shared_hbm)
    row_max = nl.ndarray((rows, 1), dtype=x.dtype, buffer=nl.shared_hbm)
    a = nl.ndarray((rows, cols), dtype=x.dtype, buffer=nl.sbuf)
    b = nl.ndarray((rows, cols), dtype=y.dtype, buffer=nl.sbuf)
    # AWS's library kernels pass the DMA mode as its integer value (3: nisa.dge_mode.none).
    nisa.dma_copy(dst=a, src=x, dge_mode=3)
    nisa.dma_copy(dst=b, src=y, dge_mode=nisa.dge_mode.none)
    s = nl.ndarray((rows, cols), dtype=x.dtype, buffer=nl.sbuf)
    nisa.scalar_tensor_tensor(dst=s, data=a, op0=nl.multiply, operand0=2.0, op1=nl.add, operand1=b)
    absolute = nl.ndarray((rows, cols), dtype=x.dtype, buffer=nl.sbuf)
    m = nl.ndarray((rows, 1), dtype=x.dtype, buffer=nl.sbuf)
    nisa.tensor_scalar_reduce(absolute, a, nl.abs, 0.0, nl.maximum, m)
    nisa.dma_copy(dst=out, src=s)
    nisa.dma_copy(dst=row_max, src=m)
    return out, row_max
