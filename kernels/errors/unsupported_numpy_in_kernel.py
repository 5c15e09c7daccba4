"""numpy array functions run on the host, not inside a kernel."""
# args: a: float32[128, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import neuronxcc.nki.isa as nisa


@nki.jit
def k(a):
    import numpy as np
    w = np.convolve(np.ones(3), np.ones(2))  # error: unsupported: np.convolve inside a kernel (numpy runs on the host; use the nl equivalent)
    return a
