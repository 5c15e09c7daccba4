"""The inner affine_range over j stores every iteration's tile to the same columns."""
# args: x: float32[512, 2048]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def dep_nested_missing_index(x):
    out = nl.ndarray((512, 512), dtype=x.dtype, buffer=nl.shared_hbm)
    for i in nl.affine_range(4):
        for j in nl.affine_range(4):
            t = nl.load(x[i * 128:(i + 1) * 128, j * 512:(j + 1) * 512])
            nl.store(out[i * 128:(i + 1) * 128, 0:512], value=t)  # error: Unexpected output dependencies: `out[0, 0]` is written by 'store' (line 14) in iteration j = 0 and by 'store' (line 14) in iteration j = 1 of affine_range `j`; make the iterations touch disjoint elements (index by `j`) or use nl.sequential_range
    return out
