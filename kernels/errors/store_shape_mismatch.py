"""Storing a [128, 512] tile into a [128, 256] block."""
# args: a: float32[128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def store_shape_mismatch(a):
    out = nl.ndarray((128, 256), dtype=a.dtype, buffer=nl.shared_hbm)
    t = nl.load(a)
    nl.store(out, value=t)  # error: shape mismatch in parameters (dst[128, 256], value[128, 512]) of 'store'
    return out
