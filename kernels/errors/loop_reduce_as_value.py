"""nl.loop_reduce's result is assigned into its destination tile, never used as a value."""
# args: x: float32[4, 128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl
import numpy as np


@nki.jit
def loop_reduce_as_value(x):
    result = nl.ndarray((128, 512), dtype=nl.float32, buffer=nl.shared_hbm)
    acc = nl.zeros((128, 512), dtype=nl.float32, buffer=nl.sbuf)
    for k in nl.affine_range(4):
        acc = nl.loop_reduce(nl.load(x[k]), np.add, loop_indices=[k])
    nl.store(result, value=acc * 2.0)  # error: TypeError: the result of nl.loop_reduce is assigned into its destination tile (`dst[...] = nl.loop_reduce(x, op, loop_indices)`), not used as a value
    return result
