"""32 tiles of 128 rows read rows 0..4095 of a 4000-row tensor."""
# args: x: float32[4000, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def load_out_of_bounds(x):
    out = nl.ndarray((4000, 512), dtype=x.dtype, buffer=nl.shared_hbm)
    i_p = nl.arange(128)[:, None]
    i_f = nl.arange(512)[None, :]
    for i in nl.affine_range(32):
        t = nl.load(x[i * 128 + i_p, i_f])  # error: Out-of-bound access for tensor `x` on dimension 0: index range [0, 4095] exceed dimension size of 4000
        nl.store(out[i * 128 + i_p, i_f], value=t, mask=(i * 128 + i_p < 4000))
    return out
