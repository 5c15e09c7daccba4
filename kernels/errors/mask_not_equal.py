"""A mask with '!=': a mask must describe an index range."""
# args: a: float32[128, 512]

from neuronxcc import nki
import neuronxcc.nki.language as nl


@nki.jit
def mask_not_equal(a):
    out = nl.ndarray((128, 512), dtype=a.dtype, buffer=nl.shared_hbm)
    i_p = nl.arange(128)[:, None]
    i_f = nl.arange(512)[None, :]
    t = nl.load(a[i_p, i_f], mask=(i_p != 3))  # error: invalid mask on 'load': '!=' cannot be expressed as an index range; use two masks or affine_select
    nl.store(out[i_p, i_f], value=t)
    return out
