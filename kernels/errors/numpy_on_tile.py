"""numpy computes trace-time constants; applied to a tile (kernel data) it is refused."""
# args: a: float32[128, 64]

import numpy as np
from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def k(a):
    out = nl.ndarray(a.shape, dtype=np.dtype(np.float32), buffer=nl.shared_hbm)
    t = nl.load(a)
    e = np.exp(t)  # error: unsupported: np.exp on a tile (numpy runs on the host at trace time; use the kernel language's own operation)
    nl.store(out, value=e)
    return out
