"""A current-dialect nc_matmul whose stationary operand does not fit its PE tile (tile_size)."""
# args: a: float32[128, 64], b: float32[128, 64]

import nki
import nki.language as nl
import nki.isa as nisa


@nki.jit
def k(a, b):
    out = nl.ndarray((64, 64), dtype=a.dtype, buffer=nl.shared_hbm)
    x = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.sbuf)
    y = nl.ndarray(b.shape, dtype=b.dtype, buffer=nl.sbuf)
    nisa.dma_copy(dst=x, src=a)
    nisa.dma_copy(dst=y, src=b)
    p = nl.ndarray((64, 64), dtype=nl.float32, buffer=nl.psum)
    nisa.nc_matmul(p, x, y, tile_position=(0, 0), tile_size=(128, 32))  # error: ValueError: nc_matmul() stationary [128, 64] does not fit its PE tile of tile_size=[128, 32] (contraction rows, output columns)
    r = nl.ndarray((64, 64), dtype=nl.float32, buffer=nl.sbuf)
    nisa.tensor_copy(dst=r, src=p)
    nisa.dma_copy(dst=out, src=r)
    return out
