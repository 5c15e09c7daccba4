"""Iteration j writes columns 4j, 4j+2, ..., 4j+62: neighbouring iterations share 30 of them."""
# args: a: float32[128, 32]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def dep_strided_overlap(a):
    out = nl.ndarray((128, 128), dtype=a.dtype, buffer=nl.shared_hbm)
    i_p = nl.arange(128)[:, None]
    i_h = nl.arange(32)[None, :]
    t = nl.load(a)
    for j in nl.affine_range(4):
        nl.store(out[i_p, j * 4 + 2 * i_h], value=t)  # error: Unexpected output dependencies: `out[0, 4]` is written by 'store' (line 15) in iteration j = 0 and by 'store' (line 15) in iteration j = 1 of affine_range `j`; make the iterations touch disjoint elements (index by `j`) or use nl.sequential_range
    return out
