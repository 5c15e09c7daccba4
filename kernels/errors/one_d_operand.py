"""A 1-D tensor loads onto the partition axis; broadcasting it along the free axis needs a [1, n] row."""
# args: x: float32[128, 64], w: float32[64]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def one_d_operand(x, w):
    out = nl.ndarray((128, 64), dtype=x.dtype, buffer=nl.shared_hbm)
    xt = nl.load(x)
    wt = nl.load(w)
    y = nl.multiply(xt, wt)  # error: operand 'data2' of `wt` moves across partitions in a free dimension; the partition dimension must come first; `wt` is a 1-D tile, one element per partition (a 1-D tensor loads onto the partition axis): to use its 64 values along the free axis, load the vector as a row, `v.reshape((1, 64))`, and broadcast it with `.broadcast_to((128, 64))`
    nl.store(out, value=y)
    return out
