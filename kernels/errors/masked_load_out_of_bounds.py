"""A mask (i_p < 120) that still reaches past the 100 rows of the input."""
# args: x: float32[100, 8]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def masked_load_out_of_bounds(x):
    out = nl.ndarray((100, 8), dtype=x.dtype, buffer=nl.shared_hbm)
    i_p = nl.arange(128)[:, None]
    i_f = nl.arange(8)[None, :]
    t = nl.load(x[i_p, i_f], mask=(i_p < 120))  # error: Out-of-bound access for tensor `x` on dimension 0: index range [0, 119] exceed dimension size of 100
    nl.store(out[i_p, i_f], value=t, mask=(i_p < 100))
    return out
