"""Two tiles of 128 rows stored into a 200-row output."""
# args: x: float32[256, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def store_out_of_bounds(x):
    out = nl.ndarray((200, 64), dtype=x.dtype, buffer=nl.shared_hbm)
    for i in nl.affine_range(2):
        t = nl.load(x[i * 128:(i + 1) * 128, 0:64])
        nl.store(out[i * 128:(i + 1) * 128, 0:64], value=t)  # error: Out-of-bound access for tensor `out` on dimension 0: index range [0, 255] exceed dimension size of 200
    return out
