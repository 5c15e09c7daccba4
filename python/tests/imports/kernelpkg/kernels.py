"""Kernels that need their package (relative import) and ``sys.path`` (``row_ops``)."""

import neuronxcc.nki as nki
import neuronxcc.nki.language as nl
import row_ops

from .tiling import Tiling, tile_count


@nki.jit
def shifted(a, tiling=Tiling()):
    """row_ops.shift(a) = a + 1, over tiles of ``tiling.rows`` rows (the last one masked)."""
    rows, cols = a.shape
    out = nl.ndarray((rows, cols), dtype=a.dtype, buffer=nl.shared_hbm)
    i_p = nl.arange(tiling.rows)[:, None]
    i_f = nl.arange(cols)[None, :]
    for t in nl.affine_range(tile_count(rows, tiling)):
        inside = t * tiling.rows + i_p < rows
        x = nl.load(a[t * tiling.rows + i_p, i_f], mask=inside)
        nl.store(out[t * tiling.rows + i_p, i_f], value=row_ops.shift(x, mask=inside), mask=inside)
    return out
