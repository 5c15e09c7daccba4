"""The ragged-tile mask tests the input's 300 rows, but the output has 256: the last tile writes rows 256..299."""
# args: x: float32[300, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def masked_store_out_of_bounds(x):
    out = nl.ndarray((256, 64), dtype=x.dtype, buffer=nl.shared_hbm)
    i_p = nl.arange(128)[:, None]
    i_f = nl.arange(64)[None, :]
    for i in nl.affine_range(3):
        rows = i * 128 + i_p
        t = nl.load(x[rows, i_f], mask=(rows < 300))
        nl.store(out[rows, i_f], value=t, mask=(rows < 300))  # error: Out-of-bound access for tensor `out` on dimension 0: index range [256, 299] exceed dimension size of 256
    return out
