"""The 8 largest values of each row of a [rows, cols] float32 tensor (rows <= 128, 8 <= cols <= 16384),
with their column indices (current NKI dialect)."""
import nki
import nki.isa as nisa
import nki.language as nl


@nki.jit
def top8_kernel(x):
    rows, cols = x.shape
    values = nl.ndarray((rows, 8), dtype=nl.float32, buffer=nl.shared_hbm)
    indices = nl.ndarray((rows, 8), dtype=nl.uint32, buffer=nl.shared_hbm)
    t = nl.ndarray((rows, cols), dtype=nl.float32, buffer=nl.sbuf)
    nisa.dma_copy(t, x)
    top = nl.ndarray((rows, 8), dtype=nl.float32, buffer=nl.sbuf)
    nisa.max8(top, t)
    idx = nl.ndarray((rows, 8), dtype=nl.uint32, buffer=nl.sbuf)
    nisa.nc_find_index8(idx, t, top)
    nisa.dma_copy(values, top)
    nisa.dma_copy(indices, idx)
    return values, indices
