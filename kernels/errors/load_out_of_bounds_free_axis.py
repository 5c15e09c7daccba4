"""A load of columns 512..1023 of a tensor with 1000 columns."""
# args: x: float32[128, 1000]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def load_out_of_bounds_free_axis(x):
    out = nl.ndarray((128, 512), dtype=x.dtype, buffer=nl.shared_hbm)
    i_p = nl.arange(128)[:, None]
    i_f = nl.arange(512)[None, :]
    t = nl.load(x[i_p, 512 + i_f])  # error: Out-of-bound access for tensor `x` on dimension 1: index range [512, 1023] exceed dimension size of 1000
    nl.store(out, value=t)
    return out
