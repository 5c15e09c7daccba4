"""acc -= x in an affine_range: subtraction is not an associative accumulation; use nl.sequential_range."""
# args: x: float32[4, 128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def dep_sbuf_subtract(x):
    out = nl.ndarray((128, 512), dtype=x.dtype, buffer=nl.shared_hbm)
    acc = nl.zeros((128, 512), dtype=nl.float32, buffer=nl.sbuf)
    for i in nl.affine_range(4):
        x_tile = nl.load(x[i])
        acc -= x_tile  # error: Unexpected output dependencies: `acc[0, 0]` is read by 'tensor_tensor' (line 14) in iteration i = 0 and written by 'tensor_tensor' (line 14) in iteration i = 1 of affine_range `i`; make the iterations touch disjoint elements (index by `i`) or use nl.sequential_range
    nl.store(out, value=acc)
    return out
