"""A mask over nl.arange indices on nl.load_transpose2d: only a mask on loop indices (the whole load) is modelled."""
# args: x: float32[16, 5]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def load_transpose2d_grid_mask(x):
    out = nl.ndarray((5, 16), dtype=x.dtype, buffer=nl.shared_hbm)
    i_r = nl.arange(16)[:, None]
    i_f = nl.arange(5)[None, :]
    t = nl.load_transpose2d(x[i_r, i_f], mask=(i_f < 3))  # error: unsupported: mask= over nl.arange indices on load_transpose2d (Tessel models a mask on loop indices and program ids here, which predicates the whole load)
    nl.store(out, t)
    return out
