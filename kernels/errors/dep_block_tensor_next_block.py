"""Iteration i loads block i + 1 of an SBUF block tensor, which iteration i + 1 stores."""
# args: x: float32[640, 64]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def dep_block_tensor_next_block(x):
    out = nl.ndarray((512, 64), dtype=x.dtype, buffer=nl.shared_hbm)
    stage = nl.ndarray((5, nl.par_dim(128), 64), dtype=x.dtype, buffer=nl.sbuf)
    i_p = nl.arange(128)[:, None]
    i_f = nl.arange(64)[None, :]
    stage[0, i_p, i_f] = nl.load(x[i_p, i_f])
    for i in nl.affine_range(4):
        nl.store(out[i * 128 + i_p, i_f], value=stage[i, i_p, i_f])
        stage[i + 1, i_p, i_f] = nl.load(x[(i + 1) * 128 + i_p, i_f])  # error: Unexpected output dependencies: `stage[1, 0, 0]` is read by 'store' (line 16) in iteration i = 1 and written by 'load' (line 17) in iteration i = 0 of affine_range `i`; make the iterations touch disjoint elements (index by `i`) or use nl.sequential_range
    return out
