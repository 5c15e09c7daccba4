"""A trace-time numpy array indexed past its end: numpy's IndexError, at the subscript."""
# args: a: float32[128, 64]

import numpy as np
from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def k(a):
    starts = np.arange(4, dtype=np.int32) * 16
    last = starts[4]  # error: IndexError: index 4 is out of bounds for axis 0 with size 4
    return a
