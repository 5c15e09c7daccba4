"""Every iteration of an affine_range stores to out[0:128, 0:512]."""
# args: x: float32[1024, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def dep_store_same_block(x):
    out = nl.ndarray((128, 512), dtype=x.dtype, buffer=nl.shared_hbm)
    for i in nl.affine_range(8):
        t = nl.load(x[i * 128:(i + 1) * 128, 0:512])
        nl.store(out[0:128, 0:512], value=t)  # error: Unexpected output dependencies: `out[0, 0]` is written by 'store' (line 13) in iteration i = 0 and by 'store' (line 13) in iteration i = 1 of affine_range `i`; make the iterations touch disjoint elements (index by `i`) or use nl.sequential_range
    return out
