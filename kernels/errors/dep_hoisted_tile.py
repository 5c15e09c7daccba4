"""A tile declared outside an affine_range is overwritten by every iteration (declare it inside, or index it by i)."""
# args: x: float32[4, 128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def dep_hoisted_tile(x):
    out = nl.ndarray((4, 128, 512), dtype=x.dtype, buffer=nl.shared_hbm)
    buf = nl.ndarray((128, 512), dtype=x.dtype, buffer=nl.sbuf)
    for i in nl.affine_range(4):
        buf[...] = nl.load(x[i])  # error: Unexpected output dependencies: `buf[0, 0]` is written by 'load' (line 13) in iteration i = 0 and by 'load' (line 13) in iteration i = 1 of affine_range `i`; make the iterations touch disjoint elements (index by `i`) or use nl.sequential_range
        nl.store(out[i], value=buf)
    return out
