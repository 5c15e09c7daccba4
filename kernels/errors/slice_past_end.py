"""A slice whose stop lies past the tensor's end: NKI does not clamp it as Python does."""
# args: x: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def slice_past_end(x):
    out = nl.ndarray((128, 64), dtype=x.dtype, buffer=nl.shared_hbm)
    t = nl.load(x[0:200, :])  # error: Out-of-bound access for tensor `x` on dimension 0: index range [0, 199] exceed dimension size of 128
    nl.store(out, value=t)
    return out
