"""Iteration i loads the rows that iteration i + 1 stores."""
# args: x: float32[512, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def dep_read_other_iteration(x):
    out = nl.ndarray((640, 512), dtype=x.dtype, buffer=nl.shared_hbm)
    for i in nl.affine_range(4):
        t = nl.load(x[i * 128:(i + 1) * 128, 0:512])
        nl.store(out[i * 128:(i + 1) * 128, 0:512], value=t)
        u = nl.load(out[(i + 1) * 128:(i + 2) * 128, 0:512])  # error: Unexpected output dependencies: `out[128, 0]` is written by 'store' (line 13) in iteration i = 1 and read by 'load' (line 14) in iteration i = 0 of affine_range `i`; make the iterations touch disjoint elements (index by `i`) or use nl.sequential_range
    return out
